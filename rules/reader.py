"""The strict reader of one rules version's data (a parsed TOML file): every key known, every
value of its type, every reference resolved; anything else a RulesDataError naming where.

OpenFisca's lesson: a misplaced key silently ignored is a wrong payment later.
"""

import decimal
import re
from datetime import date, datetime
from decimal import Decimal
from types import MappingProxyType
from typing import Any, NoReturn

from rules.errors import RulesDataError
from rules.model import (
    ALLOCATION_STRATEGIES,
    COMMON_FACTS,
    FACT_TYPES,
    FAMILIES,
    FIRST_TIME_FACT,
    JURISDICTION_KINDS,
    ApplicantType,
    Choice,
    CommonRules,
    EvidenceSpec,
    FactSpec,
    ItemRule,
    Jurisdiction,
    OverlapGroup,
    RulesVersion,
    Threshold,
    clause_chapter,
)

_MONEY_RE = re.compile(r"[0-9]+\.[0-9]{2}")
_RATE_RE = re.compile(r"[0-9]+(\.[0-9]+)?")
_CODE_RE = re.compile(r"[a-z][a-z0-9_]*")
_JURISDICTION_RE = re.compile(r"[0-9]{6}|[a-z][a-z0-9_]*")
# 章节号、章节标题（段落号）, e.g. 四、促进数据合规流通交易（四）
_CLAUSE_RE = re.compile(r"[一二三四五六七八九十]+、[^、（）\s]+（[一二三四五六七八九十]+）")
_CHAPTER_RE = re.compile(r"[一二三四五六七八九十]+、[^、（）\s]+")
_ROUNDINGS = frozenset(
    name
    for name in dir(decimal)
    if name.startswith("ROUND_") and isinstance(getattr(decimal, name), str)
)


_VERSION_KEYS = {
    "version",
    "title",
    "title_en",
    "chapter_titles_en",
    "effective_from",
    "retroactive_from",
    "quota_per_item_per_year",
    "allocation_strategy",
    "money_max",
    "rounding",
    "common_rules",
    "jurisdictions",
    "applicant_types",
    "items",
    "overlap_groups",
}
_ITEM_KEYS = {
    "title_zh",
    "title_en",
    "family",
    "clause",
    "clause_text",
    "first_time",
    "applicant_types",
    "jurisdictions",
    "facts",
    "evidence",
}
_FAMILY_KEYS = {
    "fixed": ({"amount"}, set()),
    "fixed_by_level": ({"level_fact", "amounts"}, set()),
    "percentage": ({"base_fact", "rate", "cap"}, {"threshold"}),
}


class VersionReader:
    """Reads one parsed file, failing with the file name and the key path."""

    def __init__(self, source: str) -> None:
        self.source = source

    def fail(self, path: str, problem: str) -> NoReturn:
        raise RulesDataError(self.source, path, problem)

    # --- shapes ---------------------------------------------------------------------------

    def table(
        self,
        value: object,
        path: str,
        required: set[str],
        optional: set[str] | frozenset[str] = frozenset(),
    ) -> dict[str, Any]:
        """A table with exactly the `required` keys plus any of `optional`."""
        if not isinstance(value, dict):
            self.fail(path, f"expected a table, got {_kind(value)}")
        for key in value:
            if key not in required and key not in optional:
                self.fail(_join(path, key), "unknown key")
        for key in sorted(required):
            if key not in value:
                self.fail(_join(path, key), "missing key")
        return value

    def tables(self, value: object, path: str, *, allow_empty: bool) -> list[dict[str, Any]]:
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            self.fail(path, f"expected an array of tables, got {_kind(value)}")
        if not value and not allow_empty:
            self.fail(path, "must not be empty")
        return value

    def string(self, t: dict[str, Any], key: str, path: str) -> str:
        value = t[key]
        if not isinstance(value, str) or not value.strip():
            self.fail(_join(path, key), f"expected a non-empty string, got {_kind(value)}")
        return value

    def code(
        self, t: dict[str, Any], key: str, path: str, pattern: re.Pattern[str] = _CODE_RE
    ) -> str:
        value = self.string(t, key, path)
        if not pattern.fullmatch(value):
            self.fail(_join(path, key), f"{value!r} is not a valid code ({pattern.pattern})")
        return value

    def boolean(self, t: dict[str, Any], key: str, path: str) -> bool:
        value = t[key]
        if not isinstance(value, bool):
            self.fail(_join(path, key), f"expected true or false, got {_kind(value)}")
        return value

    def integer(self, t: dict[str, Any], key: str, path: str) -> int:
        value = t[key]
        if type(value) is not int or value < 0:
            self.fail(_join(path, key), f"expected a non-negative integer, got {_kind(value)}")
        return value

    def date(self, t: dict[str, Any], key: str, path: str) -> date:
        value = t[key]
        if type(value) is not date:  # a TOML datetime is a date subclass: refuse it
            self.fail(_join(path, key), f"expected a date (YYYY-MM-DD), got {_kind(value)}")
        return value

    def money(self, t: dict[str, Any], key: str, path: str, *, positive: bool = False) -> Decimal:
        value = t[key]
        if not isinstance(value, str) or not _MONEY_RE.fullmatch(value):
            self.fail(
                _join(path, key), f'expected money as a string like "100000.00", got {value!r}'
            )
        amount = Decimal(value)
        if positive and amount <= 0:
            self.fail(_join(path, key), "must be greater than 0.00")
        return amount

    def choice(
        self, t: dict[str, Any], key: str, path: str, allowed: tuple[str, ...] | frozenset[str]
    ) -> str:
        value = self.string(t, key, path)
        if value not in allowed:
            self.fail(_join(path, key), f"{value!r} is not one of {sorted(allowed)}")
        return value

    def codes_or_all(
        self, t: dict[str, Any], key: str, path: str, known: tuple[str, ...]
    ) -> tuple[str, ...]:
        value = t[key]
        if value == "all":
            return known
        if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
            self.fail(
                _join(path, key), f'expected "all" or a non-empty list of codes, got {_kind(value)}'
            )
        for i, code in enumerate(value):
            if code not in known:
                self.fail(f"{_join(path, key)}[{i}]", f"unknown code {code!r}")
        if len(set(value)) != len(value):
            self.fail(_join(path, key), "a code is listed twice")
        return tuple(value)

    def unique(self, codes: list[str], path: str) -> None:
        seen: set[str] = set()
        for i, code in enumerate(codes):
            if code in seen:
                self.fail(f"{path}[{i}].code", f"duplicate code {code!r}")
            seen.add(code)

    # --- the version ----------------------------------------------------------------------

    def version(self, data: dict[str, Any]) -> RulesVersion:
        self.table(data, "", _VERSION_KEYS, {"published_on"})
        version_id = self.string(data, "version", "")
        effective_from = self.date(data, "effective_from", "")
        retroactive_from = self.date(data, "retroactive_from", "")
        published_on = self.date(data, "published_on", "") if "published_on" in data else None
        if published_on is not None and published_on < retroactive_from:
            self.fail("published_on", "is before retroactive_from")
        rounding = self.choice(data, "rounding", "", _ROUNDINGS)
        money_max = self.money(data, "money_max", "", positive=True)
        jurisdictions = self.jurisdictions(data["jurisdictions"])
        applicant_types = self.applicant_types(data["applicant_types"])
        items_table = data["items"]
        if not isinstance(items_table, dict) or not items_table:
            self.fail("items", "expected a non-empty table of items")
        known_j = tuple(j.code for j in jurisdictions)
        known_t = tuple(t.code for t in applicant_types)
        items = {}
        for code, raw in items_table.items():
            if not _CODE_RE.fullmatch(code):
                self.fail(f"items.{code}", "item code must be lowercase letters, digits and _")
            items[code] = self.item(code, raw, known_t, known_j, money_max)
        common = self.common_rules(data["common_rules"])
        chapters = self.chapter_titles(data["chapter_titles_en"])
        cited = [("common_rules.clause", common.clause)] + [
            (f"items.{code}.clause", rule.clause) for code, rule in items.items()
        ]
        for path, clause in cited:
            if clause_chapter(clause) not in chapters:
                self.fail(path, f"chapter {clause_chapter(clause)!r} is not in chapter_titles_en")
        return RulesVersion(
            version=version_id,
            title=self.string(data, "title", ""),
            title_en=self.string(data, "title_en", ""),
            effective_from=effective_from,
            retroactive_from=retroactive_from,
            published_on=published_on,
            quota_per_item_per_year=self.integer(data, "quota_per_item_per_year", ""),
            allocation_strategy=self.choice(data, "allocation_strategy", "", ALLOCATION_STRATEGIES),
            money_max=money_max,
            rounding=rounding,
            common=common,
            jurisdictions=jurisdictions,
            applicant_types=applicant_types,
            items=MappingProxyType(items),
            overlap_groups=self.overlap_groups(data["overlap_groups"], tuple(items)),
            chapter_titles_en=chapters,
            source=self.source,
        )

    def chapter_titles(self, raw: object) -> MappingProxyType[str, str]:
        """Chapter as cited (章、标题) → its English title."""
        path = "chapter_titles_en"
        if not isinstance(raw, dict) or not raw:
            self.fail(path, f"expected a non-empty table of chapters, got {_kind(raw)}")
        for chapter in raw:
            if not _CHAPTER_RE.fullmatch(chapter):
                self.fail(
                    f"{path}.{chapter}",
                    "is not a chapter cited as 章、标题, e.g. 八、优化产业发展环境",
                )
            self.string(raw, chapter, path)
        return MappingProxyType(dict(raw))

    def common_rules(self, raw: object) -> CommonRules:
        keys = {"clause", "time_window_text", "quota_text", "county_text", "top_up_text"}
        t = self.table(raw, "common_rules", keys)
        clause = self.string(t, "clause", "common_rules")
        if not _CLAUSE_RE.fullmatch(clause):
            self.fail("common_rules.clause", f"{clause!r} is not cited as 章、标题（段）")
        return CommonRules(**{k: self.string(t, k, "common_rules") for k in sorted(keys)})

    def overlap_groups(self, raw: object, known_items: tuple[str, ...]) -> tuple[OverlapGroup, ...]:
        """同类 groups: each names at least two known items; no item is in two groups."""
        result = []
        owner: dict[str, str] = {}
        for i, t in enumerate(self.tables(raw, "overlap_groups", allow_empty=True)):
            path = f"overlap_groups[{i}]"
            self.table(t, path, {"code", "label_zh", "label_en", "items"})
            code = self.code(t, "code", path)
            items = self.codes_or_all(t, "items", path, known_items)
            if t["items"] == "all" or len(items) < 2:
                self.fail(f"{path}.items", "list at least two items (an item alone needs no group)")
            for item in items:
                if item in owner:
                    self.fail(f"{path}.items", f"{item!r} is already in group {owner[item]!r}")
                owner[item] = code
            result.append(
                OverlapGroup(
                    code=code,
                    label_zh=self.string(t, "label_zh", path),
                    label_en=self.string(t, "label_en", path),
                    items=items,
                )
            )
        self.unique([g.code for g in result], "overlap_groups")
        return tuple(result)

    def jurisdictions(self, raw: object) -> tuple[Jurisdiction, ...]:
        result = []
        for i, t in enumerate(self.tables(raw, "jurisdictions", allow_empty=False)):
            path = f"jurisdictions[{i}]"
            self.table(t, path, {"code", "name_zh", "name_en", "kind"})
            result.append(
                Jurisdiction(
                    code=self.code(t, "code", path, _JURISDICTION_RE),
                    name_zh=self.string(t, "name_zh", path),
                    name_en=self.string(t, "name_en", path),
                    kind=self.choice(t, "kind", path, JURISDICTION_KINDS),
                )
            )
        self.unique([j.code for j in result], "jurisdictions")
        return tuple(result)

    def applicant_types(self, raw: object) -> tuple[ApplicantType, ...]:
        result = []
        for i, t in enumerate(self.tables(raw, "applicant_types", allow_empty=False)):
            path = f"applicant_types[{i}]"
            self.table(t, path, {"code", "label_zh", "label_en"})
            result.append(
                ApplicantType(
                    code=self.code(t, "code", path),
                    label_zh=self.string(t, "label_zh", path),
                    label_en=self.string(t, "label_en", path),
                )
            )
        self.unique([t.code for t in result], "applicant_types")
        return tuple(result)

    def item(
        self,
        code: str,
        raw: object,
        known_types: tuple[str, ...],
        known_jurisdictions: tuple[str, ...],
        money_max: Decimal,
    ) -> ItemRule:
        path = f"items.{code}"
        if not isinstance(raw, dict):
            self.fail(path, f"expected a table, got {_kind(raw)}")
        if "family" not in raw:
            self.fail(f"{path}.family", "missing key")
        # The family decides which amount keys the item must have.
        family = self.choice(raw, "family", path, FAMILIES)
        required, optional = _FAMILY_KEYS[family]
        t = self.table(raw, path, _ITEM_KEYS | required, optional)
        clause = self.string(t, "clause", path)
        if not _CLAUSE_RE.fullmatch(clause):
            self.fail(
                f"{path}.clause",
                f"{clause!r} is not cited as 章、标题（段）, e.g. 四、促进数据合规流通交易（四）",
            )
        facts = self.facts(t["facts"], f"{path}.facts")
        evidence = self.evidence(t["evidence"], f"{path}.evidence")
        fields: dict[str, Any] = {}

        def money_within_max(table: dict[str, Any], key: str, where: str) -> Decimal:
            amount = self.money(table, key, where, positive=True)
            if amount > money_max:
                self.fail(_join(where, key), "is above money_max")
            return amount

        if family == "fixed":
            fields["amount"] = money_within_max(t, "amount", path)
        elif family == "fixed_by_level":
            level_fact = self.code(t, "level_fact", path)
            spec = _find(facts, level_fact)
            if spec is None or spec.type != "enum":
                self.fail(f"{path}.level_fact", f"{level_fact!r} is not an enum fact of this item")
            if not spec.required:
                self.fail(
                    f"{path}.level_fact", f"{level_fact!r} must be required: it sets the amount"
                )
            choices = [c.code for c in spec.choices]
            amounts_t = self.table(t["amounts"], f"{path}.amounts", set(choices))
            fields["level_fact"] = level_fact
            fields["amounts"] = MappingProxyType(
                {c: money_within_max(amounts_t, c, f"{path}.amounts") for c in choices}
            )
        else:
            base_fact = self.code(t, "base_fact", path)
            spec = _find(facts, base_fact)
            if spec is None or spec.type != "money":
                self.fail(f"{path}.base_fact", f"{base_fact!r} is not a money fact of this item")
            if not spec.required:
                self.fail(f"{path}.base_fact", f"{base_fact!r} must be required: it is the base")
            rate_text = t["rate"]
            if not isinstance(rate_text, str) or not _RATE_RE.fullmatch(rate_text):
                self.fail(
                    f"{path}.rate",
                    f'expected a decimal fraction string like "0.30", got {rate_text!r}',
                )
            rate = Decimal(rate_text)
            if not 0 < rate <= 1:
                self.fail(f"{path}.rate", "must be greater than 0 and at most 1")
            fields.update(base_fact=base_fact, rate=rate, cap=money_within_max(t, "cap", path))
            if "threshold" in t:
                tt = self.table(t["threshold"], f"{path}.threshold", {"amount", "strict"})
                fields["threshold"] = Threshold(
                    amount=self.money(tt, "amount", f"{path}.threshold"),
                    strict=self.boolean(tt, "strict", f"{path}.threshold"),
                )
        return ItemRule(
            code=code,
            title_zh=self.string(t, "title_zh", path),
            title_en=self.string(t, "title_en", path),
            family=family,
            clause=clause,
            clause_text=self.string(t, "clause_text", path),
            first_time=self.boolean(t, "first_time", path),
            applicant_types=self.codes_or_all(t, "applicant_types", path, known_types),
            jurisdictions=self.codes_or_all(t, "jurisdictions", path, known_jurisdictions),
            facts=facts,
            evidence=evidence,
            **fields,
        )

    def facts(self, raw: object, path: str) -> tuple[FactSpec, ...]:
        result = []
        for i, t in enumerate(self.tables(raw, path, allow_empty=True)):
            where = f"{path}[{i}]"
            base = {"code", "type", "label_zh", "label_en", "required"}
            if "type" not in t:
                self.fail(f"{where}.type", "missing key")
            kind = self.choice(t, "type", where, FACT_TYPES)
            self.table(t, where, base | ({"choices"} if kind == "enum" else set()))
            code = self.code(t, "code", where)
            if code in COMMON_FACTS or code == FIRST_TIME_FACT:
                self.fail(f"{where}.code", f"{code!r} is a common fact and cannot be redefined")
            choices: tuple[Choice, ...] = ()
            if kind == "enum":
                choices = tuple(self.choices(t["choices"], f"{where}.choices"))
            result.append(
                FactSpec(
                    code=code,
                    type=kind,
                    label_zh=self.string(t, "label_zh", where),
                    label_en=self.string(t, "label_en", where),
                    required=self.boolean(t, "required", where),
                    choices=choices,
                )
            )
        self.unique([f.code for f in result], path)
        return tuple(result)

    def choices(self, raw: object, path: str) -> list[Choice]:
        result = []
        for i, t in enumerate(self.tables(raw, path, allow_empty=False)):
            where = f"{path}[{i}]"
            self.table(t, where, {"code", "label_zh", "label_en"})
            result.append(
                Choice(
                    code=self.code(t, "code", where),
                    label_zh=self.string(t, "label_zh", where),
                    label_en=self.string(t, "label_en", where),
                )
            )
        self.unique([c.code for c in result], path)
        return result

    def evidence(self, raw: object, path: str) -> tuple[EvidenceSpec, ...]:
        result = []
        for i, t in enumerate(self.tables(raw, path, allow_empty=False)):
            where = f"{path}[{i}]"
            self.table(t, where, {"code", "label_zh", "label_en", "required"})
            result.append(
                EvidenceSpec(
                    code=self.code(t, "code", where),
                    label_zh=self.string(t, "label_zh", where),
                    label_en=self.string(t, "label_en", where),
                    required=self.boolean(t, "required", where),
                )
            )
        self.unique([e.code for e in result], path)
        return tuple(result)


def _find(facts: tuple[FactSpec, ...], code: str) -> FactSpec | None:
    return next((f for f in facts if f.code == code), None)


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _kind(value: object) -> str:
    if isinstance(value, datetime):
        return f"a datetime ({value.isoformat()})"
    return (
        f"{type(value).__name__} {value!r}"
        if not isinstance(value, dict | list)
        else type(value).__name__
    )
