"""The site's entry forms: progress reports (施工进度填报), funds arrived (资金到位), funds paid out
(资金拨付) and the households' self-funds (户自筹资金).

They only parse: amounts, percentages and dates are handed to the services as typed, and the
services (workflows/sites/progress.py, site_funds.py) decide — their refusals carry the field
each message belongs next to (`add_violations`). A photo or voucher is uploaded with the entry
and filed into the evidence store in the same transaction as the entry.
"""

from django import forms
from django.utils import timezone

from documents.forms import MultipleFileField, MultipleFileInput  # noqa: F401  (the site forms' photos)
from workflows.models import FundSource, Milestone, SelfFundKind, SelfFundPurpose

DATE_WIDGET = forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
MAX_PHOTOS = 6


def _money_text(value: str) -> str:
    # Officials type amounts as they read them: "1,200,000.00", "1 200 000", "1200000元".
    return (value or "").strip().replace(",", "").replace("，", "").replace(" ", "").removesuffix("元")


def _date_field(label):
    return forms.DateField(label=label, widget=DATE_WIDGET,
                           error_messages={"required": f"请填写{label}。", "invalid": "日期格式应为 年-月-日。"})


def _amount_field(label="金额（元）"):
    # Kept as text: the funds service is the one judge of an amount (positive, two decimals).
    return forms.CharField(label=label, max_length=30, error_messages={"required": "请填写金额。"},
                           widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off",
                                                         "placeholder": "如 1200000.00"}))


def _voucher_field(label):
    return forms.FileField(label=label, allow_empty_file=True,
                           error_messages={"required": "须上传本笔记录的凭证（JPEG、PNG 或 PDF）。"})


class EntryForm(forms.Form):
    """A token against a second submission of the same page (double click, back and resend)."""

    token = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("reported_on", "entry_date"):
            if name in self.fields:
                self.fields[name].initial = timezone.localdate()

    def clean_amount(self):
        return _money_text(self.cleaned_data.get("amount"))


class ProgressReportForm(EntryForm):
    reported_on = _date_field("报告日期")
    percent = forms.CharField(label="形象进度（%）", max_length=10, error_messages={"required": "请填写形象进度。"},
                              widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off",
                                                            "placeholder": "0–100"}))
    milestone = forms.ChoiceField(label="节点", required=False, choices=[("", "（非节点报告）"), *Milestone.choices])
    note = forms.CharField(label="进度说明", required=False, max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 2, "placeholder": "完成的工程内容、存在问题"}))
    photos = MultipleFileField(label="现场照片（可多张）", required=False)

    def clean_percent(self):
        return (self.cleaned_data.get("percent") or "").strip().removesuffix("%")

    def clean_photos(self):
        photos = self.cleaned_data.get("photos") or []
        if len(photos) > MAX_PHOTOS:
            raise forms.ValidationError(f"一次最多上传{MAX_PHOTOS}张照片。")
        return photos


class ArrivalForm(EntryForm):
    amount = _amount_field()
    source = forms.ChoiceField(label="资金来源", choices=[("", "（请选择）"), *FundSource.choices],
                               error_messages={"required": "请选择资金来源。", "invalid_choice": "请选择资金来源。"})
    entry_date = _date_field("到位日期")
    document_number = forms.CharField(label="文号", required=False, max_length=100,
                                      widget=forms.TextInput(attrs={"placeholder": "如 示财农〔2026〕12号"}))
    note = forms.CharField(label="备注", required=False, max_length=200)
    voucher = _voucher_field("到账凭证（下达文件或进账单）")


class DisbursementForm(EntryForm):
    amount = _amount_field()
    payee = forms.CharField(label="收款单位", max_length=200, error_messages={"required": "须填写收款单位（不超过200字）。"})
    purpose = forms.CharField(label="拨付用途（合同或工程款名称）", max_length=200,
                              error_messages={"required": "须填写拨付用途（不超过200字）。"},
                              widget=forms.TextInput(attrs={"placeholder": "如 施工合同第2期工程进度款"}))
    entry_date = _date_field("拨付日期")
    note = forms.CharField(label="备注", required=False, max_length=200)
    voucher = _voucher_field("拨付凭证（付款凭单）")


class SelfFundsForm(EntryForm):
    household = forms.TypedChoiceField(label="搬迁户", coerce=int,
                                       error_messages={"required": "请选择搬迁户。",
                                                       "invalid_choice": "请选择本安置点您所辖的搬迁户。"})
    kind = forms.ChoiceField(label="类别", choices=SelfFundKind.choices, widget=forms.RadioSelect,
                             initial=SelfFundKind.RECEIVED,
                             error_messages={"required": "请选择“收取”或“使用”。", "invalid_choice": "请选择“收取”或“使用”。"})
    amount = _amount_field()
    entry_date = _date_field("日期")
    purpose = forms.ChoiceField(label="用途（使用时）", required=False, choices=SelfFundPurpose.choices,
                                initial=SelfFundPurpose.HOUSING,
                                help_text="群众自筹资金只能用于住房建设。")
    note = forms.CharField(label="备注", required=False, max_length=200)
    voucher = _voucher_field("收支凭证（收据或付款凭单）")

    def __init__(self, *args, households=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["household"].choices = [("", "（请选择）"), *[(h.pk, f"{h.number} {h.head_name or ''}".strip())
                                                                  for h in households]]
