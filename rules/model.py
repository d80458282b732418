"""The rules as data: frozen dataclasses for a rule book, its dated versions and their items."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import cached_property
from typing import Any

from rules.errors import NoVersionInForce
from rules.messages import DEFAULT_LANG, FACT_LABELS, VERSION_LABEL, Text

FAMILIES = ("fixed", "fixed_by_level", "percentage")
FACT_TYPES = ("money", "enum", "date", "bool", "text")
JURISDICTION_KINDS = ("district", "county", "functional_zone")
ALLOCATION_STRATEGIES = ("fill",)
# Facts every item takes; their meaning is fixed by the code, their choices by the version.
COMMON_FACTS = ("event_date", "applicant_type", "jurisdiction", "prior_awards_same_project")
FIRST_TIME_FACT = "first_time"


def clause_chapter(clause: str) -> str:
    """The chapter a clause cites: "三、加强数据资源开发利用（三）" → "三、加强数据资源开发利用"."""
    return clause.split("（", 1)[0]


@dataclass(frozen=True)
class Jurisdiction:
    """A county-level division (GB/T 2260 code) or a functional zone (slug) of Xinyang."""

    code: str
    name_zh: str
    name_en: str
    kind: str

    def name(self, lang: str = DEFAULT_LANG) -> str:
        """The name in `lang`."""
        return self.name_en if lang == "en" else self.name_zh

    @cached_property
    def text(self) -> Text:
        """Both names, for message parameters."""
        return Text(self.name_zh, self.name_en)


class _Labelled:
    """Gives a dataclass with `label_zh` and `label_en` fields its label in either language."""

    label_zh: str
    label_en: str

    def label(self, lang: str = DEFAULT_LANG) -> str:
        """The label in `lang`."""
        return self.label_en if lang == "en" else self.label_zh

    @cached_property
    def text(self) -> Text:
        """Both labels, for message parameters."""
        return Text(self.label_zh, self.label_en)


@dataclass(frozen=True)
class ApplicantType(_Labelled):
    """A kind of applicant named by the policy, e.g. 数据交易运营机构."""

    code: str
    label_zh: str
    label_en: str


@dataclass(frozen=True)
class Choice(_Labelled):
    """One value of an enum fact: a stable code and its labels."""

    code: str
    label_zh: str
    label_en: str


@dataclass(frozen=True)
class FactSpec(_Labelled):
    """A fact a quote takes: its code, type, labels, whether required, and enum choices."""

    code: str
    type: str
    label_zh: str
    label_en: str
    required: bool = True
    choices: tuple[Choice, ...] = ()
    default: object = None

    @cached_property
    def choice_codes(self) -> tuple[str, ...]:
        """The codes an enum fact accepts, in order."""
        return tuple(c.code for c in self.choices)

    def choice(self, code: str) -> Choice:
        """The choice with `code`."""
        return next(c for c in self.choices if c.code == code)


@dataclass(frozen=True)
class EvidenceSpec(_Labelled):
    """A document an application for the item must (or may) attach."""

    code: str
    label_zh: str
    label_en: str
    required: bool


@dataclass(frozen=True)
class Threshold:
    """A minimum base amount: strict for 大于 (500000.00 itself fails), inclusive otherwise."""

    amount: Decimal
    strict: bool

    def met(self, value: Decimal) -> bool:
        """Whether `value` passes the threshold."""
        return value > self.amount if self.strict else value >= self.amount


@dataclass(frozen=True)
class ItemRule:
    """One reward item of a rules version, with the clause it encodes."""

    code: str
    title_zh: str
    title_en: str
    family: str
    clause: str
    clause_text: str
    first_time: bool
    applicant_types: tuple[str, ...]
    jurisdictions: tuple[str, ...]
    facts: tuple[FactSpec, ...]
    evidence: tuple[EvidenceSpec, ...]
    # family "fixed"
    amount: Decimal | None = None
    # family "fixed_by_level"
    level_fact: str | None = None
    amounts: Mapping[str, Decimal] = field(default_factory=dict)
    # family "percentage"
    base_fact: str | None = None
    rate: Decimal | None = None
    cap: Decimal | None = None
    threshold: Threshold | None = None

    def title(self, lang: str = DEFAULT_LANG) -> str:
        """The title in `lang`."""
        return self.title_en if lang == "en" else self.title_zh

    @cached_property
    def text(self) -> Text:
        """Both titles, for message parameters."""
        return Text(self.title_zh, self.title_en)

    def fact(self, code: str) -> FactSpec:
        """The item-specific fact with `code` (KeyError for another)."""
        return self._facts_by_code[code]

    @cached_property
    def _facts_by_code(self) -> dict[str, FactSpec]:
        return {f.code: f for f in self.facts}

    @property
    def max_amount(self) -> Decimal:
        """The most this item can pay for one case."""
        if self.family == "fixed":
            assert self.amount is not None
            return self.amount
        if self.family == "fixed_by_level":
            return max(self.amounts.values())
        assert self.cap is not None
        return self.cap


@dataclass(frozen=True)
class OverlapGroup(_Labelled):
    """Items of one kind of measure (同类) for 从优、就高、不重复 (八、优化产业发展环境（五）).

    An achievement already paid under one item of the group counts against the others; an item
    in no group is a kind of its own.
    """

    code: str
    label_zh: str
    label_en: str
    items: tuple[str, ...]


@dataclass(frozen=True)
class CommonRules:
    """The policy-wide clause (time window, quota, county matching, top-up) and its text."""

    clause: str
    time_window_text: str
    quota_text: str
    county_text: str
    top_up_text: str


@dataclass(frozen=True)
class RulesVersion:
    """One dated version of the rules, loaded from one TOML file."""

    version: str
    title: str
    title_en: str
    effective_from: date
    retroactive_from: date
    published_on: date | None
    quota_per_item_per_year: int
    allocation_strategy: str
    money_max: Decimal
    rounding: str
    common: CommonRules
    jurisdictions: tuple[Jurisdiction, ...]
    applicant_types: tuple[ApplicantType, ...]
    items: Mapping[str, ItemRule]
    overlap_groups: tuple[OverlapGroup, ...] = ()
    # Chapter as cited ("三、加强数据资源开发利用") → its English title; citations stay Chinese.
    chapter_titles_en: Mapping[str, str] = field(default_factory=dict)
    source: str = ""
    # Derived once per version (the version is immutable): fact specs by item. Pricing reads them
    # for every case; building them each time was a quarter of a quote.
    _derived: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    def label(self, lang: str = DEFAULT_LANG) -> str:
        """The version as people name it, e.g. "关于…（征求意见稿） · 2025-01-01起"."""
        title = self.title_en if lang == "en" else self.title
        return VERSION_LABEL.render(lang, title=title, effective_from=self.effective_from)

    def chapter_title_en(self, clause: str) -> str:
        """The English title of the chapter a clause cites, e.g. "III. Data resource …"; or ""."""
        return self.chapter_titles_en.get(clause_chapter(clause), "")

    def overlap_group(self, item: str) -> OverlapGroup | None:
        """The 同类 group `item` belongs to, or None when it is a kind of its own."""
        return next((g for g in self.overlap_groups if item in g.items), None)

    def same_kind(self, item: str) -> frozenset[str]:
        """Every item whose awards for one achievement count against `item`'s (itself included)."""
        group = self.overlap_group(item)
        return frozenset(group.items) if group else frozenset({item})

    def jurisdiction(self, code: str) -> Jurisdiction:
        """The jurisdiction with `code` (KeyError for an unknown one)."""
        if "jurisdictions" not in self._derived:
            self._derived["jurisdictions"] = {j.code: j for j in self.jurisdictions}
        return self._derived["jurisdictions"][code]

    def applicant_type(self, code: str) -> ApplicantType:
        """The applicant type with `code` (KeyError for an unknown one)."""
        if "applicant_types" not in self._derived:
            self._derived["applicant_types"] = {t.code: t for t in self.applicant_types}
        return self._derived["applicant_types"][code]

    def admitted_applicant_types(self, item: str) -> tuple[Text, ...]:
        """The labels of the applicant types `item` admits, in the file's order."""
        key = f"admitted:{item}"
        if key not in self._derived:
            admits = self.items[item].applicant_types
            self._derived[key] = tuple(t.text for t in self.applicant_types if t.code in admits)
        return self._derived[key]

    def jurisdiction_choices(self, lang: str = DEFAULT_LANG) -> list[tuple[str, str]]:
        """(code, name) of every jurisdiction, in the file's order."""
        return [(j.code, j.name(lang)) for j in self.jurisdictions]

    def applicant_type_choices(self, lang: str = DEFAULT_LANG) -> list[tuple[str, str]]:
        """(code, label) of every applicant type."""
        return [(t.code, t.label(lang)) for t in self.applicant_types]

    def item_choices(self, lang: str = DEFAULT_LANG) -> list[tuple[str, str]]:
        """(code, title) of every item."""
        return [(i.code, i.title(lang)) for i in self.items.values()]

    def fact_specs(self, item: str) -> tuple[FactSpec, ...]:
        """Every fact `item` takes: the common ones (with this version's choices), then its own."""
        key = f"specs:{item}"
        if key not in self._derived:
            rule = self.items[item]
            specs = self.common_fact_specs()
            if rule.first_time:
                label = FACT_LABELS[FIRST_TIME_FACT]
                specs += (FactSpec(FIRST_TIME_FACT, "bool", *label, required=False, default=True),)
            self._derived[key] = specs + rule.facts
        return self._derived[key]

    def fact_codes(self, item: str) -> frozenset[str]:
        """The codes of every fact `item` takes."""
        key = f"codes:{item}"
        if key not in self._derived:
            self._derived[key] = frozenset(s.code for s in self.fact_specs(item))
        return self._derived[key]

    def all_fact_codes(self) -> frozenset[str]:
        """The codes of every fact any item of this version takes."""
        if "all_codes" not in self._derived:
            common = frozenset(s.code for s in self.common_fact_specs())
            self._derived["all_codes"] = common.union(*(self.fact_codes(i) for i in self.items))
        return self._derived["all_codes"]

    def common_fact_specs(self) -> tuple[FactSpec, ...]:
        """The facts every item takes, with this version's applicant types and jurisdictions."""
        if "common" not in self._derived:
            self._derived["common"] = self._common_fact_specs()
        return self._derived["common"]

    def _common_fact_specs(self) -> tuple[FactSpec, ...]:
        labels = FACT_LABELS
        return (
            FactSpec("event_date", "date", *labels["event_date"]),
            FactSpec(
                "applicant_type",
                "enum",
                *labels["applicant_type"],
                choices=tuple(Choice(t.code, t.label_zh, t.label_en) for t in self.applicant_types),
            ),
            FactSpec(
                "jurisdiction",
                "enum",
                *labels["jurisdiction"],
                choices=tuple(Choice(j.code, j.name_zh, j.name_en) for j in self.jurisdictions),
            ),
            FactSpec(
                "prior_awards_same_project",
                "money",
                *labels["prior_awards_same_project"],
                required=False,
                default=Decimal("0.00"),
            ),
        )


@dataclass(frozen=True)
class RuleBook:
    """Every rules version, sorted by effective_from; the one in force is the latest started."""

    versions: tuple[RulesVersion, ...]

    def version_for(self, event_date: date) -> RulesVersion:
        """The version in force on `event_date` (the latest with effective_from ≤ it)."""
        in_force = [v for v in self.versions if v.effective_from <= event_date]
        if not in_force:
            first = self.versions[0].effective_from.isoformat()
            raise NoVersionInForce(
                "rulebook", "", f"no rules version in force on {event_date} (first: {first})"
            )
        return in_force[-1]

    def current(self, today: date) -> RulesVersion:
        """The version in force on `today`."""
        return self.version_for(today)

    def version(self, version_id: str) -> RulesVersion:
        """The version named `version_id`, e.g. to re-explain a past decision."""
        for v in self.versions:
            if v.version == version_id:
                return v
        raise NoVersionInForce("rulebook", "", f"no rules version named {version_id!r}")

    @property
    def latest(self) -> RulesVersion:
        """The version with the latest effective_from."""
        return self.versions[-1]

    @property
    def item_codes(self) -> frozenset[str]:
        """Every item code of every version."""
        return frozenset(code for v in self.versions for code in v.items)
