"""Small display helpers for the awards templates."""

from django import template
from django.forms import BoundField
from django.utils.safestring import SafeString

register = template.Library()

_STATUS_CLASSES = {
    "submitted": "text-bg-primary",
    "recommended": "text-bg-info",
    "reviewed": "text-bg-info",
    "approved": "text-bg-success",
    "announced": "text-bg-warning",
    "confirmed": "text-bg-success",
    "scheduled": "text-bg-secondary",
    "paid": "text-bg-dark",
    "returned": "text-bg-warning",
    "rejected": "text-bg-danger",
    "withdrawn": "text-bg-light",
}


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
def with_class(field: BoundField, css: str) -> SafeString:
    """Render a form field's widget with Bootstrap's class (and is-invalid when it has errors)."""
    if field.errors:
        css = f"{css} is-invalid"
    return field.as_widget(attrs={"class": css})
