from django import forms

from registry.choices import areas_for
from registry.models import AreaLevel

from .checking import ADD


class UploadForm(forms.Form):
    area = forms.ModelChoiceField(label="导入范围", queryset=None, empty_label=None,
                                  help_text="名单中的村须在此范围内。")
    file = forms.FileField(label="名单文件（.xlsx）", help_text="国家扶贫开发信息系统导出的人员名单，或县级搬迁对象花名册。")

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = areas_for(user, ADD, [AreaLevel.COUNTY, AreaLevel.TOWNSHIP]).order_by("code")
