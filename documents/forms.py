from django import forms

from registry.models import HouseholdStage, SiteStage

from .models import EvidenceKind


class EvidenceUploadForm(forms.Form):
    stage = forms.ChoiceField(label="阶段")
    kind = forms.ChoiceField(label="证据类型", choices=EvidenceKind.choices)
    description = forms.CharField(label="说明", max_length=200, required=False)
    # Empty files are refused by the evidence validation, with its own message.
    file = forms.FileField(label="文件（JPEG、PNG 或 PDF）", allow_empty_file=True,
                           error_messages={"required": "请选择要上传的文件。"})

    def __init__(self, *args, is_site: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["stage"].choices = (SiteStage if is_site else HouseholdStage).choices


class ReasonForm(forms.Form):
    reason = forms.CharField(label="原因", max_length=200, widget=forms.Textarea(attrs={"rows": 2}),
                             error_messages={"required": "请填写原因。"})


class VerifyUploadForm(forms.Form):
    file = forms.FileField(label="待核对的 PDF 文件", error_messages={"required": "请选择要核对的 PDF 文件。"})


class NoticeForm(forms.Form):
    start_date = forms.DateField(label="公示开始日期", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    days = forms.IntegerField(label="公示天数", required=False, min_value=1, max_value=60)
