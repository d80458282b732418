"""Money as people read it, from Decimal or "0.00" strings: 1,234,567.89 or ¥1,234,567.89."""

from decimal import Decimal, InvalidOperation

from django import template

register = template.Library()


def _grouped(value: object, prefix: str) -> str:
    if isinstance(value, Decimal):  # the usual case: a money field's value
        return f"{prefix}{value:,.2f}"
    if value in (None, ""):
        return ""
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    return f"{prefix}{amount:,.2f}"


@register.filter
def yuan(value: object) -> str:
    """An amount with thousands separators and two places (the unit 元 follows in the text)."""
    return _grouped(value, "")


@register.filter
def yuan_sign(value: object) -> str:
    """An amount with the ¥ sign, thousands separators and two places; blank if none."""
    return _grouped(value, "¥")


@register.filter
def yuan_change(value: object) -> str:
    """A difference: +¥50,000.00, −¥230,000.00 (a minus sign, not a hyphen), ¥0.00."""
    if value in (None, ""):
        return ""
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    if amount > 0:
        return f"+¥{amount:,.2f}"
    if amount < 0:
        return f"\u2212¥{-amount:,.2f}"
    return "¥0.00"
