import datetime
import re

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone

from registry.models import AdminArea, AreaLevel, Household, ResettlementSite
from registry.scope import area_q

from . import findings
from .models import Finding
from .timeline import KINDS


class HistoryFilterForm(forms.Form):
    kind = forms.MultipleChoiceField(label="类别", choices=KINDS, required=False,
                                     widget=forms.CheckboxSelectMultiple)
    date_from = forms.DateField(label="起始日期", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label="截止日期", required=False, widget=forms.DateInput(attrs={"type": "date"}))


# The log's 操作 filter by category: the prefixes of the action codes each category covers.
ACTION_CATEGORIES = {
    "case": ("案件办理（审批、流转）", ("household.", "site.")),
    "registry": ("登记信息（搬迁户、成员）", ("household.create", "household.change", "member.")),
    "evidence": ("证明材料", ("evidence.",)),
    "document": ("文书", ("document.",)),
    "task": ("任务领取与改派", ("task.",)),
    "village": ("评议与公示", ("review_meeting.", "notice_batch.", "objection.")),
    "finding": ("督查问题与审计查阅", ("finding.", "supervision.")),
    "archive": ("档案", ("archive.",)),
    "intake": ("名单导入与回头看", ("intake.",)),
    "aftercare": ("后续扶持", ("aftercare.",)),
    "account": ("登录、账号与授权", ("auth.", "accounts.", "user.", "api_token.", "delegation.", "area.")),
    "system": ("系统运行", ("storage.", "audit.", "demo.", "monitoring.", "public.", "notification.")),
}
ACTION_CODE = r"^[a-z_]+(\.[a-z_]+)+$"


class ActionFilterField(forms.CharField):
    """A category of ACTION_CATEGORIES (the select officials use), or one exact action code (links
    from a case's history carry it)."""

    widget = forms.Select(choices=[("", "全部操作"), *((k, label) for k, (label, _) in ACTION_CATEGORIES.items())])

    def clean(self, value):
        value = super().clean(value)
        if value and value not in ACTION_CATEGORIES and not re.match(ACTION_CODE, value):
            raise ValidationError("请从列表中选择操作类别。")
        return value


def action_q(value: str) -> Q:
    if value in ACTION_CATEGORIES:
        q = Q(pk__in=[])
        for prefix in ACTION_CATEGORIES[value][1]:
            q |= Q(action__startswith=prefix)
        if value == "case":  # the registry's own edits have a category of their own
            q &= ~Q(action__in=("household.create", "household.change", "site.create", "site.change"))
        return q
    return Q(action=value)


class AuditLogFilterForm(forms.Form):
    actor = forms.CharField(label="操作人（用户名）", required=False, max_length=150)
    action = ActionFilterField(label="操作类别", required=False, max_length=64)
    area = forms.RegexField(label="区划代码前缀", required=False, regex=r"^\d{1,12}$",
                            error_messages={"invalid": "区划代码前缀须为1至12位数字。"})
    date_from = forms.DateField(label="起始日期", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label="截止日期", required=False, widget=forms.DateInput(attrs={"type": "date"}))


# ---------------------------------------------------------------- findings (督查问题台账)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (Django's documented pattern); none is fine."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".jpg,.jpeg,.png,.pdf"}))
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, (list, tuple)):
            return [super(MultipleFileField, self).clean(d, initial) for d in data if d]
        return [super().clean(data, initial)] if data else []


ATTACHMENT_HELP = "JPEG、PNG 图片或 PDF，每个不超过上传上限，最多10个；入库后不可修改，记录 SHA-256 与 SM3。"


def supervised_areas(user):
    """County, township and village areas inside the user's supervision scope."""
    rows = (AdminArea.objects.filter(area_q(user, findings.AUDIT_PERM, field="code"))
            .filter(level__in=[AreaLevel.COUNTY, AreaLevel.TOWNSHIP, AreaLevel.VILLAGE])
            .order_by("code").values_list("code", "name", "level")[:3000])
    indent = {AreaLevel.COUNTY: "", AreaLevel.TOWNSHIP: "　", AreaLevel.VILLAGE: "　　"}
    return [(code, f"{indent[level]}{name}（{code}）") for code, name, level in rows]


class FindingForm(forms.Form):
    TARGETS = [("household", "搬迁户"), ("site", "集中安置点"), ("area", "区域（县、乡镇、村）")]

    target_kind = forms.ChoiceField(label="问题对象", choices=TARGETS, widget=forms.RadioSelect,
                                    error_messages={"required": "请选择问题对象。"})
    household_number = forms.CharField(label="搬迁户户编号", required=False, max_length=16,
                                       help_text="16位户编号（问题对象为搬迁户时填写）。")
    site = forms.ModelChoiceField(label="集中安置点", queryset=ResettlementSite.objects.none(), required=False,
                                  empty_label="（问题对象为安置点时选择）",
                                  error_messages={"invalid_choice": "所选安置点不在您的督查范围内。"})
    area = forms.ChoiceField(label="区域", required=False, help_text="问题对象为区域时选择。")
    category = forms.ChoiceField(label="问题类别", choices=[("", "请选择")] + Finding.Category.choices,
                                 error_messages={"required": "请选择问题类别（督建、督搬、督拆、督扶、督纪）。"})
    description = forms.CharField(label="问题描述", widget=forms.Textarea(attrs={"rows": 4}), max_length=4000,
                                  error_messages={"required": "请填写问题描述。"})
    responsible_area = forms.ChoiceField(label="责任区域", error_messages={"required": "请选择责任区域。"})
    responsible_role = forms.ChoiceField(label="责任岗位", error_messages={"required": "请选择责任岗位。"})
    deadline = forms.DateField(label="整改期限", widget=forms.DateInput(attrs={"type": "date"}),
                               error_messages={"required": "请填写整改期限。", "invalid": "整改期限日期格式不正确。"})
    attachments = MultipleFileField(label="问题证据（附件）", help_text=ATTACHMENT_HELP)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        areas = supervised_areas(user)
        self.fields["area"].choices = [("", "请选择")] + areas
        self.fields["responsible_area"].choices = [("", "请选择")] + areas
        self.fields["responsible_role"].choices = [("", "请选择")] + findings.responsible_roles()
        self.fields["site"].queryset = (ResettlementSite.objects
                                        .filter(area_q(user, "registry.view_resettlementsite"))
                                        .filter(area_q(user, findings.AUDIT_PERM)).order_by("code"))
        self.target = None  # (area_code, household, site) once valid

    def clean_deadline(self):
        deadline = self.cleaned_data["deadline"]
        if deadline < timezone.localdate():
            raise ValidationError("整改期限不能早于今天。")
        if deadline > timezone.localdate() + datetime.timedelta(days=366):
            raise ValidationError("整改期限不能超过一年。")
        return deadline

    def clean(self):
        data = super().clean()
        kind = data.get("target_kind")
        if kind == "household":
            number = (data.get("household_number") or "").strip()
            if not number:
                self.add_error("household_number", "请填写搬迁户户编号。")
            else:
                household = (Household.objects.filter(area_q(self.user, "registry.view_household"))
                             .filter(area_q(self.user, findings.AUDIT_PERM)).filter(number=number).first())
                if household is None:
                    self.add_error("household_number", "未找到该户编号，或该户不在您的督查范围内。")
                else:
                    self.target = (household.area_code, household, None)
        elif kind == "site":
            site = data.get("site")
            if site is None:
                self.add_error("site", "请选择集中安置点。")
            else:
                self.target = (site.area_code, None, site)
        elif kind == "area":
            if not data.get("area"):
                self.add_error("area", "请选择区域。")
            else:
                self.target = (data["area"], None, None)
        if self.target and data.get("responsible_area") and data.get("responsible_role"):
            try:
                findings.check_responsible_unit(target_code=self.target[0],
                                                responsible_area_code=data["responsible_area"],
                                                responsible_role=data["responsible_role"])
            except ValidationError as exc:
                field = "responsible_role" if exc.code in ("role", "role_level") else "responsible_area"
                self.add_error(field, exc)
        return data


class RespondForm(forms.Form):
    text = forms.CharField(label="整改情况", widget=forms.Textarea(attrs={"rows": 4}), max_length=4000,
                           error_messages={"required": "请填写整改情况。"})
    attachments = MultipleFileField(label="整改证明材料（附件）", help_text=ATTACHMENT_HELP)


class ReviewForm(forms.Form):
    DECISIONS = [("close", "整改到位，予以销号"), ("send_back", "整改不到位，退回重新整改")]

    decision = forms.ChoiceField(label="核查结论", choices=DECISIONS, widget=forms.RadioSelect,
                                 error_messages={"required": "请选择核查结论。",
                                                 "invalid_choice": "请选择核查结论。"})
    reason = forms.CharField(label="核查意见", widget=forms.Textarea(attrs={"rows": 3}), required=False,
                             max_length=2000, help_text="退回时必须填写原因。")

    def clean(self):
        data = super().clean()
        if data.get("decision") == "send_back" and not (data.get("reason") or "").strip():
            self.add_error("reason", "退回重新整改须填写原因。")
        return data


class LedgerFilterForm(forms.Form):
    category = forms.ChoiceField(label="类别", required=False, choices=[("", "全部")] + Finding.Category.choices)
    status = forms.ChoiceField(label="状态", required=False, choices=[("", "全部")] + Finding.Status.choices)
    overdue = forms.BooleanField(label="仅看已超期（待整改）", required=False)
    late = forms.BooleanField(label="仅看逾期整改", required=False)
    area = forms.RegexField(label="区划代码前缀", required=False, regex=r"^\d{1,12}$",
                            error_messages={"invalid": "区划代码前缀须为1至12位数字。"})
