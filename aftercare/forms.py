"""The 后扶 forms: Chinese labels and messages; the services decide (employment, income), these parse.
A refusal's violations carry a `field`; `add_violations` puts each next to its field."""

import datetime

from django import forms
from django.utils import timezone

from .models import (Channel, ContinuityItem, ContinuityState, EmploymentStatus, HazardKind, LandKind, LandUse,
                     MeasureKind, RiskType, WorkPlace)

DATE = forms.DateInput(attrs={"type": "date"})
MONTH = forms.DateInput(attrs={"type": "month"}, format="%Y-%m")
MAX_UPLOAD_BYTES = 5 * 1024 * 1024


def add_violations(form, violations):
    for v in violations:
        form.add_error(v.field if v.field in form.fields else None, v.message)


class MonthField(forms.DateField):
    """A month typed as 2026-03 (the browser's month input) or a date: the month's first day."""

    input_formats = ["%Y-%m", "%Y-%m-%d", "%Y/%m"]
    default_error_messages = {"invalid": "请按“2026-03”的格式填写月份。", "required": "请填写更新月份。"}

    def to_python(self, value):
        value = super().to_python(value)
        return value.replace(day=1) if isinstance(value, datetime.date) else value


def _date(label, required=False):
    return forms.DateField(label=label, required=required, widget=DATE,
                           error_messages={"invalid": f"{label}须为日期（如 2026-03-31）。",
                                           "required": f"请填写{label}。"})


class EmploymentForm(forms.Form):
    member = forms.TypedChoiceField(label="家庭成员", coerce=int, error_messages={
        "required": "请选择家庭成员。", "invalid_choice": "请从列表中选择有劳动能力的家庭成员。"})
    month = MonthField(label="更新月份", widget=MONTH)
    status = forms.ChoiceField(label="就业状态", choices=EmploymentStatus.choices,
                               error_messages={"required": "请选择就业状态。", "invalid_choice": "请选择就业状态。"})
    place = forms.ChoiceField(label="就业地域", required=False, choices=[("", "（未就业不填）"), *WorkPlace.choices],
                              error_messages={"invalid_choice": "请选择就业地域。"})
    employer = forms.CharField(label="就业单位", required=False, max_length=100,
                               error_messages={"max_length": "就业单位最多100字。"})
    post = forms.CharField(label="就业岗位（工种）", required=False, max_length=60,
                           error_messages={"max_length": "岗位最多60字。"})
    months = forms.IntegerField(label="本年务工月数", required=False, min_value=0, max_value=12, initial=0,
                                error_messages={"invalid": "务工月数须为整数。", "min_value": "务工月数须在0到12之间。",
                                                "max_value": "务工月数须在0到12之间。"})
    monthly_income = forms.DecimalField(label="月收入（元）", required=False, min_value=0, max_digits=9,
                                        decimal_places=2, error_messages={
                                            "invalid": "月收入须为金额（元）。", "min_value": "月收入不能为负数。",
                                            "max_digits": "月收入过大，请核实。", "max_decimal_places": "月收入最多两位小数。"})
    channel = forms.ChoiceField(label="就业渠道", required=False, choices=[("", "（未就业不填）"), *Channel.choices],
                                error_messages={"invalid_choice": "请选择就业渠道。"})
    start_date = _date("就业起始日期")
    end_date = _date("就业终止日期")
    note = forms.CharField(label="未就业原因或备注", required=False, max_length=200,
                           error_messages={"max_length": "备注最多200字。"})

    def __init__(self, *args, members=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].choices = [("", "（请选择）")] + [(m.pk, m.name) for m in members]
        today = timezone.localdate()
        self.fields["month"].initial = today.replace(day=1)


class TrainingForm(forms.Form):
    member = forms.TypedChoiceField(label="家庭成员", coerce=int, error_messages={
        "required": "请选择家庭成员。", "invalid_choice": "请从列表中选择有劳动能力的家庭成员。"})
    project = forms.CharField(label="培训项目", max_length=100, error_messages={
        "required": "请填写培训项目。", "max_length": "培训项目最多100字。"})
    start_date = _date("培训开始日期", required=True)
    end_date = _date("培训结束日期", required=True)
    certificate = forms.CharField(label="取得证书", required=False, max_length=100,
                                  error_messages={"max_length": "证书名称最多100字。"})

    def __init__(self, *args, members=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].choices = [("", "（请选择）")] + [(m.pk, m.name) for m in members]


def _quarter_choices():
    return [(1, "第一季度"), (2, "第二季度"), (3, "第三季度"), (4, "第四季度")]


class PeriodForm(forms.Form):
    """Which year and quarter a table is for."""

    year = forms.IntegerField(label="年度", min_value=2016, max_value=2100, error_messages={
        "required": "请填写年度。", "invalid": "年度须为四位数字。", "min_value": "年度不能早于2016年。",
        "max_value": "年度有误。"})
    quarter = forms.TypedChoiceField(label="季度", coerce=int, choices=_quarter_choices(), error_messages={
        "required": "请选择季度。", "invalid_choice": "季度须为1到4。"})

    @staticmethod
    def current() -> dict:
        today = timezone.localdate()
        return {"year": today.year, "quarter": (today.month - 1) // 3 + 1}


class IncomeForm(PeriodForm):
    """One household's quarter; amounts stay text here and are checked by aftercare.income."""

    wage = forms.CharField(label="工资性收入（元）", required=False, max_length=20)
    public_post = forms.CharField(label="其中：公益岗位收入（元）", required=False, max_length=20)
    business_gross = forms.CharField(label="经营性收入（毛收入，元）", required=False, max_length=20)
    business_cost = forms.CharField(label="生产经营费用（元）", required=False, max_length=20)
    property_income = forms.CharField(label="财产性收入（元）", required=False, max_length=20)
    transfer = forms.CharField(label="转移性收入（元）", required=False, max_length=20)
    head_signed_on = forms.CharField(label="户主签字日期", required=False, max_length=20,
                                     widget=forms.DateInput(attrs={"type": "date"}))


class IncomeUploadForm(PeriodForm):
    workbook = forms.FileField(label="收入监测表（Excel .xlsx）", error_messages={
        "required": "请选择要导入的 Excel 文件。", "empty": "上传的文件是空的。"})

    def clean_workbook(self):
        upload = self.cleaned_data["workbook"]
        if not upload.name.lower().endswith(".xlsx"):
            raise forms.ValidationError("只接受 .xlsx 格式的 Excel 文件（旧版 .xls 请另存为 .xlsx）。")
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError("文件超过5MB，请分村导入。")
        return upload


class PlanForm(forms.Form):
    """The support plan; one use per kind of land left behind (耕地, 林地, 宅基地)."""

    income_channels = forms.CharField(label="稳定增收渠道", max_length=200, required=False,
                                      help_text="如：务工、公益岗位、光伏分红、土地流转金", error_messages={
                                          "max_length": "稳定增收渠道最多200字。"})
    measures = forms.MultipleChoiceField(label="帮扶措施类别", required=False, choices=MeasureKind.choices,
                                         widget=forms.CheckboxSelectMultiple,
                                         error_messages={"invalid_choice": "帮扶措施只能从列表中选择。"})
    measure_note = forms.CharField(label="帮扶措施说明", required=False, max_length=500,
                                   widget=forms.Textarea(attrs={"rows": 2}),
                                   error_messages={"max_length": "说明最多500字。"})
    land_uses = forms.CharField(required=False, widget=forms.HiddenInput)  # errors of the land rows

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for code, label in LandKind.choices:
            self.fields[f"{code}_use"] = forms.ChoiceField(
                label=f"{label}盘活方式", required=False, choices=[("", "（无或未盘活）"), *LandUse.choices],
                error_messages={"invalid_choice": f"{label}盘活方式只能从列表中选择。"})
            self.fields[f"{code}_area"] = forms.CharField(label=f"{label}面积（亩）", required=False, max_length=12)

    def land_rows(self) -> list[dict]:
        data = self.cleaned_data
        return [{"land": code, "use": data.get(f"{code}_use", ""), "area_mu": data.get(f"{code}_area", "")}
                if data.get(f"{code}_use") or data.get(f"{code}_area") else {}
                for code in LandKind.values]


class ContinuityForm(forms.Form):
    item = forms.ChoiceField(label="接续事项", choices=[("", "（请选择）"), *ContinuityItem.choices],
                             error_messages={"required": "请选择接续事项。", "invalid_choice": "请选择接续事项。"})
    state = forms.ChoiceField(label="办理结果", choices=[("", "（请选择）"), *ContinuityState.choices],
                              error_messages={"required": "请选择办理结果。", "invalid_choice": "请选择办理结果。"})
    done_on = _date("办理日期", required=True)
    confirmed_by = forms.CharField(label="确认人（单位及姓名）", max_length=60, error_messages={
        "required": "请填写确认人（单位及姓名）。", "max_length": "确认人最多60字。"})
    note = forms.CharField(label="备注", required=False, max_length=200, error_messages={"max_length": "备注最多200字。"})


class RiskForm(forms.Form):
    risk_type = forms.ChoiceField(label="风险类型", choices=[("", "（请选择）"), *RiskType.choices],
                                  error_messages={"required": "请选择风险类型。", "invalid_choice": "请选择风险类型。"})
    detail = forms.CharField(label="风险情况", max_length=300, widget=forms.Textarea(attrs={"rows": 2}),
                             error_messages={"required": "请写明风险情况。", "max_length": "风险情况最多300字。"})


class RiskStepForm(forms.Form):
    text = forms.CharField(label="内容", max_length=500, widget=forms.Textarea(attrs={"rows": 2}),
                           error_messages={"required": "请填写内容。", "max_length": "内容最多500字。"})


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    widget = MultipleFileInput(attrs={"accept": "image/*"})

    def clean(self, data, initial=None):
        files = data if isinstance(data, (list, tuple)) else ([data] if data else [])
        return [super(PhotosField, self).clean(f, initial) for f in files]


class HazardForm(forms.Form):
    kind = forms.ChoiceField(label="隐患类别", choices=[("", "（请选择）"), *HazardKind.choices],
                             error_messages={"required": "请选择隐患类别。", "invalid_choice": "请选择隐患类别。"})
    description = forms.CharField(label="隐患情况", max_length=500, widget=forms.Textarea(attrs={"rows": 2}),
                                  error_messages={"required": "请写明隐患情况。", "max_length": "最多500字。"})
    found_on = _date("排查日期", required=True)
    photos = PhotosField(label="现场照片", required=False)


class HazardPlanForm(forms.Form):
    text = forms.CharField(label="整改方案", max_length=500, widget=forms.Textarea(attrs={"rows": 2}),
                           error_messages={"required": "请填写整改方案。", "max_length": "最多500字。"})
    deadline = _date("整改期限", required=True)


class HazardCloseForm(forms.Form):
    text = forms.CharField(label="整改结果", max_length=500, widget=forms.Textarea(attrs={"rows": 2}),
                           error_messages={"required": "请填写整改结果。", "max_length": "最多500字。"})
    photos = PhotosField(label="整改后照片", required=False)
