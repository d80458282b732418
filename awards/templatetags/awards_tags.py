"""Small display helpers for the awards templates."""

from django import template
from django.forms import BoundField
from django.utils.html import format_html
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
    return field.as_widget(attrs={"class": css})


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
