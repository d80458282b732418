"""Reusable form fields: money as people type it in China, with Chinese messages."""

import re
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import ProhibitNullCharactersValidator
from django.utils.translation import gettext_lazy as _

from applicants.policy import version_in_force
from applicants.text import clean_text

CENT = Decimal("0.01")

# Either plain digits, or digits grouped by three with "," or the full-width "，".
_PLAIN = re.compile(r"-?\d+(\.\d+)?")
_GROUPED = re.compile(r"-?\d{1,3}([,，]\d{3})+(\.\d+)?")

MONEY_MALFORMED = _("请输入有效的金额（元），例如 1,234,567.89。")
MONEY_NEGATIVE = _("金额不能为负数。")
MONEY_TOO_PRECISE = _("金额最多保留两位小数（精确到分）。")
MONEY_TOO_LARGE = _("金额不能超过 %(max)s 元。")


def parse_money_text(text: str, *, max_value: Decimal | None = None) -> Decimal:
    """Yuan as typed ("1,234,567.89", "1234567.8"): Decimal with 2 places, or ValidationError."""
    # Spaces around the number only (a space inside "12 34" is a typing error, not a separator);
    # full-width digits and point, as a Chinese input method types them.
    cleaned = text.strip(" \u3000\u00a0\t")
    cleaned = cleaned.translate(str.maketrans("０１２３４５６７８９．－", "0123456789.-"))
    if not (_PLAIN.fullmatch(cleaned) or _GROUPED.fullmatch(cleaned)):
        raise ValidationError(MONEY_MALFORMED, code="malformed")
    value = Decimal(cleaned.replace(",", "").replace("，", ""))
    # Anything above the rules' money_max (10^12 in the draft) is a typing error, not a claim.
    if max_value is None:
        max_value = version_in_force().money_max
    if value < 0:
        raise ValidationError(MONEY_NEGATIVE, code="negative")
    # Size before places: quantizing a 30-digit number would overflow the decimal context.
    if value > max_value:
        raise ValidationError(
            MONEY_TOO_LARGE, code="too_large", params={"max": f"{max_value:,.2f}"}
        )
    if value != value.quantize(CENT):
        raise ValidationError(MONEY_TOO_PRECISE, code="too_precise")
    return abs(value.quantize(CENT))  # abs: "-0" is zero, never "-0.00"


class MoneyInput(forms.TextInput):
    """A text box (not type=number, which refuses "1,234.00") with a decimal keypad on phones."""

    def __init__(self, attrs: dict | None = None) -> None:
        super().__init__({"inputmode": "decimal", "autocomplete": "off", **(attrs or {})})


class MoneyField(forms.Field):
    """An amount in yuan: thousands separators allowed, never negative, at most 2 decimals."""

    widget = MoneyInput
    default_error_messages = {"malformed": MONEY_MALFORMED}

    def __init__(self, *, max_value: Decimal | None = None, **kwargs: object) -> None:
        self.max_value = max_value
        super().__init__(**kwargs)  # type: ignore[arg-type]

    def to_python(self, value: object) -> Decimal | None:
        if isinstance(value, str):
            value = value.strip(" \u3000\u00a0\t")
        if value in self.empty_values:
            return None
        if isinstance(value, Decimal):
            value = f"{value:f}"
        return parse_money_text(str(value), max_value=self.max_value)

    def prepare_value(self, value: object) -> object:
        return f"{value:f}" if isinstance(value, Decimal) else value


class CleanCharField(forms.CharField):
    """A text field whose value is `clean_text`-ed: invisible-only input counts as empty.

    Every free-text input of the portal uses it (names, reasons, references, objections), so a
    reason of two zero-width spaces is "required", and a bidi override never reaches a page.
    """

    def __init__(self, *, multiline: bool = False, **kwargs: object) -> None:
        self.multiline = multiline
        kwargs.setdefault("strip", False)
        super().__init__(**kwargs)  # type: ignore[arg-type]

    def to_python(self, value: object) -> str:
        if value in self.empty_values:
            return ""
        # A NUL is never typed: refused as Django refuses it, not quietly removed.
        ProhibitNullCharactersValidator()(value)
        return clean_text(value, multiline=self.multiline)
