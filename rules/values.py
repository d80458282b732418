"""Parsers for raw input values (JSON or form strings) and the money formats of the rules."""

import re
from datetime import date, datetime
from decimal import Context, Decimal, InvalidOperation

from rules.errors import InvalidValue
from rules.messages import (
    BOOL_MALFORMED,
    DATE_MALFORMED,
    DATETIME_MALFORMED,
    DATETIME_NAIVE,
    ENUM_INVALID,
    INTEGER_MALFORMED,
    MONEY_FLOAT,
    MONEY_MALFORMED,
    MONEY_NEGATIVE,
    MONEY_NOT_FINITE,
    MONEY_TOO_LARGE,
    MONEY_TOO_PRECISE,
    TEXT_MALFORMED,
)

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
# Wide enough for any amount the rules accept, whatever the caller's decimal context.
WIDE = Context(prec=60)

# Plain decimal notation only: no exponent, no thousands separator, no currency sign.
# ASCII digits only: \d would also take "٣٠٠٠" or "３０００", which Decimal() then reads as numbers.
_MONEY_RE = re.compile(r"[+-]?[0-9]+(\.[0-9]+)?")
_DATE_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


# Equal amounts read the same: a revision's comparison writes a few caps, rates and amounts
# into millions of trace steps. Negative amounts are not remembered (-0.00 equals 0.00).
_MONEY_TEXTS: dict[Decimal, str] = {}
_MONEY_TEXTS_MAX = 100_000


def format_money(value: Decimal) -> str:
    """Money as a string with exactly 2 places, e.g. "120000.00"."""
    if value.is_signed():
        return f"{value.quantize(CENT, context=WIDE):f}"
    text = _MONEY_TEXTS.get(value)
    if text is None:
        text = f"{value.quantize(CENT, context=WIDE):f}"
        if value.is_finite() and len(_MONEY_TEXTS) < _MONEY_TEXTS_MAX:
            _MONEY_TEXTS[value] = text
    return text


def format_exact(value: Decimal) -> str:
    """An exact intermediate amount: at least 2 places, no trailing zeros beyond them."""
    text = f"{value.normalize():f}"
    whole, _, places = text.partition(".")
    return f"{whole}.{places.ljust(2, '0')}"


def format_percent(rate: Decimal) -> str:
    """A rate as a percentage without trailing zeros: 0.30 → "30"."""
    return f"{(rate * 100).normalize():f}"


def parse_money(raw: object, *, money_max: Decimal) -> Decimal:
    """A money amount in yuan, 0 ≤ amount ≤ money_max with at most 2 places, as Decimal("0.00")."""
    if isinstance(raw, bool):
        raise InvalidValue(MONEY_MALFORMED)
    if isinstance(raw, float):
        # Refuse rather than guess: 0.1 + 0.2 is not 0.30 in binary floating point.
        raise InvalidValue(MONEY_FLOAT)
    if isinstance(raw, int):
        value = Decimal(raw)
    elif isinstance(raw, Decimal):
        value = raw
    elif isinstance(raw, str):
        text = raw.strip()
        if not _MONEY_RE.fullmatch(text):
            try:
                special = Decimal(text)
            except InvalidOperation:
                special = None
            if special is not None and not special.is_finite():
                raise InvalidValue(MONEY_NOT_FINITE)
            raise InvalidValue(MONEY_MALFORMED)
        value = Decimal(text)
    else:
        raise InvalidValue(MONEY_MALFORMED)
    return check_money(value, money_max=money_max)


def check_money(value: Decimal, *, money_max: Decimal) -> Decimal:
    """Validate a Decimal amount and return it quantized to the fen."""
    if not value.is_finite():
        raise InvalidValue(MONEY_NOT_FINITE)
    if value < 0:
        raise InvalidValue(MONEY_NEGATIVE)
    if value > money_max:
        raise InvalidValue(MONEY_TOO_LARGE, max=format_money(money_max))
    fen = value.quantize(CENT, context=WIDE)
    if value != fen:
        raise InvalidValue(MONEY_TOO_PRECISE)
    return abs(fen)  # "-0.00" is zero; never echo a negative zero


def parse_date(raw: object) -> date:
    """A calendar date: a `date` (not a datetime) or an ISO "YYYY-MM-DD" string."""
    if isinstance(raw, date) and not isinstance(raw, datetime):
        return raw
    if isinstance(raw, str) and _DATE_RE.fullmatch(raw.strip()):
        try:
            return date.fromisoformat(raw.strip())
        except ValueError:
            pass
    raise InvalidValue(DATE_MALFORMED)


def parse_aware_datetime(raw: object) -> datetime:
    """An instant: an aware datetime or an ISO 8601 string with a UTC offset."""
    if isinstance(raw, datetime):
        value = raw
    elif isinstance(raw, str) and "T" in raw.strip().upper():
        try:
            value = datetime.fromisoformat(raw.strip())
        except ValueError:
            raise InvalidValue(DATETIME_MALFORMED) from None
    else:
        raise InvalidValue(DATETIME_MALFORMED)
    if value.utcoffset() is None:
        raise InvalidValue(DATETIME_NAIVE)
    return value


def parse_bool(raw: object) -> bool:
    """A boolean: true/false, or the strings "true"/"false" in any case."""
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, str) and raw.strip().lower() in ("true", "false"):
        return raw.strip().lower() == "true"
    raise InvalidValue(BOOL_MALFORMED)


def parse_enum(raw: object, choices: tuple[str, ...]) -> str:
    """One of `choices`, compared exactly (codes, never labels)."""
    if isinstance(raw, str) and raw.strip() in choices:
        return raw.strip()
    raise InvalidValue(ENUM_INVALID, value=raw, choices=choices)


def parse_text(raw: object) -> str:
    """A non-empty text, stripped."""
    if isinstance(raw, str) and raw.strip():
        return raw.strip()
    raise InvalidValue(TEXT_MALFORMED)


def parse_count(raw: object) -> int:
    """A non-negative int (bools refused)."""
    if isinstance(raw, int) and not isinstance(raw, bool) and raw >= 0:
        return raw
    raise InvalidValue(INTEGER_MALFORMED)
