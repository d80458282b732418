"""The rules version as the applicants app reads it: items, choices and labels.

The one place that talks to `rules` for definitions, so forms, views and services agree on which
version describes an item (the one in force today, Beijing time).
"""

from datetime import date
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.utils import timezone, translation

import rules
from rules import ItemRule, ProgrammeVersion, RulesVersion


def rules_lang() -> str:
    """The rules package's language for the active Django language ("zh" or "en")."""
    return "en" if (translation.get_language() or "").startswith("en") else "zh"


def version_in_force(today: date | None = None) -> RulesVersion:
    """The rules version in force today (Asia/Shanghai): it defines forms and evidence lists."""
    return rules.load_rulebook().current(today or timezone.localdate())


def item_rule(item: str) -> ItemRule | None:
    """The item's rule in the version in force, or None for an unknown item."""
    return version_in_force().items.get(item)


def same_kind_items(item: str, event_date: date | None = None) -> frozenset[str]:
    """The items of one kind (同类) with `item` in the version that prices a case of that date.

    从优、就高、不重复 compares an achievement's awards within this set only: a national dataset
    listing does not reduce a first transaction of the same product.
    """
    book = rules.load_rulebook()
    try:
        version = book.version_for(event_date) if event_date else version_in_force()
    except rules.NoVersionInForce:
        version = book.versions[0]
    return version.same_kind(item)


def programme_book() -> rules.ProgrammeBook:
    """The county matching programmes of `settings.COUNTY_PROGRAMME_FILES` (县区同步奖励)."""
    paths = tuple(str(p) for p in getattr(settings, "COUNTY_PROGRAMME_FILES", []) if str(p))
    return _programme_book(paths)


@lru_cache(maxsize=8)
def _programme_book(paths: tuple[str, ...]) -> rules.ProgrammeBook:
    # Cached per list of files, so override_settings in tests switches programmes; a relative
    # path (as in .env.example) is read from the project directory, whatever the working one.
    base = Path(settings.BASE_DIR)
    return rules.load_programmes(Path(p) if Path(p).is_absolute() else base / p for p in paths)


def programme_version_for(code: str, event_date: date) -> ProgrammeVersion | None:
    """The version of county `code`'s programme that answers a case of `event_date`, or None."""
    programme = programme_book().get(code)
    return programme.version_for(event_date) if programme else None


def _any_version_item(item: str) -> ItemRule | None:
    """The item as the newest version that knows it defines it (old cases keep their title)."""
    for version in reversed(rules.load_rulebook().versions):
        if item in version.items:
            return version.items[item]
    return None


def item_title(item: str) -> str:
    rule = _any_version_item(item)
    return rule.title(rules_lang()) if rule else item


def jurisdiction_choices() -> list[tuple[str, str]]:
    return version_in_force().jurisdiction_choices(rules_lang())


def applicant_type_choices() -> list[tuple[str, str]]:
    return version_in_force().applicant_type_choices(rules_lang())


def jurisdiction_name(code: str) -> str:
    for version in reversed(rules.load_rulebook().versions):
        for j in version.jurisdictions:
            if j.code == code:
                return j.name(rules_lang())
    return code


def applicant_type_label(code: str) -> str:
    for version in reversed(rules.load_rulebook().versions):
        for t in version.applicant_types:
            if t.code == code:
                return t.label(rules_lang())
    return code


def evidence_label(item: str, kind: str) -> str:
    rule = _any_version_item(item)
    for spec in rule.evidence if rule else ():
        if spec.code == kind:
            return spec.label(rules_lang())
    return kind


def fact_label(item: str, code: str) -> str:
    """The label of any fact the item takes (common or its own)."""
    version = version_in_force()
    if item in version.items:
        for spec in version.fact_specs(item):
            if spec.code == code:
                return spec.label(rules_lang())
    return code


def fact_value_label(item: str, code: str, value: str) -> str:
    """An enum fact's choice label, yes/no for a bool; other values as stored."""
    version = version_in_force()
    if item not in version.items:
        return value
    for spec in version.fact_specs(item):
        if spec.code != code:
            continue
        if spec.type == "enum":
            for choice in spec.choices:
                if choice.code == value:
                    return choice.label(rules_lang())
        if spec.type == "money":
            try:
                return f"{Decimal(value):,.2f}"
            except InvalidOperation:
                return value
        if spec.type == "bool":
            return str(translation.gettext("是") if value == "true" else translation.gettext("否"))
    return value


# The applicant's declaration (承诺书) shown beside the submit button and kept with each revision.
DECLARATION_TEXT = translation.gettext_lazy(
    "本单位郑重承诺：所填报的信息和提交的证明材料真实、准确、完整、有效；"
    "同一成果未重复申领市级同类奖励，已获其他奖励的已如实填报；"
    "如有虚假，本单位愿意退回已获奖励资金并承担相应法律责任。"
)


def stored_trace(stored: list[dict[str, str]]) -> list[dict[str, str]]:
    """A trace stored by `Quote.trace_record`, with each description in the active language."""
    if rules_lang() != "en":
        return stored
    return [
        {**step, "description": step.get("description_en", step["description"])} for step in stored
    ]
