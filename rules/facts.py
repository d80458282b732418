"""A case's facts as the calculator takes them: checked against the item's specs, parsed, and
the rules version that judges them (the one in force on their event date)."""

from collections.abc import Mapping
from datetime import date
from typing import Any

from rules.errors import ErrorDetail, InvalidValue, NoVersionInForce, RulesInputError
from rules.messages import DATE_IN_FUTURE, NOT_AN_OBJECT, REQUIRED, UNKNOWN_FIELD, UNKNOWN_ITEM
from rules.model import FactSpec, ItemRule, RuleBook, RulesVersion
from rules.values import parse_bool, parse_date, parse_enum, parse_money, parse_text


def clean_facts(
    book: RuleBook, item: object, facts: object, today: date
) -> tuple[RulesVersion, ItemRule, dict[str, Any]]:
    """The version that judges the facts, the item's rule and every fact parsed (defaults filled
    in); RulesInputError naming every bad field at once, the item's and the facts'."""
    if not isinstance(facts, Mapping):
        raise RulesInputError({"facts": [ErrorDetail(NOT_AN_OBJECT)]})
    version = pricing_version(book, facts, today)
    errors: dict[str, list[ErrorDetail]] = {}
    rule = version.items.get(item) if isinstance(item, str) else None
    if rule is None:
        errors["item"] = [ErrorDetail(UNKNOWN_ITEM, {"item": item})]
        # Still check the common facts, so the caller sees every problem at once.
        specs = version.common_fact_specs()
        known = version.all_fact_codes()
    else:
        specs = version.fact_specs(rule.code)
        known = version.fact_codes(rule.code)
    for key in facts:
        if key not in known:
            errors[str(key)] = [ErrorDetail(UNKNOWN_FIELD, {"field": key})]
    values: dict[str, Any] = {}
    for spec in specs:
        raw = facts.get(spec.code)
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            if spec.required:
                errors[spec.code] = [ErrorDetail(REQUIRED)]
            else:
                values[spec.code] = spec.default
            continue
        try:
            values[spec.code] = parse_fact(spec, raw, version)
        except InvalidValue as exc:
            errors[spec.code] = [exc.detail]
    event_date = values.get("event_date")
    if event_date is not None and event_date > today:
        errors["event_date"] = [
            ErrorDetail(
                DATE_IN_FUTURE, {"date": event_date.isoformat(), "today": today.isoformat()}
            )
        ]
    if errors:
        raise RulesInputError(errors)
    assert rule is not None
    return version, rule, values


def pricing_version(book: RuleBook, facts: Mapping[str, object], today: date) -> RulesVersion:
    """The version that judges these facts: the one in force on their event date; if that date
    is unusable, the one in force today."""
    try:
        when = parse_date(facts.get("event_date"))
    except InvalidValue:
        when = today
    if when > today:
        when = today
    try:
        return book.version_for(when)
    except NoVersionInForce:
        # Before the first version: it judges the case (and its time window rejects it).
        return book.versions[0]


def parse_fact(spec: FactSpec, raw: object, version: RulesVersion) -> object:
    """One fact's value as its spec types it; InvalidValue if it cannot be read."""
    if spec.type == "money":
        return parse_money(raw, money_max=version.money_max)
    if spec.type == "date":
        return parse_date(raw)
    if spec.type == "bool":
        return parse_bool(raw)
    if spec.type == "enum":
        return parse_enum(raw, spec.choice_codes)
    return parse_text(raw)
