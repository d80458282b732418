"""Small display helpers for the awards templates."""

from django import forms, template
from django.forms import BoundField
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from applicants import programmes
from applicants.templatetags.money import yuan, yuan_sign

register = template.Library()

_STATUS_CLASSES = {
    "submitted": "text-bg-primary",
    "recommended": "text-bg-info",
    "reviewed": "text-bg-info",
    "approved": "text-bg-success",
    "announced": "text-bg-warning",
    "held": "text-bg-danger",
    "confirmed": "text-bg-success",
    "scheduled": "text-bg-secondary",
    "paid": "text-bg-dark",
    "returned": "text-bg-warning",
    "rejected": "text-bg-danger",
    "withdrawn": "text-bg-light",
    "proposed": "text-bg-info",
}


@register.filter
def programme_name(code: str) -> str:
    """市级奖励, or e.g. 罗山县同步奖励 — never the code."""
    return programmes.programme_name(code)


@register.filter
def status_class(status: str) -> str:
    """The Bootstrap badge class of a case status key."""
    return _STATUS_CLASSES.get(status, "text-bg-secondary")


@register.filter
def lookup(mapping: object, key: object) -> object:
    """mapping[key], or the key itself when absent (e.g. an item code without a title)."""
    if isinstance(mapping, dict):
        return mapping.get(key, key)
    return key


@register.filter
def get_item(mapping: object, key: object) -> object:
    """mapping[key], or None when absent."""
    return mapping.get(key) if isinstance(mapping, dict) else None


@register.filter
def with_class(field: BoundField, css: str) -> SafeString:
    """Render a form field's widget with Bootstrap's class (and is-invalid when it has errors)."""
    if field.errors:
        css = f"{css} is-invalid"
    widget = field.field.widget
    if type(widget) is forms.Select:
        return _select_html(field, {"class": css})
    return field.as_widget(attrs={"class": css})


def _select_html(field: BoundField, attrs: dict[str, str | bool]) -> SafeString:
    """A single select as Django's own template writes it, built in Python: a queue's filters
    hold some sixty options, and one template include per option was a fifth of the page.

    The options, their order and which is selected come from the widget's own context.
    """
    widget = field.field.widget
    # The attributes as BoundField.as_widget builds them (required, disabled, aria-invalid, id).
    attrs = field.build_widget_attrs(attrs, widget)
    if field.auto_id and "id" not in widget.attrs:
        attrs.setdefault("id", field.auto_id)
    w = widget.get_context(field.html_name, field.value(), attrs)["widget"]
    own = w["attrs"]

    def option(o: dict) -> SafeString:  # type: ignore[type-arg]
        return format_html(
            '<option value="{}"{}>{}</option>', o["value"], flatatt(o["attrs"]), o["label"]
        )

    parts = []
    for group, options, _index in w["optgroups"]:
        inner = format_html_join("", "{}", ((option(o),) for o in options))
        parts.append(
            format_html('<optgroup label="{}">{}</optgroup>', group, inner) if group else inner
        )
    return format_html(
        '<select name="{}"{}>{}</select>',
        w["name"],
        flatatt({k: v for k, v in own.items() if v is not None and v is not False}),
        format_html_join("", "{}", ((p,) for p in parts)),
    )


@register.simple_tag
def amount_pair(amount: object, computed: object, overridden: object) -> str:
    """The approved amount; beside it the rules' amount when the city adjusted it.

    "核定 40,000.00 · 规则计算 50,000.00，已调整", or "¥50,000.00" when not adjusted.
    """
    if not overridden:
        return format_html('<span class="money">{}</span>', yuan_sign(amount))
    return format_html(
        '<span class="amount-pair" data-overridden="true">'
        '<span class="money text-nowrap">{}</span> · <span class="text-nowrap">{}</span>{}</span>',
        _("核定 %(amount)s") % {"amount": yuan(amount)},
        _("规则计算 %(amount)s") % {"amount": yuan(computed)},
        _("，已调整"),
    )


@register.filter
def about_count(value: int) -> str:
    """An estimated count as people say it: 95,853 → 95,900 (an estimate has no last digits)."""
    step = 100 if value >= 10_000 else 10
    return f"{round(value / step) * step:,}"
