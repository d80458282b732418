"""A quote's trace as people read it: each step by its name, values in words, money grouped.

Works the same on a live `Quote.to_dict()` trace and on one stored by `Quote.trace_record()`
(`Application.quote_trace`, `Award.trace`): the labels are derived from `step` and `value` at
display time, from the rules version that made the trace, so stored traces need no migration.
"""

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

import rules
from applicants.policy import programme_book, rules_lang
from rules import RulesVersion
from rules.messages import NO, YES, step_label

# Steps whose value is an amount of money (or, for `rate`, the exact product before rounding).
_AMOUNT_STEPS = frozenset(
    {
        "threshold",
        "base",
        "rate",
        "rounding",
        "cap",
        "top_up",
        "payable",
        "city_award",
        "match_ratio",
    }
)
# An amount inside a description: digits with a decimal part, not part of a date or a code.
_AMOUNT_IN_TEXT = re.compile(r"(?<![\d.,\-])(\d{4,})(\.\d+)(?![\d\-])")


@dataclass(frozen=True)
class TraceRow:
    """One step of a trace, ready for a template."""

    step: str
    label: str
    value: str
    is_amount: bool
    description: str
    clause: str
    chapter_en: str  # the cited chapter's English title on English pages, else ""


def grouped_amount(raw: str) -> str:
    """An amount with thousands separators, keeping its places: "120000.015" → "120,000.015"."""
    try:
        amount = Decimal(raw)
    except InvalidOperation:
        return raw
    return f"{amount:,f}" if amount.is_finite() else raw


def group_amounts_in_text(text: str) -> str:
    """Every amount in a sentence with thousands separators (dates and codes left alone)."""
    return _AMOUNT_IN_TEXT.sub(lambda m: f"{int(m.group(1)):,}{m.group(2)}", text)


def rules_version_for(version_id: str) -> RulesVersion | None:
    """The rules version named `version_id`, or None if no shipped file has that id."""
    try:
        return rules.load_rulebook().version(version_id)
    except rules.NoVersionInForce:
        return None


def rules_version_label(version_id: str, lang: str | None = None) -> str:
    """A version by its title and start date (a county programme's too); else the id as it is."""
    lang = lang or rules_lang()
    version = rules_version_for(version_id)
    if version is not None:
        return version.label(lang)
    for programme in programme_book().programmes.values():
        for county_version in programme.versions:
            if county_version.version == version_id:
                return county_version.label(lang)
    return version_id


def clause_citation(clause: str, version_id: str = "", lang: str | None = None) -> str:
    """A clause as cited (the law's Chinese), with its chapter's English title on English pages."""
    chapter_en = _chapter_en(clause, rules_version_for(version_id), lang or rules_lang())
    return f"{clause} ({chapter_en})" if chapter_en else clause


def trace_rows(
    steps: Iterable[Mapping[str, str]], *, rules_version: str, lang: str | None = None
) -> list[TraceRow]:
    """The steps of a live or stored trace, in the page's language."""
    lang = lang or rules_lang()
    version = rules_version_for(rules_version)
    rows = []
    for step in steps:
        code = step.get("step", "")
        value = str(step.get("value", ""))
        description = step.get("description_en") if lang == "en" else None
        clause = step.get("clause", "")
        rows.append(
            TraceRow(
                step=code,
                label=step_label(code, lang),
                value=_value_in_words(code, value, version, lang),
                is_amount=code in _AMOUNT_STEPS,
                description=group_amounts_in_text(description or step.get("description", "")),
                clause=clause,
                chapter_en=_chapter_en(clause, version, lang),
            )
        )
    return rows


def _chapter_en(clause: str, version: RulesVersion | None, lang: str) -> str:
    if lang != "en" or not clause:
        return ""
    for candidate in [version] if version else reversed(rules.load_rulebook().versions):
        if title := candidate.chapter_title_en(clause):
            return title
    return ""


def _value_in_words(step: str, value: str, version: RulesVersion | None, lang: str) -> str:
    if step in _AMOUNT_STEPS:
        return grouped_amount(value)
    if step == "first_time":
        return (YES if value == "true" else NO).get(lang)
    versions = [version] if version else list(reversed(rules.load_rulebook().versions))
    if step == "applicant_type":
        for v in versions:
            for kind in v.applicant_types:
                if kind.code == value:
                    return kind.label(lang)
    if step == "jurisdiction":
        for v in versions:
            for place in v.jurisdictions:
                if place.code == value:
                    return place.name(lang)
    return value
