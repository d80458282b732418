"""County matching programmes (县区同步奖励) as data, and their strict loader.

县区可参照本意见执行，对获取荣誉奖项和试点任务的申报单位同步奖励 (八、优化产业发展环境（五）):
a county may match the city's awards with its own money. One TOML file is one dated version of
one county's programme; it names the city items it matches and, per item, either a ratio of the
city award or the county's own amounts. The loader is as strict as the city's (rules.loader):
unknown, missing or mistyped keys are errors naming the file and the key path.
"""

import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from types import MappingProxyType
from typing import Any

from rules.errors import NoVersionInForce, RulesDataError
from rules.loader import _toml_error, load_rulebook
from rules.messages import DEFAULT_LANG, VERSION_LABEL
from rules.model import ItemRule, RuleBook, RulesVersion
from rules.reader import _RATE_RE, VersionReader, _join, _kind

# The county-level divisions that may run a programme: functional zones have no budget here.
PROGRAMME_KINDS = ("district", "county")

_REQUIRED_KEYS = {
    "programme",
    "version",
    "title",
    "title_en",
    "funding_body",
    "funding_body_en",
    "issuer",
    "issuer_en",
    "clause",
    "effective_from",
    "items",
}
_OPTIONAL_KEYS = {"example", "effective_until", "quota_per_item_per_year"}
# The county's own amounts take the shape of the city item's family.
_OWN_KEYS = {
    "fixed": frozenset({"amount"}),
    "fixed_by_level": frozenset({"amounts"}),
    "percentage": frozenset({"rate", "cap"}),
}
_ALL_OWN_KEYS = frozenset().union(*_OWN_KEYS.values())


@dataclass(frozen=True)
class MatchRule:
    """How a programme matches one city item: a ratio of the city award, or its own amounts.

    Exactly one form is set: `ratio`; or `amount` (a fixed item); or `amounts` per level (a
    by-level item); or `rate` and `cap` (a percentage item).
    """

    item: str
    ratio: Decimal | None = None
    amount: Decimal | None = None
    amounts: Mapping[str, Decimal] = field(default_factory=dict)
    rate: Decimal | None = None
    cap: Decimal | None = None

    @property
    def by_ratio(self) -> bool:
        """Whether the match is a share of the city award (else the county's own amounts)."""
        return self.ratio is not None


@dataclass(frozen=True)
class ProgrammeVersion:
    """One dated version of one county's programme, loaded from one TOML file."""

    programme: str
    version: str
    title: str
    title_en: str
    example: bool
    funding_body: str
    funding_body_en: str
    issuer: str
    issuer_en: str
    clause: str
    effective_from: date
    effective_until: date | None
    quota_per_item_per_year: int
    # The city's rounding (the city version in force on effective_from).
    rounding: str
    items: Mapping[str, MatchRule]
    source: str = ""

    def label(self, lang: str = DEFAULT_LANG) -> str:
        """The version as people name it, e.g. "罗山县数据产业同步奖励（示例） · 2025-01-01起"."""
        title = self.title_en if lang == "en" else self.title
        return VERSION_LABEL.render(lang, title=title, effective_from=self.effective_from)

    def funding_body_name(self, lang: str = DEFAULT_LANG) -> str:
        """Who pays the programme's awards, e.g. 罗山县财政局."""
        return self.funding_body_en if lang == "en" else self.funding_body

    def issuer_name(self, lang: str = DEFAULT_LANG) -> str:
        """Who approves the programme's awards (heads the county's 审批表)."""
        return self.issuer_en if lang == "en" else self.issuer

    def in_force_on(self, day: date) -> bool:
        """Whether `day` falls within effective_from … effective_until (inclusive)."""
        if day < self.effective_from:
            return False
        return self.effective_until is None or day <= self.effective_until


@dataclass(frozen=True)
class Programme:
    """A county's programme: its versions, sorted by effective_from."""

    code: str
    versions: tuple[ProgrammeVersion, ...]

    def version_for(self, event_date: date) -> ProgrammeVersion | None:
        """The version that answers a case of `event_date`, or None.

        The latest version started on that date answers it, unless its effective_until is
        before it: a later version supersedes an earlier one, so a programme ended by its last
        version does not fall back to an older, open-ended one.
        """
        started = [v for v in self.versions if v.effective_from <= event_date]
        if not started or not started[-1].in_force_on(event_date):
            return None
        return started[-1]

    def current(self, today: date) -> ProgrammeVersion | None:
        """The version in force on `today`, or None."""
        return self.version_for(today)

    def version_to_judge(self, event_date: date) -> ProgrammeVersion:
        """The version that explains a refusal when none is in force: the latest started, else
        the first."""
        started = [v for v in self.versions if v.effective_from <= event_date]
        return started[-1] if started else self.versions[0]


@dataclass(frozen=True)
class ProgrammeBook:
    """Every county programme the portal runs, by county code (the city's is not here)."""

    programmes: Mapping[str, Programme] = field(default_factory=dict)

    def get(self, code: str) -> Programme | None:
        """The programme of the county `code`, or None."""
        return self.programmes.get(code)

    @property
    def codes(self) -> tuple[str, ...]:
        """The county codes that run a programme, sorted."""
        return tuple(sorted(self.programmes))

    def matching_for(
        self, jurisdiction: str, item: str, event_date: date
    ) -> ProgrammeVersion | None:
        """The version of `jurisdiction`'s programme that matches `item` for a case of that date."""
        programme = self.get(jurisdiction)
        version = programme.version_for(event_date) if programme else None
        if version is None or item not in version.items:
            return None
        return version


def load_programmes(paths: Iterable[Path | str], rulebook: RuleBook | None = None) -> ProgrammeBook:
    """Every programme version in `paths`, strictly validated against the city's rules.

    Two versions with one version id, or two versions of one programme starting on the same day,
    are refused. No paths: an empty book (only the city's programme runs).
    """
    book = rulebook if rulebook is not None else load_rulebook()
    versions = sorted(
        (load_programme_version(Path(p), book) for p in paths),
        key=lambda v: (v.programme, v.effective_from),
    )
    seen_ids: dict[str, str] = {}
    seen_dates: dict[tuple[str, date], str] = {}
    by_code: dict[str, list[ProgrammeVersion]] = {}
    for v in versions:
        if v.version in seen_ids:
            raise RulesDataError(
                v.source, "version", f"{v.version!r} is also in {seen_ids[v.version]}"
            )
        if (v.programme, v.effective_from) in seen_dates:
            other = seen_dates[(v.programme, v.effective_from)]
            raise RulesDataError(
                v.source,
                "effective_from",
                f"{v.effective_from} is also the effective_from of {other} "
                f"(programme {v.programme!r})",
            )
        seen_ids[v.version] = v.source
        seen_dates[(v.programme, v.effective_from)] = v.source
        by_code.setdefault(v.programme, []).append(v)
    return ProgrammeBook(
        MappingProxyType({code: Programme(code, tuple(vs)) for code, vs in sorted(by_code.items())})
    )


def load_programme_version(path: Path, rulebook: RuleBook | None = None) -> ProgrammeVersion:
    """One programme version file, strictly validated against the city's rules."""
    source = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise RulesDataError(source, "", f"cannot read: {exc}") from exc
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise _toml_error(source, text, exc) from exc
    book = rulebook if rulebook is not None else load_rulebook()
    return _ProgrammeReader(source).programme_version(data, book)


class _ProgrammeReader(VersionReader):
    """Reads one programme file with the city loader's helpers and error style."""

    def programme_version(self, data: dict[str, Any], book: RuleBook) -> ProgrammeVersion:
        self.table(data, "", _REQUIRED_KEYS, _OPTIONAL_KEYS)
        effective_from = self.date(data, "effective_from", "")
        effective_until = None
        if "effective_until" in data:
            effective_until = self.date(data, "effective_until", "")
            if effective_until < effective_from:
                self.fail("effective_until", f"{effective_until} is before effective_from")
        try:
            # The city version in force when the programme starts: its items, places and money.
            city = book.version_for(effective_from)
        except NoVersionInForce:
            self.fail("effective_from", f"no city rules version is in force on {effective_from}")
        programme = self.county(data, city)
        example = self.boolean(data, "example", "") if "example" in data else False
        quota = city.quota_per_item_per_year
        if "quota_per_item_per_year" in data:
            quota = self.integer(data, "quota_per_item_per_year", "")
        items_table = data["items"]
        if not isinstance(items_table, dict) or not items_table:
            self.fail("items", "expected a non-empty table of items")
        items = {
            code: self.match_rule(code, raw, city) for code, raw in sorted(items_table.items())
        }
        return ProgrammeVersion(
            programme=programme,
            version=self.string(data, "version", ""),
            title=self.string(data, "title", ""),
            title_en=self.string(data, "title_en", ""),
            example=example,
            funding_body=self.string(data, "funding_body", ""),
            funding_body_en=self.string(data, "funding_body_en", ""),
            issuer=self.string(data, "issuer", ""),
            issuer_en=self.string(data, "issuer_en", ""),
            clause=self.string(data, "clause", ""),
            effective_from=effective_from,
            effective_until=effective_until,
            quota_per_item_per_year=quota,
            rounding=city.rounding,
            items=MappingProxyType(items),
            source=self.source,
        )

    def county(self, data: dict[str, Any], city: RulesVersion) -> str:
        """The programme's key: a Xinyang district or county code of the city rules."""
        code = self.string(data, "programme", "")
        place = next((j for j in city.jurisdictions if j.code == code), None)
        if place is None:
            self.fail(
                "programme",
                f"{code!r} is not a district or county of Xinyang (rules version {city.version})",
            )
        if place.kind not in PROGRAMME_KINDS:
            self.fail(
                "programme",
                f"{code!r} ({place.name_en}) is a functional zone, not a district or county of "
                f"Xinyang (rules version {city.version})",
            )
        return code

    def match_rule(self, code: str, raw: object, city: RulesVersion) -> MatchRule:
        path = f"items.{code}"
        rule = city.items.get(code)
        if rule is None:
            self.fail(path, f"unknown item {code!r} (rules version {city.version})")
        t = self.table(raw, path, set(), {"ratio"} | _ALL_OWN_KEYS)
        own = set(t) & _ALL_OWN_KEYS
        if "ratio" in t and own:
            self.fail(path, "give either ratio or the county's own amounts, not both")
        if "ratio" in t:
            return MatchRule(code, ratio=self.fraction(t, "ratio", path))
        if not own:
            self.fail(
                path,
                "give either ratio (a share of the city award) or the county's own amounts "
                f"({_own_shape(rule)})",
            )
        if own != _OWN_KEYS[rule.family]:
            self.fail(
                path,
                f"{code!r} is a {rule.family} item in the city rules (version {city.version}): "
                f"its own amounts are {_own_shape(rule)}, got {', '.join(sorted(own))}",
            )
        if rule.family == "fixed":
            return MatchRule(code, amount=self.amount(t, "amount", path, city))
        if rule.family == "fixed_by_level":
            assert rule.level_fact is not None
            levels = [c.code for c in rule.fact(rule.level_fact).choices]
            where = f"{path}.amounts"
            amounts_t = self.table(t["amounts"], where, set(levels))
            return MatchRule(
                code,
                amounts=MappingProxyType(
                    {lv: self.amount(amounts_t, lv, where, city) for lv in levels}
                ),
            )
        return MatchRule(
            code,
            rate=self.fraction(t, "rate", path),
            cap=self.amount(t, "cap", path, city),
        )

    def fraction(self, t: dict[str, Any], key: str, path: str) -> Decimal:
        """A decimal fraction string, 0 < value ≤ 1 (a ratio or a rate)."""
        text = t[key]
        if not isinstance(text, str) or not _RATE_RE.fullmatch(text):
            self.fail(
                _join(path, key),
                f'expected a decimal fraction string like "0.50", got {_kind(text)}',
            )
        value = Decimal(text)
        if not 0 < value <= 1:
            self.fail(_join(path, key), f"{text} must be greater than 0 and at most 1")
        return value

    def amount(self, t: dict[str, Any], key: str, path: str, city: RulesVersion) -> Decimal:
        """A positive money amount within the city's money_max."""
        value = self.money(t, key, path, positive=True)
        if value > city.money_max:
            self.fail(_join(path, key), f"is above money_max ({city.money_max})")
        return value


def _own_shape(rule: ItemRule) -> str:
    """What the county's own amounts look like for the city item's family."""
    if rule.family == "fixed":
        return "amount"
    if rule.family == "fixed_by_level":
        assert rule.level_fact is not None
        levels = ", ".join(c.code for c in rule.fact(rule.level_fact).choices)
        return f"[items.{rule.code}.amounts] with every level ({levels})"
    return "rate and cap"


__all__ = [
    "PROGRAMME_KINDS",
    "MatchRule",
    "Programme",
    "ProgrammeBook",
    "ProgrammeVersion",
    "load_programme_version",
    "load_programmes",
]
