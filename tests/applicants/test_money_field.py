"""MoneyField: amounts as people type them, Decimal out, Chinese messages for the rest."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from applicants.fields import (
    MONEY_MALFORMED,
    MONEY_NEGATIVE,
    MONEY_TOO_LARGE,
    MONEY_TOO_PRECISE,
    MoneyField,
)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("1,234,567.89", Decimal("1234567.89")),
        ("1，234，567.89", Decimal("1234567.89")),
        ("１２３４.５", Decimal("1234.50")),
        (" 600000 ", Decimal("600000.00")),
        ("0", Decimal("0.00")),
        ("12.3", Decimal("12.30")),
        ("-0", Decimal("0.00")),
        ("1.000", Decimal("1.00")),
    ],
)
def test_typed_amounts_become_decimals_with_two_places(typed, expected):
    value = MoneyField().clean(typed)
    assert value == expected
    assert value.as_tuple().exponent == -2


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("-1", MONEY_NEGATIVE),
        ("-1,000.00", MONEY_NEGATIVE),
        ("1.234", MONEY_TOO_PRECISE),
        ("abc", MONEY_MALFORMED),
        ("1,23", MONEY_MALFORMED),
        ("1e5", MONEY_MALFORMED),
        ("12.", MONEY_MALFORMED),
        ("NaN", MONEY_MALFORMED),
        ("¥100", MONEY_MALFORMED),
        ("12 34", MONEY_MALFORMED),
    ],
)
def test_bad_amounts_are_refused_in_chinese(typed, message):
    with pytest.raises(ValidationError) as error:
        MoneyField().clean(typed)
    assert error.value.messages == [str(message)]


def test_absurd_amounts_are_refused():
    with pytest.raises(ValidationError) as error:
        MoneyField().clean("1000000000000.01")
    assert str(MONEY_TOO_LARGE).split("%")[0] in error.value.messages[0]


def test_empty_is_none_when_optional_and_an_error_when_required():
    assert MoneyField(required=False).clean("") is None
    with pytest.raises(ValidationError):
        MoneyField().clean("")


def test_minus_zero_is_stored_as_plain_zero():
    assert str(MoneyField().clean("-0")) == "0.00"


def test_blank_spaces_in_an_optional_amount_mean_empty():
    assert MoneyField(required=False).clean("   ") is None


@pytest.mark.parametrize("typed", ["1" * 30, "1" * 30 + ".001", "9" * 40])
def test_amounts_too_long_for_the_decimal_context_are_refused_not_crashed(typed):
    with pytest.raises(ValidationError) as error:
        MoneyField().clean(typed)
    assert error.value.code == "too_large"
