"""The public calculator's form, built from a rules version's fact specifications."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from applicants.fields import CleanCharField, MoneyField
from rules import RulesVersion

_YES_NO = [("true", _("是")), ("false", _("否"))]
# What to type for the facts every item takes (the item's own facts explain themselves).
_HELP = {
    "event_date": _("获奖、入选、取得证书、签订合同或入表的日期。"),
    "prior_awards_same_project": _(
        "同一成果已从本政策或市级其他同类政策获得的奖励，单位：元；没有则留空。"
    ),
    "first_time": _("本企业第一次完成这一事项时选“是”。"),
}


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
                field = CleanCharField(label=label, widget=forms.DateInput(attrs={"type": "date"}))
            elif spec.type == "money":
                field = MoneyField(label=label, help_text=_("单位：元，最多两位小数"))
            else:
                field = CleanCharField(label=label, max_length=200)
            field.required = spec.required
            if spec.code in _HELP:
                field.help_text = _HELP[spec.code]
            # Bootstrap's classes, as the enterprise's forms have them.
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs["class"] = css
            self.fields[spec.code] = field

    def facts(self) -> dict[str, str]:
        """The typed facts for rules.quote, money as "0.00" strings; empty optional ones omitted."""
        return {
            name: f"{value:f}" if isinstance(value, Decimal) else value
            for name, value in self.cleaned_data.items()
            if value not in ("", None)
        }
