"""Input of the second-factor pages: one code field (checked by the services)."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from applicants.two_factor import errors


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("验证码"),
        max_length=64,
        error_messages={"required": errors.CODE_REQUIRED},
        widget=forms.TextInput(
            attrs={
                "class": "form-control form-control-lg font-monospace",
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "autofocus": True,
                "spellcheck": "false",
            }
        ),
    )

    def __init__(self, *args: Any, help_text: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["code"].help_text = help_text
