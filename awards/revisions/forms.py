from django import forms
from django.utils.translation import gettext_lazy as _


class CandidateUploadForm(forms.Form):
    file = forms.FileField(
        label=_("规则修订草案文件（TOML）"),
        help_text=_(
            "与现行规则文件同一格式（rules/versions/），须有新的 version 和 effective_from。"
            "上传后只做比对，不会生效。"
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".toml", "class": "form-control"}),
    )


class AdoptForm(forms.Form):
    # A text box, not type=date: the browser must not swap the server's message for its own.
    effective_from = forms.DateField(
        label=_("施行日期"),
        help_text=_("事件日期在此日及以后的申报按新规则计算；已作出的决定仍按原版本解释。"),
        input_formats=["%Y-%m-%d"],
        widget=forms.TextInput(attrs={"class": "form-control", "placeholder": "YYYY-MM-DD"}),
    )
