from django import forms
from django.contrib.auth import get_user_model
from django.http import QueryDict

from .models import Channel, Kind, SavedView

CHOOSABLE = [k for k in Kind]


class ChannelsForm(forms.Form):
    """One checkbox per kind and channel; the bell always shows every kind."""

    mobile = forms.RegexField(label="手机号码（短信）", regex=r"^1\d{10}$", required=False,
                              error_messages={"invalid": "手机号码须为11位数字，以1开头。"})

    def __init__(self, *args, chosen=(), **kwargs):
        super().__init__(*args, **kwargs)
        for kind in CHOOSABLE:
            for channel in Channel:
                name = f"{kind.value}__{channel.value}"
                self.fields[name] = forms.BooleanField(label=f"{kind.label} · {channel.label}", required=False,
                                                       initial=(kind.value, channel.value) in chosen)

    def chosen(self):
        return {(k.value, c.value) for k in CHOOSABLE for c in Channel if self.cleaned_data.get(f"{k.value}__{c.value}")}

    def rows(self):
        return [(kind.label, [self[f"{kind.value}__{c.value}"] for c in Channel]) for kind in CHOOSABLE]


class DelegationForm(forms.Form):
    delegate = forms.CharField(label="代理人（用户名）", max_length=150)
    starts_on = forms.DateField(label="开始日期", widget=forms.DateInput(attrs={"type": "date"}),
                                error_messages={"invalid": "请输入正确的日期。", "required": "请填写开始日期。"})
    ends_on = forms.DateField(label="结束日期", widget=forms.DateInput(attrs={"type": "date"}),
                              error_messages={"invalid": "请输入正确的日期。", "required": "请填写结束日期。"})
    reason = forms.CharField(label="事由", max_length=200, required=False)

    def clean_delegate(self):
        name = self.cleaned_data["delegate"].strip()
        user = get_user_model().objects.filter(username=name, is_active=True).first()
        if user is None:
            raise forms.ValidationError("未找到该用户。")
        return user


# The inbox's filter parameters a saved view may keep (approvals/forms.py InboxFilterForm, sort, tab).
VIEW_PARAMS = ("tab", "step", "area", "site", "overdue", "q", "sort")


class SavedViewForm(forms.Form):
    name = forms.CharField(label="视图名称", max_length=40, error_messages={"required": "请填写视图名称。"})
    query = forms.CharField(label="筛选条件", max_length=500, required=False, widget=forms.HiddenInput)

    def __init__(self, *args, user=None, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        if not name:
            raise forms.ValidationError("请填写视图名称。")
        if SavedView.objects.filter(user=self.user, name=name).exists():
            raise forms.ValidationError("已有同名的视图，请换一个名称。")
        return name

    def clean_query(self):
        raw = (self.cleaned_data.get("query") or "").lstrip("?")
        params = QueryDict(raw)
        unknown = set(params) - set(VIEW_PARAMS)
        if unknown:
            raise forms.ValidationError("筛选条件中有无法识别的项目。")
        kept = QueryDict(mutable=True)
        for name in VIEW_PARAMS:
            value = params.get(name, "").strip()
            if value:
                if len(value) > 100:
                    raise forms.ValidationError("筛选条件过长。")
                kept[name] = value
        if not kept:
            raise forms.ValidationError("当前没有筛选条件，无需保存。")
        return kept.urlencode()
