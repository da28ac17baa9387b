"""The forms officials fill in: Chinese labels and messages, errors next to their field.

Services decide (workflows/households/service); these only parse. A refusal's violations carry a
`field`; `add_violations` puts each message next to that field or on top of the form.
"""

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from registry.idnumbers import check_id_number, normalise
from registry.people import display_name


def add_violations(form, violations):
    for v in violations:
        field = v.field if v.field in form.fields else None
        form.add_error(field, v.message)


class DecisionForm(forms.Form):
    """Approve or return one step, with the opinion that is signed into the record."""

    DECISIONS = [("approve", "同意"), ("return", "退回")]

    step = forms.CharField(widget=forms.HiddenInput)
    # The stage and round the page showed: a stale or repeated submission is recognised as such.
    seen_stage = forms.CharField(widget=forms.HiddenInput)
    seen_round = forms.IntegerField(widget=forms.HiddenInput)
    decision = forms.ChoiceField(label="办理意见", choices=DECISIONS, widget=forms.RadioSelect, initial="approve",
                                 error_messages={"required": "请选择“同意”或“退回”。"})
    opinion = forms.CharField(label="意见内容", required=False, max_length=2000,
                              widget=forms.Textarea(attrs={"rows": 3, "placeholder": "同意时可简要说明；退回须写明原因与整改要求"}))

    def __init__(self, *args, step_fields=(), officers=None, **kwargs):
        super().__init__(*args, **kwargs)
        if "actual_floor_area" in step_fields:
            self.fields["actual_floor_area"] = forms.DecimalField(
                label="验收实测住房面积（㎡）", max_digits=8, decimal_places=2, min_value=0, required=False,
                error_messages={"invalid": "请输入数字，最多两位小数。"})
        if "reclaimed_area_mu" in step_fields:
            self.fields["reclaimed_area_mu"] = forms.DecimalField(
                label="宅基地复垦面积（亩）", max_digits=8, decimal_places=2, min_value=0, required=False,
                error_messages={"invalid": "请输入数字，最多两位小数。"})
        if "follow_up_officer" in step_fields:
            self.fields["follow_up_officer"] = forms.ModelChoiceField(
                label="后扶专干", queryset=officers, required=False, empty_label="（请选择）",
                error_messages={"invalid_choice": "请从列表中选择本乡镇的工作人员。"})
            self.fields["follow_up_officer"].label_from_instance = lambda u: (
                display_name(u))

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == "return" and not (cleaned.get("opinion") or "").strip():
            self.add_error("opinion", "退回须填写退回意见（说明原因与整改要求）。")
        return cleaned

    def changes(self) -> dict:
        found = {}
        for name in ("actual_floor_area", "reclaimed_area_mu", "follow_up_officer"):
            value = self.cleaned_data.get(name)
            if value not in (None, ""):
                found[name] = value.pk if name == "follow_up_officer" else value
        return found


class RemovalRequestForm(forms.Form):
    seen_stage = forms.CharField(widget=forms.HiddenInput)
    seen_round = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(label="清退原因", max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 3, "placeholder": "写明不符合搬迁条件的事实与依据"}),
                             error_messages={"required": "清退须填写清退原因。"})


class RemovalDecisionForm(forms.Form):
    seen_stage = forms.CharField(widget=forms.HiddenInput)
    seen_round = forms.IntegerField(widget=forms.HiddenInput)
    approve = forms.TypedChoiceField(label="审批结果", choices=[("1", "同意清退"), ("0", "不同意清退")],
                                     coerce=lambda v: v == "1", widget=forms.RadioSelect,
                                     error_messages={"required": "请选择审批结果。"})
    opinion = forms.CharField(label="审批意见", required=False, max_length=2000,
                              widget=forms.Textarea(attrs={"rows": 3}))

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("approve") is False and not (cleaned.get("opinion") or "").strip():
            self.add_error("opinion", "不同意清退须填写意见。")
        return cleaned


class ReassignForm(forms.Form):
    to_user = forms.ModelChoiceField(label="改派给", queryset=None, empty_label="（请选择）",
                                     error_messages={"required": "请选择改派对象。",
                                                     "invalid_choice": "改派对象须为在本辖区担任该岗位的在岗人员。"})
    reason = forms.CharField(label="改派原因", required=False, max_length=200)

    def __init__(self, *args, officials=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_user"].queryset = officials
        self.fields["to_user"].label_from_instance = display_name


class InboxFilterForm(forms.Form):
    """Filters of the inbox, read from the query string (nothing personal goes there)."""

    SORTS = [("oldest", "先到先办（到期早的在前）"), ("newest", "最新到达在前"), ("number", "按户编号"),
             ("priority", "优先办理（地质灾害隐患户在前）")]

    step = forms.ChoiceField(label="环节", required=False)
    area = forms.ChoiceField(label="乡镇/村", required=False)
    site = forms.ChoiceField(label="安置点", required=False)
    overdue = forms.BooleanField(label="只看已超期", required=False)
    q = forms.CharField(label="查找", required=False, max_length=40,
                        widget=forms.TextInput(attrs={"placeholder": "户编号或户主姓名", "autocomplete": "off"}))
    sort = forms.ChoiceField(label="排序", choices=SORTS, required=False)

    def __init__(self, *args, steps=(), areas=(), sites=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["step"].choices = [("", "全部环节"), *steps]
        self.fields["area"].choices = [("", "全部区划"), *areas]
        self.fields["site"].choices = [("", "全部安置点"), *sites]

    def clean_q(self):
        value = (self.cleaned_data.get("q") or "").strip()
        if len(normalise(value)) == 18:
            # Full ID numbers are searched by POST only: they must never sit in an address.
            raise forms.ValidationError("身份证号码请在右侧“按身份证号码查找”中输入（不会出现在网址中）。")
        return value


class IdSearchForm(forms.Form):
    id_number = forms.CharField(label="身份证号码", max_length=40,
                                widget=forms.TextInput(attrs={"autocomplete": "off", "placeholder": "完整的18位身份证号码"}),
                                error_messages={"required": "请输入完整的18位身份证号码。"})

    def clean_id_number(self):
        try:
            return check_id_number(self.cleaned_data["id_number"]).number
        except ValidationError as exc:
            raise forms.ValidationError(exc.messages)


class NoticeBatchForm(forms.Form):
    posted_on = forms.DateField(label="公示开始日期", widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
                                error_messages={"required": "请填写公示开始日期。", "invalid": "日期格式应为 年-月-日。"})
    ends_on = forms.DateField(label="公示截止日期", widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
                              error_messages={"required": "请填写公示截止日期。", "invalid": "日期格式应为 年-月-日。"})
    posted_at = forms.CharField(label="张贴地点", max_length=200, error_messages={"required": "须填写张贴地点。"})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.fields["posted_on"].initial = today
        self.fields["ends_on"].initial = today + datetime.timedelta(days=6)


class ReviewMeetingForm(forms.Form):
    MEETING_TYPES = [("representatives", "村民代表会议"), ("villagers", "村民会议")]

    meeting_type = forms.ChoiceField(label="会议类型", choices=MEETING_TYPES, initial="representatives")
    held_on = forms.DateField(label="会议日期", widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
                              error_messages={"required": "请填写会议日期。", "invalid": "日期格式应为 年-月-日。"})
    place = forms.CharField(label="会议地点", max_length=100, error_messages={"required": "须填写会议地点。"})
    expected_members = forms.IntegerField(label="应到人数", min_value=1, error_messages={"required": "请填写应到人数。"})
    present_members = forms.IntegerField(label="实到人数", min_value=0, error_messages={"required": "请填写实到人数。"})
    minutes = forms.CharField(label="会议纪要", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    meeting_minutes_scan = forms.FileField(label="评议会议记录扫描件", required=False)
    sign_in_sheet = forms.FileField(label="会议签到表", required=False)


class ObjectionForm(forms.Form):
    household = forms.TypedChoiceField(label="被异议户", coerce=int, error_messages={"required": "请选择被异议户。"})
    objector = forms.CharField(label="异议人", max_length=100, error_messages={"required": "须填写异议人。"})
    content = forms.CharField(label="异议内容", widget=forms.Textarea(attrs={"rows": 3}),
                              error_messages={"required": "须填写异议内容。"})
    token = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, households=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["household"].choices = [("", "（请选择）"), *[(h.pk, f"{h.number} {h.head_name or ''}")
                                                                  for h in households]]


class ResolveObjectionForm(forms.Form):
    upheld = forms.TypedChoiceField(label="处理结果", choices=[("0", "异议不成立"), ("1", "异议成立（退回重新评议）")],
                                    coerce=lambda v: v == "1", widget=forms.RadioSelect,
                                    error_messages={"required": "请选择处理结果。"})
    resolution = forms.CharField(label="处理意见", widget=forms.Textarea(attrs={"rows": 2}),
                                 error_messages={"required": "须填写处理意见（核查情况与结论）。"})


class PhotoForm(forms.Form):
    photo = forms.FileField(label="公示张贴照片", error_messages={"required": "请选择要上传的照片。"})
