"""The simulate_payouts input (REWARDS.md §4): budgets, awards and a strategy, as JSON, checked
into allocate()'s arguments with every bad field named at once."""

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from rules.allocation import MAX_YEAR, MIN_YEAR, AwardInput, unknown_strategy
from rules.errors import ErrorDetail, InvalidValue, RulesInputError
from rules.loader import load_rulebook
from rules.messages import (
    DUPLICATE_ID,
    ENUM_INVALID,
    NOT_A_LIST,
    NOT_AN_OBJECT,
    REQUIRED,
    UNKNOWN_FIELD,
    YEAR_MALFORMED,
)
from rules.model import ALLOCATION_STRATEGIES, RuleBook
from rules.quote import today_in_shanghai
from rules.values import parse_aware_datetime, parse_bool, parse_money, parse_text

_AWARD_KEYS = {"id", "item", "amount", "approved_at", "quota_exempt", "paid_year"}
_INPUT_KEYS = {"budgets", "awards", "strategy"}


def parse_simulation_input(
    data: object,
    *,
    rulebook: RuleBook | None = None,
    known_items: frozenset[str] | None = None,
) -> tuple[dict[int, Decimal], list[AwardInput], str]:
    """Validate the simulate_payouts JSON of REWARDS.md §4 into allocate()'s arguments.

    `known_items` narrows the items awards may name (a county programme pays only the items it
    matches); default: every item of the rules.
    """
    book = rulebook if rulebook is not None else load_rulebook()
    # The version in force today decides the quota, strategy and money bounds of a what-if.
    latest = book.current(today_in_shanghai())
    if not isinstance(data, Mapping):
        raise RulesInputError({"input": [ErrorDetail(NOT_AN_OBJECT)]})
    errors: dict[str, list[ErrorDetail]] = {}
    for key in data:
        if key not in _INPUT_KEYS:
            errors[str(key)] = [ErrorDetail(UNKNOWN_FIELD, {"field": key})]

    budgets: dict[int, Decimal] = {}
    raw_budgets = data.get("budgets")
    if raw_budgets is None:
        errors["budgets"] = [ErrorDetail(REQUIRED)]
    elif not isinstance(raw_budgets, Mapping):
        errors["budgets"] = [ErrorDetail(NOT_AN_OBJECT)]
    else:
        for key, raw in raw_budgets.items():
            path = f"budgets.{key}"
            year = _parse_year(key)
            if year is None:
                errors[path] = [ErrorDetail(YEAR_MALFORMED)]
                continue
            try:
                budgets[year] = parse_money(raw, money_max=latest.money_max)
            except InvalidValue as exc:
                errors[path] = [exc.detail]

    awards: list[AwardInput] = []
    raw_awards = data.get("awards")
    if raw_awards is None:
        errors["awards"] = [ErrorDetail(REQUIRED)]
    elif not isinstance(raw_awards, list):
        errors["awards"] = [ErrorDetail(NOT_A_LIST)]
    else:
        if known_items is None:
            known_items = book.item_codes
        seen: set[str] = set()
        for i, raw in enumerate(raw_awards):
            award = _parse_award(raw, f"awards[{i}]", known_items, latest.money_max, seen, errors)
            if award is not None:
                awards.append(award)

    strategy = data.get("strategy", latest.allocation_strategy)
    if strategy not in ALLOCATION_STRATEGIES:
        errors["strategy"] = [unknown_strategy(strategy)]
    if errors:
        raise RulesInputError(errors)
    return budgets, awards, strategy


def _parse_year(raw: object) -> int | None:
    if isinstance(raw, str) and len(raw) == 4 and raw.isascii() and raw.isdigit():
        year = int(raw)
    elif type(raw) is int:
        year = raw
    else:
        return None
    return year if MIN_YEAR <= year <= MAX_YEAR else None


def _parse_award(
    raw: object,
    path: str,
    known_items: frozenset[str],
    money_max: Decimal,
    seen: set[str],
    errors: dict[str, list[ErrorDetail]],
) -> AwardInput | None:
    if not isinstance(raw, Mapping):
        errors[path] = [ErrorDetail(NOT_AN_OBJECT)]
        return None
    before = len(errors)
    for key in raw:
        if key not in _AWARD_KEYS:
            errors[f"{path}.{key}"] = [ErrorDetail(UNKNOWN_FIELD, {"field": key})]
    values: dict[str, Any] = {"quota_exempt": False, "paid_year": None}
    for key in ("id", "item", "amount", "approved_at"):
        if _blank(raw.get(key)):
            errors[f"{path}.{key}"] = [ErrorDetail(REQUIRED)]
    parsers = {
        "id": parse_text,
        "item": lambda v: _parse_item(v, known_items),
        "amount": lambda v: parse_money(v, money_max=money_max),
        "approved_at": parse_aware_datetime,
        "quota_exempt": parse_bool,
        "paid_year": _parse_paid_year,
    }
    for key, parse in parsers.items():
        if _blank(raw.get(key)):
            continue
        try:
            values[key] = parse(raw[key])
        except InvalidValue as exc:
            errors[f"{path}.{key}"] = [exc.detail]
    if "id" in values:
        if values["id"] in seen:
            errors[f"{path}.id"] = [ErrorDetail(DUPLICATE_ID, {"id": values["id"]})]
        seen.add(values["id"])
    if len(errors) > before:
        return None
    return AwardInput(**values)


def _blank(value: object) -> bool:
    """Absent, null or an empty string: all mean "not given", as in a form."""
    return value is None or (isinstance(value, str) and not value.strip())


def _parse_item(raw: object, known_items: frozenset[str]) -> str:
    if isinstance(raw, str) and raw in known_items:
        return raw
    raise InvalidValue(ENUM_INVALID, value=raw, choices=tuple(sorted(known_items)))


def _parse_paid_year(raw: object) -> int:
    year = _parse_year(raw)
    if year is None:
        raise InvalidValue(YEAR_MALFORMED)
    return year
