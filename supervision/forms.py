from django import forms

from .timeline import KINDS


class HistoryFilterForm(forms.Form):
    kind = forms.MultipleChoiceField(label="类别", choices=KINDS, required=False,
                                     widget=forms.CheckboxSelectMultiple)
    date_from = forms.DateField(label="起始日期", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label="截止日期", required=False, widget=forms.DateInput(attrs={"type": "date"}))


class AuditLogFilterForm(forms.Form):
    actor = forms.CharField(label="操作人", required=False, max_length=150)
    action = forms.CharField(label="操作", required=False, max_length=64)
    area = forms.RegexField(label="区划代码前缀", required=False, regex=r"^\d{1,12}$",
                            error_messages={"invalid": "区划代码前缀须为1至12位数字。"})
    date_from = forms.DateField(label="起始日期", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label="截止日期", required=False, widget=forms.DateInput(attrs={"type": "date"}))
