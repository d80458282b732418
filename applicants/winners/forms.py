"""The upload form of a winners list."""

from django import forms
from django.utils.translation import gettext_lazy as _


class WinnersUploadForm(forms.Form):
    file = forms.FileField(
        label=_("公布名单文件（CSV 或 XLSX）"),
        help_text=_(
            "表头：统一社会信用代码、单位名称、奖励事项、获奖等次、日期、文号"
            "（或 credit_code, enterprise_name, item, prize_level, event_date, document_number）。"
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx", "class": "form-control"}),
    )
    dry_run = forms.BooleanField(
        label=_("仅预览：检查每一行，不生成草稿"),
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )
