"""大写金额: the one money-to-capitals function, against a complete table."""

from decimal import Decimal

import pytest

from applicants.rmb import rmb_capital

TABLE = [
    ("0.00", "零元整"),
    ("0.05", "伍分"),
    ("0.50", "伍角"),
    ("0.56", "伍角陆分"),
    ("1.00", "壹元整"),
    ("1.05", "壹元零伍分"),
    ("1.50", "壹元伍角"),
    ("10.00", "壹拾元整"),
    ("15.00", "壹拾伍元整"),
    ("100.00", "壹佰元整"),
    ("101.00", "壹佰零壹元整"),
    ("110.00", "壹佰壹拾元整"),
    ("1001.00", "壹仟零壹元整"),
    ("1010.00", "壹仟零壹拾元整"),
    ("1680.32", "壹仟陆佰捌拾元叁角贰分"),
    ("10000.00", "壹万元整"),
    ("10001.00", "壹万零壹元整"),
    ("10500.00", "壹万零伍佰元整"),
    ("36000.00", "叁万陆仟元整"),
    ("50000.05", "伍万元零伍分"),
    ("80000.00", "捌万元整"),
    ("100000.00", "壹拾万元整"),
    ("100100.00", "壹拾万零壹佰元整"),
    ("101000.00", "壹拾万壹仟元整"),
    ("120000.00", "壹拾贰万元整"),
    ("200000.00", "贰拾万元整"),
    ("300000.00", "叁拾万元整"),
    ("1000000.00", "壹佰万元整"),
    ("10000001.00", "壹仟万零壹元整"),
    ("99999999.99", "玖仟玖佰玖拾玖万玖仟玖佰玖拾玖元玖角玖分"),
    ("100000000.00", "壹亿元整"),
    ("100000001.00", "壹亿零壹元整"),
    ("100010000.00", "壹亿零壹万元整"),
    ("110000000.00", "壹亿壹仟万元整"),
    ("1000000000000.00", "壹万亿元整"),
    ("1234567890123.45", "壹万贰仟叁佰肆拾伍亿陆仟柒佰捌拾玖万零壹佰贰拾叁元肆角伍分"),
]


@pytest.mark.parametrize(("amount", "words"), TABLE)
def test_capitals(amount, words):
    assert rmb_capital(Decimal(amount)) == words


def test_half_a_fen_rounds_up_as_money_does():
    assert rmb_capital(Decimal("0.005")) == "壹分"


@pytest.mark.parametrize("bad", [Decimal("-1.00"), Decimal("NaN"), Decimal("Infinity"), 1.5, "1"])
def test_what_is_not_an_amount_is_refused(bad):
    with pytest.raises(ValueError, match="amount"):
        rmb_capital(bad)
