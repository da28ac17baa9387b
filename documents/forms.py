from django import forms

from .evidence.batch import ACCEPT, MAX_FILES


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (the browser's multiple file choice)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/jpeg,image/png"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, (list, tuple)):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


class EvidenceUploadForm(forms.Form):
    """Evidence for a case or a site at its current stage: the kind (those the stage asks for
    first), several files at once, a note. The pages file each file on its own (evidence.batch)."""

    kind = forms.ChoiceField(label="材料类型", error_messages={"required": "请选择材料类型。",
                                                               "invalid_choice": "请从列表中选择材料类型。"})
    # Empty files are refused by the evidence validation, with its own message.
    file = MultipleFileField(label="文件（可多选；JPEG、PNG 或 PDF）", allow_empty_file=True, required=False,
                             widget=MultipleFileInput(attrs={"accept": ACCEPT}))
    description = forms.CharField(label="说明（可不填）", max_length=200, required=False)

    def __init__(self, *args, kinds, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", "请选择"), *kinds]

    def clean_file(self):
        files = self.cleaned_data["file"]
        if not files:
            raise forms.ValidationError("请选择要上传的文件（可一次选择多个）。")
        if len(files) > MAX_FILES:
            raise forms.ValidationError(f"一次最多上传{MAX_FILES}个文件，本次选择了{len(files)}个。")
        return files


class ReasonForm(forms.Form):
    reason = forms.CharField(label="原因", max_length=200, widget=forms.Textarea(attrs={"rows": 2}),
                             error_messages={"required": "请填写原因。"})


class VerifyUploadForm(forms.Form):
    file = forms.FileField(label="待核对的 PDF 文件", error_messages={"required": "请选择要核对的 PDF 文件。"})


class NoticeForm(forms.Form):
    start_date = forms.DateField(label="公示开始日期", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    days = forms.IntegerField(label="公示天数", required=False, min_value=1, max_value=60)
