"""Money as people read it: ¥1,234,567.89 (from Decimal or the rules' "0.00" strings)."""

from decimal import Decimal, InvalidOperation

from django import template

register = template.Library()


@register.filter
def yuan(value: object) -> str:
    """Format an amount in yuan with thousands separators and two places; blank if none."""
    if value in (None, ""):
        return ""
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    return f"¥{amount:,.2f}"
