"""The public calculator's form, built from a rules version's fact specifications."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from applicants.fields import MoneyField
from rules import RulesVersion

_YES_NO = [("true", _("是")), ("false", _("否"))]


class CalculatorForm(forms.Form):
    """One field per fact of the chosen item; values reach rules.quote as strings."""

    def __init__(self, *args: object, version: RulesVersion, item: str, lang: str, **kw: object):
        super().__init__(*args, **kw)  # type: ignore[arg-type]
        self.item = item
        for spec in version.fact_specs(item):
            label = spec.label(lang)
            if spec.type == "enum":
                choices = [("", "—")] + [(c.code, c.label(lang)) for c in spec.choices]
                field: forms.Field = forms.ChoiceField(choices=choices, label=label)
            elif spec.type == "bool":
                field = forms.ChoiceField(choices=_YES_NO, label=label, initial="true")
            elif spec.type == "date":
                field = forms.CharField(label=label, widget=forms.DateInput(attrs={"type": "date"}))
            elif spec.type == "money":
                field = MoneyField(label=label, help_text=_("单位：元，最多两位小数"))
            else:
                field = forms.CharField(label=label, max_length=200)
            field.required = spec.required
            self.fields[spec.code] = field

    def facts(self) -> dict[str, str]:
        """The typed facts for rules.quote, money as "0.00" strings; empty optional ones omitted."""
        return {
            name: f"{value:f}" if isinstance(value, Decimal) else value
            for name, value in self.cleaned_data.items()
            if value not in ("", None)
        }
