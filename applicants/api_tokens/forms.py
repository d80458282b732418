"""The form that creates a token: a name, read-only or read-write, and how long it lives."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from applicants.api_tokens.models import TokenScope
from applicants.forms import bootstrap_style


def _lifetimes() -> list[tuple[int, str]]:
    return [
        (days, ngettext("%(days)s 天", "%(days)s 天", days) % {"days": days})
        for days in settings.API_TOKEN_VALID_DAYS
    ]


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=_("名称"),
        max_length=100,
        help_text=_("写明用途，例如“财政系统对接”，便于日后识别和撤销。"),
    )
    scope = forms.ChoiceField(
        label=_("权限"),
        choices=TokenScope.choices,
        initial=TokenScope.READ,
        help_text=_("只读令牌只能查询；读写令牌可以提交、审核等，与您在页面上能做的相同。"),
    )
    valid_days = forms.TypedChoiceField(label=_("有效期"), coerce=int, choices=())

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        field = self.fields["valid_days"]
        field.choices = _lifetimes()  # type: ignore[attr-defined]
        field.initial = settings.API_TOKEN_DEFAULT_VALID_DAYS
        bootstrap_style(self)
