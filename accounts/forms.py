from django import forms

CODE_HELP = "请打开手机上的身份验证器应用，输入当前显示的 6 位动态码；手机不在身边时，可输入一个 8 位备用验证码（每个只能用一次）。"


class CodeForm(forms.Form):
    code = forms.CharField(label="验证码", max_length=32, strip=True,
                           widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "text",
                                                         "autofocus": True, "spellcheck": "false"}))


class ResetForm(forms.Form):
    reason = forms.CharField(label="重置原因", max_length=200, strip=True,
                             help_text="如：手机遗失，经本人书面申请、单位核实身份。将记入审计日志。")
