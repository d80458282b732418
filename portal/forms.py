"""The public calculator's form, built from a rules version's fact specifications."""

from django import forms
from django.utils.translation import gettext_lazy as _

from rules import RulesVersion

_SEPARATORS = str.maketrans("", "", ",，  ")
_YES_NO = [("true", _("是")), ("false", _("否"))]


def normalize_money_text(raw: str) -> str:
    """Drop thousands separators ("1,234,567.89", full-width "，") and spaces; rules validates."""
    return raw.translate(_SEPARATORS)


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
                field = forms.CharField(
                    label=label,
                    max_length=30,
                    widget=forms.TextInput(
                        attrs={"inputmode": "decimal", "placeholder": "1,234,567.89"}
                    ),
                    help_text=_("单位：元，最多两位小数"),
                )
            else:
                field = forms.CharField(label=label, max_length=200)
            field.required = spec.required
            self.fields[spec.code] = field
        self.money_facts = {s.code for s in version.fact_specs(item) if s.type == "money"}

    def facts(self) -> dict[str, str]:
        """The typed facts for rules.quote; empty optional fields are left to their defaults."""
        facts = {}
        for name, value in self.cleaned_data.items():
            if value in ("", None):
                continue
            facts[name] = normalize_money_text(value) if name in self.money_facts else value
        return facts
