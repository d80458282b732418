"""Amounts in Chinese capital numerals (大写金额), as finance documents and vouchers write them.

The writing follows 《支付结算办法》 (中国人民银行): 壹贰叁… with 拾佰仟万亿, "元" for the yuan,
"角" and "分" for the fractions, "整" after an amount that ends with 元; one "零" for any run of
zeros between non-zero digits; a zero 角 before a non-zero 分 is written 零 (伍万元零伍分).
"""

from decimal import ROUND_HALF_UP, Decimal

DIGITS = "零壹贰叁肆伍陆柒捌玖"
_IN_GROUP = ("仟", "佰", "拾", "")
CENT = Decimal("0.01")
MAX_AMOUNT = Decimal("9999999999999999.99")


def _four_digits(number: int) -> str:
    """0 < number < 10,000 in capitals, with one 零 for each run of inner zeros."""
    text, zero = "", False
    for digit, unit in zip(f"{number:04d}", _IN_GROUP, strict=True):
        if digit == "0":
            zero = bool(text)
            continue
        if zero:
            text += "零"
            zero = False
        text += DIGITS[int(digit)] + unit
    return text


def _yuan(number: int) -> str:
    """The integer part, e.g. 100100 → 壹拾万零壹佰, 1,2345,0000,0000 → 壹万贰仟叁佰肆拾伍亿."""
    if number >= 100_000_000:
        high, low = divmod(number, 100_000_000)
        # A lower part below 1,000 万 reads with a leading 零 (壹亿零壹万).
        joint = "零" if 0 < low < 10_000_000 else ""
        return _yuan(high) + "亿" + joint + (_yuan(low) if low else "")
    if number >= 10_000:
        high, low = divmod(number, 10_000)
        joint = "零" if 0 < low < 1000 else ""
        return _four_digits(high) + "万" + joint + (_four_digits(low) if low else "")
    return _four_digits(number) if number else ""


def rmb_capital(amount: Decimal) -> str:
    """`amount` yuan in capital numerals: 100000 → 壹拾万元整, 50000.05 → 伍万元零伍分."""
    if not isinstance(amount, Decimal) or not amount.is_finite():
        raise ValueError(f"not a finite Decimal amount: {amount!r}")
    amount = amount.quantize(CENT, rounding=ROUND_HALF_UP)
    if amount < 0:
        raise ValueError(f"a negative amount has no 大写 form here: {amount}")
    if amount > MAX_AMOUNT:
        raise ValueError(f"amount too large: {amount}")
    cents = int(amount * 100)
    yuan, jiao, fen = cents // 100, cents // 10 % 10, cents % 10
    text = _yuan(yuan)
    if yuan:
        text += "元"
    if not jiao and not fen:
        return (text or "零元") + "整"
    if jiao:
        text += DIGITS[jiao] + "角"
    elif yuan:
        text += "零"
    if fen:
        text += DIGITS[fen] + "分"
    return text
