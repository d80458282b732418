"""Small display helpers for the awards templates."""

from typing import Any

from django import forms, template
from django.forms import BoundField
from django.forms.utils import flatatt
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django_filters.widgets import BaseCSVWidget

from applicants import programmes
from applicants.fields import MoneyInput
from applicants.templatetags.money import yuan, yuan_sign
from portal.html import format_html_fast

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
        return _select_html(field, {"class": css}, field.value())
    if isinstance(widget, BaseCSVWidget) and type(widget).__mro__[1:3] == (
        BaseCSVWidget,
        forms.Select,
    ):
        # django-filter's select of one or more comma-separated values (the sort): one value
        # renders as its select does; several as a text box (left to the widget).
        value = field.value()
        values = value if isinstance(value, (list, tuple)) else [value]
        if len(values) <= 1:
            return _select_html(field, {"class": css}, values[0] if values else "")
    if type(widget) in (forms.TextInput, forms.DateInput, MoneyInput):
        return _input_html(field, {"class": css})
    if type(widget) is forms.Textarea:
        return _textarea_html(field, {"class": css})
    return field.as_widget(attrs={"class": css})


def _attrs_html(field: BoundField, attrs: dict[str, str | bool]) -> SafeString:
    """The widget's attributes as markup (` class="…" id="…" required`): as BoundField.as_widget
    builds them (required, disabled, aria-invalid, id), merged with the widget's own; a False or
    None one left out, as Django's `attrs.html` does."""
    widget = field.field.widget
    attrs = field.build_widget_attrs(attrs, widget)
    if field.auto_id and "id" not in widget.attrs:
        attrs.setdefault("id", field.auto_id)
    own: dict[str, Any] = widget.build_attrs(widget.attrs, attrs)
    return flatatt({k: v for k, v in own.items() if v is not None and v is not False})


def _input_html(field: BoundField, attrs: dict[str, str | bool]) -> SafeString:
    """A text or date box as Django's `input.html` writes it, built in Python."""
    widget = field.field.widget
    value = widget.format_value(field.value())
    return format_html_fast(
        '<input type="{}" name="{}"{}{}>',
        widget.input_type,
        field.html_name,
        SafeString("") if value is None else format_html_fast(' value="{}"', value),
        _attrs_html(field, attrs),
    )


def _textarea_html(field: BoundField, attrs: dict[str, str | bool]) -> SafeString:
    """A text area as Django's `textarea.html` writes it (a line break after the opening tag),
    built in Python: the case page's decision, adjustment and exemption reasons."""
    value = field.field.widget.format_value(field.value())
    return format_html_fast(
        '<textarea name="{}"{}>\n{}</textarea>',
        field.html_name,
        _attrs_html(field, attrs),
        value or "",
    )


def _select_html(field: BoundField, attrs: dict[str, str | bool], value: object) -> SafeString:
    """A single select as Django's own template writes it, built in Python: a queue's filters
    hold some sixty options, and one template include per option was a fifth of the page; the
    widget's option dictionaries (`optgroups`) were most of what was left.

    The options, their order and which is selected follow `ChoiceWidget.optgroups`: the first
    option whose value is the field's value is selected.
    """
    widget = field.field.widget
    value = forms.Select.format_value(widget, value)
    selected_done = False
    parts = []
    for option_value, option_label in widget.choices:
        grouped = isinstance(option_label, (list, tuple))
        choices = option_label if grouped else [(option_value, option_label)]
        options = []
        for sub_value, sub_label in choices:
            sub_value = "" if sub_value is None else str(sub_value)
            selected = not selected_done and sub_value in value
            selected_done |= selected
            options.append(
                format_html_fast(
                    '<option value="{}"{}>{}</option>',
                    sub_value,
                    SafeString(" selected" if selected else ""),
                    sub_label,
                )
            )
        inner = SafeString("".join(options))
        parts.append(
            format_html('<optgroup label="{}">{}</optgroup>', option_value, inner)
            if grouped
            else inner
        )
    return format_html(
        '<select name="{}"{}>{}</select>',
        field.html_name,
        _attrs_html(field, attrs),
        SafeString("".join(parts)),
    )


@register.simple_tag
def amount_pair(amount: object, computed: object, overridden: object) -> SafeString:
    """The approved amount; beside it the rules' amount when the city adjusted it.

    "核定 40,000.00 · 规则计算 50,000.00，已调整", or "¥50,000.00" when not adjusted.
    """
    # Fifty times a queue page: format_html's checks for lazy text cost more than the markup.
    if not overridden:
        return format_html_fast('<span class="money">{}</span>', yuan_sign(amount))
    return format_html_fast(
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
