"""The impact of a candidate rules version: every case not yet paid priced under the base rules
and under the candidate with the same facts, the totals, and the payout plan under both.

Bulk: the cases, the awards that count as prior grants (从优、就高、不重复) and the first-time
grants are read in three queries whatever the number of cases; pricing is in memory.
"""

import gc
import json
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any, NamedTuple

from django.db.models import TextField
from django.db.models.functions import Cast, ExtractYear
from django.utils import timezone

from applicants import policy
from applicants.models import CITY_PROGRAMME, Application, Status, reference_of_year
from applicants.workflow import GRANTED_STATES
from awards.models import Award
from awards.payouts.planning import plan_previews
from awards.selectors import DEDUCTIBLE_STATES
from rules import Quote, RuleBook, RulesInputError, RulesVersion, quote
from rules.facts import pricing_version
from rules.impact import first_divergence, parameter_changes, prices_alike
from rules.loader import load_rulebook

ZERO = Decimal("0.00")
# Not yet paid, and still to be decided or paid: what a revision may still change.
COMPARED_STATES = (
    Status.DRAFT,
    Status.SUBMITTED,
    Status.RECOMMENDED,
    Status.REVIEWED,
    Status.RETURNED,
    Status.APPROVED,
    Status.ANNOUNCED,
    Status.HELD,
    Status.CONFIRMED,
    Status.SCHEDULED,
)


class _Case(NamedTuple):
    """One case as read, in the order of `_CASE_COLUMNS` (a tuple: 100,000 of them are built
    from rows as they come)."""

    pk: int
    created_year: int | None  # in Beijing, for the case's reference
    item: str
    status: str
    jurisdiction: str
    enterprise_id: int
    project_key: str
    facts: str | None  # as stored, in JSON: one text and context is priced once, decoded once
    event_date: date | None
    applicant_type: str
    # The case's own award (first approved, id), if any: only earlier grants count as prior.
    award_approved_at: datetime | None
    award_id: int | None


@dataclass(frozen=True, slots=True)
class _Grant:
    application_id: int
    award_id: int
    item: str
    amount: Decimal
    first_approved_at: datetime


def _cases() -> list[_Case]:
    # The year of creation in Beijing, from the database: 100,000 instants to convert in Python
    # were a fifth of the read.
    created_year = ExtractYear("created_at", tzinfo=timezone.get_current_timezone())
    rows = (
        Application.objects.filter(programme=CITY_PROGRAMME, status__in=COMPARED_STATES)
        .order_by("pk")
        .values_list(
            "pk",
            created_year,
            "item",
            "status",
            "jurisdiction",
            "enterprise_id",
            "project_key",
            Cast("facts", TextField()),
            "event_date",
            "applicant_type",
            "award__first_approved_at",
            "award__pk",
        )
    )
    return list(map(_Case._make, rows))


def _grants() -> tuple[dict[tuple[int, str], list[_Grant]], dict[tuple[int, str], set[int]]]:
    """The city's awards that count as prior grants, by (enterprise, achievement); and the
    granted cases by (enterprise, item), for first-time items."""
    prior: dict[tuple[int, str], list[_Grant]] = defaultdict(list)
    granted: dict[tuple[int, str], set[int]] = defaultdict(set)
    rows = Award.objects.filter(
        application__programme=CITY_PROGRAMME, application__status__in=DEDUCTIBLE_STATES
    ).values_list(
        "application_id",
        "pk",
        "application__item",
        "application__enterprise_id",
        "application__project_key",
        "application__status",
        "amount",
        "first_approved_at",
    )
    for case, award, item, enterprise, key, status, amount, approved in rows:
        prior[(enterprise, key)].append(_Grant(case, award, item, amount, approved))
        if status in GRANTED_STATES:
            granted[(enterprise, item)].add(case)
    return prior, granted


class _Terms(NamedTuple):
    """How one case is priced on each side, the same for every case of its item and date."""

    kind: frozenset[str]  # the base's items of one kind (同类) with the case's item
    first_time: bool  # whether the base grants the item the first time only
    new_kind: frozenset[str]
    new_first_time: bool
    alike: bool  # the candidate prices the case as the base does: priced once for both
    removed: bool  # the candidate has no such item


class _Sides:
    """The terms of each case under the base (the version in force on its event date, or the
    given base) and the candidate, memoised by item and event date: a handful of items and a
    few hundred dates for any number of cases."""

    def __init__(
        self,
        base_book: RuleBook,
        base: RulesVersion | None,
        candidate: RulesVersion | None,
        today: date,
    ) -> None:
        self.base_book, self.base, self.candidate, self.today = base_book, base, candidate, today
        self.memo: dict[tuple[str, date | None], _Terms] = {}

    def __call__(self, case: _Case) -> _Terms:
        key = (case.item, case.event_date)
        terms = self.memo.get(key)
        if terms is None:
            terms = self.memo[key] = self._terms(case)
        return terms

    def _terms(self, case: _Case) -> _Terms:
        item = case.item
        version = _version_of(self.base_book, case, self.today)
        # As awards.selectors.award_facts_for reads them when no base is named.
        kind = (
            self.base.same_kind(item)
            if self.base is not None
            else policy.same_kind_items(item, case.event_date)
        )
        rule = version.items.get(item)
        first_time = rule is not None and rule.first_time
        candidate = self.candidate
        if candidate is None:
            return _Terms(kind, first_time, kind, first_time, True, False)
        new_rule = candidate.items.get(item)
        new_kind = candidate.same_kind(item)
        return _Terms(
            kind,
            first_time,
            new_kind,
            new_rule is not None and new_rule.first_time,
            alike=prices_alike(version, candidate, item) and version.same_kind(item) == new_kind,
            removed=new_rule is None,
        )


def _version_of(book: RuleBook, case: _Case, today: date) -> RulesVersion:
    event = case.event_date.isoformat() if case.event_date else None
    return pricing_version(book, {"event_date": event}, today)


def _prior_total(
    case: _Case, same_kind: frozenset[str], prior: dict[tuple[int, str], list[_Grant]]
) -> Decimal | None:
    """What the same achievement already received from earlier grants of items of one kind
    (`same_kind`: the pricing version's group of the case's item); None for nothing."""
    total = ZERO
    for grant in prior.get((case.enterprise_id, case.project_key), ()):
        if grant.application_id == case.pk or grant.item not in same_kind:
            continue
        if case.award_id is not None and (grant.first_approved_at, grant.award_id) >= (
            case.award_approved_at,
            case.award_id,
        ):
            continue
        total += grant.amount
    return total or None


def _granted_before(
    case: _Case, first_time_item: bool, granted: dict[tuple[int, str], set[int]]
) -> bool:
    """Whether the enterprise was granted the item before, for an item granted the first time
    only under the pricing version (`first_time_item`)."""
    return first_time_item and bool(granted.get((case.enterprise_id, case.item), set()) - {case.pk})


def _facts(case: _Case, prior_total: Decimal | None, granted_before: bool) -> dict[str, object]:
    """As awards.selectors.award_facts_for, from what was read in bulk."""
    facts: dict[str, object] = dict(json.loads(case.facts) or ()) if case.facts else {}
    facts["event_date"] = case.event_date.isoformat() if case.event_date else None
    facts["applicant_type"] = case.applicant_type
    facts["jurisdiction"] = case.jurisdiction
    if prior_total is not None:
        try:
            declared = Decimal(str(facts.get("prior_awards_same_project") or "0"))
        except ArithmeticError:
            declared = ZERO
        if prior_total > declared:
            facts["prior_awards_same_project"] = f"{prior_total:.2f}"
    if granted_before:
        facts["first_time"] = "false"
    if None in facts.values():
        return {k: v for k, v in facts.items() if v is not None}
    return facts


@dataclass(frozen=True, slots=True)
class Priced:
    eligible: bool
    amount: Decimal
    quote: Quote | None  # None: the rules cannot price the case (an item removed, bad facts)
    problem: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"eligible": self.eligible, "amount": f"{self.amount:.2f}"}


# A case of an item the candidate removes: nothing to price it by.
_REMOVED = Priced(False, ZERO, None, "item")


def _price(case: _Case, facts: dict[str, object], book: RuleBook, today: date) -> Priced:
    try:
        result = quote(case.item, facts, today=today, rulebook=book)
    except RulesInputError as invalid:
        fields = ", ".join(sorted(invalid.details))
        return Priced(False, ZERO, None, fields)
    return Priced(result.eligible, result.amount, result)


class _Pricer:
    """Prices cases under one rulebook. The rules are a pure function of the facts, which are
    the stored text and what the database adds (event date, applicant type, jurisdiction, prior
    grants): cases alike in all of them are priced once and their text decoded once (many
    cases of a fixed-amount item share every fact)."""

    def __init__(self, book: RuleBook, today: date) -> None:
        self.book, self.today = book, today
        self.memo: dict[tuple, Priced] = {}

    def __call__(self, case: _Case, prior_total: Decimal | None, granted_before: bool) -> Priced:
        key = (
            case.item,
            case.facts,
            case.event_date,
            case.applicant_type,
            case.jurisdiction,
            prior_total,
            granted_before,
        )
        priced = self.memo.get(key)
        if priced is None:
            facts = _facts(case, prior_total, granted_before)
            priced = self.memo[key] = _price(case, facts, self.book, self.today)
        return priced


def _step(old: Priced, new: Priced, case: _Case, candidate: RulesVersion) -> tuple[str, str]:
    if old.quote is not None and new.quote is not None:
        divergence = first_divergence(old.quote.trace, new.quote.trace)
        if divergence is not None:
            return divergence.step, divergence.clause
        return "payable", candidate.items[case.item].clause
    if new.quote is None and case.item not in candidate.items:
        rule = policy.item_rule(case.item)
        return "item", rule.clause if rule else ""
    return new.problem or old.problem or "facts", ""


def _totals_row() -> dict[str, Any]:
    return {
        "cases": 0,
        "changed": 0,
        "old_amount": ZERO,
        "new_amount": ZERO,
        "newly_eligible": 0,
        "no_longer_eligible": 0,
    }


def _add(row: dict[str, Any], old: Priced, new: Priced, changed: bool) -> None:
    row["cases"] += 1
    row["changed"] += int(changed)
    row["old_amount"] += old.amount
    row["new_amount"] += new.amount
    row["newly_eligible"] += int(new.eligible and not old.eligible)
    row["no_longer_eligible"] += int(old.eligible and not new.eligible)


def _merge(row: dict[str, Any], cell: dict[str, Any]) -> None:
    for key, value in cell.items():
        row[key] += value


def _finished(rows: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {
        key: {
            **row,
            "old_amount": f"{row['old_amount']:.2f}",
            "new_amount": f"{row['new_amount']:.2f}",
            "difference": f"{row['new_amount'] - row['old_amount']:.2f}",
        }
        for key, row in sorted(rows.items())
    }


def _plan_years(result: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        str(y["year"]): {k: y[k] for k in ("budget", "planned", "paid", "remaining")}
        for y in result["years"]
    }


def _plan(new_amounts: dict[int, Decimal]) -> tuple[dict[str, Any], dict[str, Any]]:
    base, candidate = plan_previews(CITY_PROGRAMME, new_amounts)
    base_year = base.years_of
    moved = [
        {"case": case, "from": base_year.get(case), "to": year}
        for case, year in sorted(candidate.years_of.items())
        if base_year.get(case) != year
    ]
    plan = {"base": _plan_years(base.result), "candidate": _plan_years(candidate.result)}
    queued = {"base": base.result["queued"], "candidate": candidate.result["queued"]}
    for side in queued.values():
        side.pop("head", None)
    return plan, {"moved": moved, "queued": queued}


@contextmanager
def _without_collector_pauses() -> Iterator[None]:
    """Hundreds of thousands of small objects, none in a cycle: the cyclic collector would
    rescan them all again and again (half the run at 100,000 cases) and free nothing."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def rules_impact(
    candidate: RulesVersion, *, base: RulesVersion | None = None, as_of: date
) -> dict[str, Any]:
    """The comparison as one JSON-ready object (the command's output, the page's report).

    `base` None: each case is priced as today, by the version in force on its event date;
    otherwise `base` judges every case. The candidate judges every case, as if in force on its
    event date.
    """
    with _without_collector_pauses():
        return _rules_impact(candidate, base, as_of)


def _rules_impact(
    candidate: RulesVersion, base: RulesVersion | None, as_of: date
) -> dict[str, Any]:
    base_book = RuleBook(versions=(base,)) if base is not None else load_rulebook()
    candidate_book = RuleBook(versions=(candidate,))
    reference_version = base if base is not None else base_book.current(as_of)
    prior, granted = _grants()
    cases = _cases()
    changed: list[dict[str, Any]] = []
    # Totals per (item, jurisdiction), summed into each grouping once all cases are priced.
    cells: dict[tuple[str, str], dict[str, Any]] = defaultdict(_totals_row)
    new_amounts: dict[int, Decimal] = {}
    sides = _Sides(base_book, base, candidate, as_of)
    old_price, new_price = _Pricer(base_book, as_of), _Pricer(candidate_book, as_of)
    for case in cases:
        terms = sides(case)
        total = _prior_total(case, terms.kind, prior)
        granted_before = _granted_before(case, terms.first_time, granted)
        old = old_price(case, total, granted_before)
        if terms.alike:
            new = old
        elif terms.removed:
            new = _REMOVED
        else:
            if (terms.new_kind, terms.new_first_time) != (terms.kind, terms.first_time):
                total = _prior_total(case, terms.new_kind, prior)
                granted_before = _granted_before(case, terms.new_first_time, granted)
            new = new_price(case, total, granted_before)
        differs = (old.eligible, old.amount) != (new.eligible, new.amount)
        _add(cells[(case.item, case.jurisdiction)], old, new, differs)
        if case.award_id is not None and new.amount != old.amount:
            new_amounts[case.pk] = new.amount
        if differs:
            step, clause = _step(old, new, case, candidate)
            changed.append(
                {
                    "case": reference_of_year(case.pk, case.created_year),
                    "id": case.pk,
                    "item": case.item,
                    "status": case.status,
                    "jurisdiction": case.jurisdiction,
                    "old": old.to_dict(),
                    "new": new.to_dict(),
                    "step": step,
                    "clause": clause,
                }
            )
    by: dict[str, dict[str, dict[str, Any]]] = {
        "item": defaultdict(_totals_row),
        "jurisdiction": defaultdict(_totals_row),
        "programme": defaultdict(_totals_row),
    }
    overall = _totals_row()
    for (item, place), cell in cells.items():
        for row in (by["item"][item], by["jurisdiction"][place], by["programme"][CITY_PROGRAMME]):
            _merge(row, cell)
        _merge(overall, cell)
    plan, plan_changes = _plan(new_amounts)
    return {
        "base": base.version if base is not None else reference_version.version,
        "candidate": candidate.version,
        "as_of": as_of.isoformat(),
        "parameters": [c.to_dict() for c in parameter_changes(reference_version, candidate)],
        "cases": changed,
        "totals": {
            "all": _finished({"all": overall})["all"],
            **{key: _finished(rows) for key, rows in by.items()},
        },
        "plan": plan,
        "plan_changes": plan_changes,
    }
