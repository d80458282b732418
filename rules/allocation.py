"""Payout allocation (REWARDS.md §3, strategy "fill"): which budget year pays each award.

每年每项奖励原则不超过5项，超过的次年兑现；按照年度预算安排兑现和拨付 (八、优化产业发展环境（五）).
For each budgeted year in order, walk the queue of unpaid awards approved by the end of that year
in (approved_at, id) order; pay an award when its item still has a quota place (unless exempt) and
its whole amount fits in what is left of the year's budget.

The walk is not done award by award: each item's queue (and one queue of quota-exempt awards) is
a wide min-tree over amounts, so "the next award of this queue that fits" costs O(log n) (a few
C-level scans of at most _FANOUT entries), and a year costs O(payments × queues × log n) instead
of O(n). After the one sort, the whole is O(n log n). The tests check it against the plain walk.
"""

from bisect import bisect_left
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from decimal import Decimal, localcontext
from itertools import compress, count, islice
from operator import attrgetter, eq
from typing import Any
from zoneinfo import ZoneInfo

from rules.errors import ErrorDetail, InvalidValue, RulesInputError
from rules.loader import load_rulebook
from rules.messages import (
    BOOL_MALFORMED,
    DATETIME_MALFORMED,
    DATETIME_NAIVE,
    DUPLICATE_ID,
    INTEGER_MALFORMED,
    NOT_A_DECIMAL,
    NOT_AN_AWARD,
    NOT_AN_OBJECT,
    PAID_BEFORE_APPROVAL,
    TEXT_MALFORMED,
    UNKNOWN_STRATEGY,
    YEAR_MALFORMED,
)
from rules.model import ALLOCATION_STRATEGIES
from rules.quote import today_in_shanghai
from rules.values import (
    CENT,
    WIDE,
    ZERO,
    check_money,
    format_money,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
MIN_YEAR, MAX_YEAR = 1000, 9998  # MAX_YEAR + 1 must still be a datetime year
_APPROVED_AT = attrgetter("approved_at")
_ID = attrgetter("id")
_AMOUNT = attrgetter("amount")
_PAID_YEAR = attrgetter("paid_year")
_TZINFO = attrgetter("tzinfo")
_FANOUT = 64
_INF = Decimal("Infinity")
# A sanity bound far above any budget, so that sums stay exact in the WIDE context.
_NO_MAX = Decimal("1E+30")


@dataclass(frozen=True, slots=True)
class AwardInput:
    """An approved award: payable amount, approval instant, quota exemption, paid year if paid."""

    id: str
    item: str
    amount: Decimal
    approved_at: datetime
    quota_exempt: bool = False
    paid_year: int | None = None


@dataclass(frozen=True)
class YearSummary:
    """One year of a plan; `counts` includes quota-exempt awards, `quota_used` does not."""

    budget: Decimal
    paid: Decimal
    remaining: Decimal
    counts: Mapping[str, int]
    quota_used: Mapping[str, int] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """{"budget", "paid", "remaining", "counts"} with money as "0.00" strings."""
        return {
            "budget": format_money(self.budget),
            "paid": format_money(self.paid),
            "remaining": format_money(self.remaining),
            "counts": dict(self.counts),
        }


@dataclass(frozen=True)
class Plan:
    """Award id → budget year that pays it (None: still queued), and each year's summary."""

    awards: Mapping[str, int | None]
    years: Mapping[int, YearSummary]

    @property
    def queued(self) -> list[str]:
        """Ids of the awards no budgeted year could pay, in queue order."""
        return [award_id for award_id, year in self.awards.items() if year is None]

    def to_dict(self) -> dict[str, Any]:
        """The simulate_payouts output of REWARDS.md §4."""
        return {
            "awards": dict(self.awards),
            "years": {str(year): summary.to_dict() for year, summary in self.years.items()},
        }


def allocate(
    budgets: Mapping[int, Decimal],
    awards: Iterable[AwardInput],
    *,
    strategy: str | None = None,
    quota_per_item: int | None = None,
) -> Plan:
    """Place every award in a budget year; strategy and quota default to today's version's."""
    records = list(awards)
    if strategy is None or quota_per_item is None:
        in_force = load_rulebook().current(today_in_shanghai())
        strategy = in_force.allocation_strategy if strategy is None else strategy
        quota_per_item = (
            in_force.quota_per_item_per_year if quota_per_item is None else quota_per_item
        )
    errors: dict[str, list[ErrorDetail]] = {}
    if strategy not in ALLOCATION_STRATEGIES:
        errors["strategy"] = [unknown_strategy(strategy)]
    if type(quota_per_item) is not int or quota_per_item < 0:
        errors["quota_per_item"] = [ErrorDetail(INTEGER_MALFORMED)]
    year_budgets = _check_budgets(budgets, errors)
    _check_awards(records, errors)
    if not errors:
        _check_paid_years(records, errors)
    if errors:
        raise RulesInputError(errors)
    with localcontext(WIDE):
        return _fill(year_budgets, records, quota_per_item)


# --- validation -------------------------------------------------------------------------------


def unknown_strategy(strategy: object) -> ErrorDetail:
    return ErrorDetail(UNKNOWN_STRATEGY, {"strategy": strategy, "choices": ALLOCATION_STRATEGIES})


def _check_budgets(budgets: object, errors: dict[str, list[ErrorDetail]]) -> dict[int, Decimal]:
    if not isinstance(budgets, Mapping):
        errors["budgets"] = [ErrorDetail(NOT_AN_OBJECT)]
        return {}
    result = {}
    for year, amount in budgets.items():
        path = f"budgets.{year}"
        if type(year) is not int or not MIN_YEAR <= year <= MAX_YEAR:
            errors[path] = [ErrorDetail(YEAR_MALFORMED)]
            continue
        if not isinstance(amount, Decimal):
            errors[path] = [ErrorDetail(NOT_A_DECIMAL)]
            continue
        try:
            result[year] = check_money(amount, money_max=_NO_MAX)
        except InvalidValue as exc:
            errors[path] = [exc.detail]
    return result


def _check_awards(records: list[AwardInput], errors: dict[str, list[ErrorDetail]]) -> None:
    """Validate every award: a quick pass at C speed, the detailed pass only if it fails."""
    if _all_fine(records):
        return
    seen: set[str] = set()
    for i, a in enumerate(records):
        path = f"awards[{i}]"
        if not isinstance(a, AwardInput):
            errors[path] = [ErrorDetail(NOT_AN_AWARD)]
            continue
        if not isinstance(a.id, str) or not a.id:
            errors[f"{path}.id"] = [ErrorDetail(TEXT_MALFORMED)]
        elif a.id in seen:
            errors[f"{path}.id"] = [ErrorDetail(DUPLICATE_ID, {"id": a.id})]
        else:
            seen.add(a.id)
        if not isinstance(a.item, str) or not a.item:
            errors[f"{path}.item"] = [ErrorDetail(TEXT_MALFORMED)]
        if not isinstance(a.amount, Decimal):
            errors[f"{path}.amount"] = [ErrorDetail(NOT_A_DECIMAL)]
        else:
            try:
                check_money(a.amount, money_max=_NO_MAX)
            except InvalidValue as exc:
                errors[f"{path}.amount"] = [exc.detail]
        if not isinstance(a.approved_at, datetime):
            errors[f"{path}.approved_at"] = [ErrorDetail(DATETIME_MALFORMED)]
        elif a.approved_at.utcoffset() is None:
            errors[f"{path}.approved_at"] = [ErrorDetail(DATETIME_NAIVE)]
        if not isinstance(a.quota_exempt, bool):
            errors[f"{path}.quota_exempt"] = [ErrorDetail(BOOL_MALFORMED)]
        if a.paid_year is not None and (
            type(a.paid_year) is not int or not MIN_YEAR <= a.paid_year <= MAX_YEAR
        ):
            errors[f"{path}.paid_year"] = [ErrorDetail(YEAR_MALFORMED)]


def _check_paid_years(records: list[AwardInput], errors: dict[str, list[ErrorDetail]]) -> None:
    """An award is never paid before its approval year (Beijing time), nor re-planned to be."""
    for i, a in enumerate(records):
        if a.paid_year is None:
            continue
        approved_year = a.approved_at.astimezone(SHANGHAI).year
        if a.paid_year < approved_year:
            errors[f"awards[{i}].paid_year"] = [
                ErrorDetail(
                    PAID_BEFORE_APPROVAL,
                    {"paid_year": a.paid_year, "approved_year": approved_year},
                )
            ]


def _all_fine(records: list[AwardInput]) -> bool:
    """Whether every award is valid, in one pass over the records (they are scattered in memory)."""
    try:
        # A list, not a generator, in all(): faster when everything passes, the expected case.
        fine = all(
            [  # noqa: C419
                type(a) is AwardInput
                and type(a.id) is str
                and a.id != ""
                and type(a.item) is str
                and a.item != ""
                and type(a.amount) is Decimal
                and a.amount.same_quantum(CENT)  # exactly 2 places; other forms: detailed pass
                and a.amount >= ZERO
                and type(a.approved_at) is datetime
                and (a.quota_exempt is False or a.quota_exempt is True)
                and (a.paid_year is None or type(a.paid_year) is int)
                for a in records
            ]
        )
    except Exception:  # an odd value: let the detailed pass name it
        return False
    if not fine:
        return False
    # utcoffset() per award is slow; tzinfo objects are few, and these kinds always give one.
    zones = set(map(_TZINFO, map(_APPROVED_AT, records)))
    years = set(map(_PAID_YEAR, records))
    years.discard(None)
    return (
        all(type(zone) in (timezone, ZoneInfo) for zone in zones)
        and all(MIN_YEAR <= year <= MAX_YEAR for year in years)
        and len(set(map(_ID, records))) == len(records)
    )


# --- the "fill" strategy ----------------------------------------------------------------------


class _Queue:
    """One item's pending awards in queue order (or all quota-exempt ones), searchable by amount.

    `levels[0]` holds the amounts (∞ once paid); each level above holds the minimum of each run
    of _FANOUT entries below, so a search scans at most _FANOUT entries per level, in C.
    """

    __slots__ = ("hi", "item", "levels", "positions")

    def __init__(self, item: str | None, positions: list[int], amounts: list[Decimal]) -> None:
        self.item = item
        self.positions = positions
        self.hi = 0
        level = amounts
        self.levels = [level]
        while len(level) > 1:
            level = [min(level[i : i + _FANOUT]) for i in range(0, len(level), _FANOUT)]
            self.levels.append(level)

    def first_fit(self, lo: int, hi: int, limit: Decimal) -> int:
        """The first index in [lo, hi) whose amount is at most `limit`, or -1."""
        if lo >= hi:
            return -1
        levels = self.levels
        fits = limit.__ge__
        depth, start = 0, lo
        while depth < len(levels):
            level = levels[depth]
            end = min((start // _FANOUT + 1) * _FANOUT, len(level))
            found = next(compress(range(start, end), map(fits, level[start:end])), -1)
            if found >= 0:
                while depth:  # down to the first fitting leaf under the node found
                    depth -= 1
                    first = found * _FANOUT
                    below = levels[depth][first : first + _FANOUT]
                    found = next(compress(count(first), map(fits, below)))
                return found if found < hi else -1
            # Nothing fits in the rest of this node: go on with the next node one level up.
            start = start // _FANOUT + 1
            depth += 1
        return -1

    def amount(self, index: int) -> Decimal:
        return self.levels[0][index]

    def remove(self, index: int) -> None:
        levels = self.levels
        levels[0][index] = _INF
        for depth in range(1, len(levels)):
            index //= _FANOUT
            first = index * _FANOUT
            levels[depth][index] = min(levels[depth - 1][first : first + _FANOUT])


def _year_start(year: int) -> datetime:
    return datetime(year, 1, 1, tzinfo=SHANGHAI)


def _fill(budgets: dict[int, Decimal], records: list[AwardInput], quota: int) -> Plan:
    order = _queue_order(records)
    placed: dict[str, int | None] = dict.fromkeys(list(map(_ID, order)))
    paid_sum: dict[int, Decimal] = defaultdict(lambda: ZERO)
    counts: dict[int, Counter[str]] = defaultdict(Counter)
    quota_used: dict[int, Counter[str]] = defaultdict(Counter)
    # Paid awards are history: fixed in their year, taking budget and (unless exempt) quota.
    for a in [a for a in order if a.paid_year is not None]:
        year = a.paid_year
        assert year is not None
        placed[a.id] = year
        paid_sum[year] += a.amount
        counts[year][a.item] += 1
        if not a.quota_exempt:
            quota_used[year][a.item] += 1

    years = sorted(budgets)
    pending = [a for a in order if a.paid_year is None]
    if years:
        # Awards approved after the last budgeted year can only stay queued.
        del pending[bisect_left(pending, _year_start(years[-1] + 1), key=_APPROVED_AT) :]
    queues = _queues(pending)

    for year in years:
        remaining = budgets[year] - paid_sum[year]
        used = quota_used[year]
        reachable = bisect_left(pending, _year_start(year + 1), key=_APPROVED_AT)
        # (queue position, index in its queue, queue) of each queue's first award that fits
        active = []
        for q in queues:
            if q.item is not None and used[q.item] >= quota:
                continue
            q.hi = bisect_left(q.positions, reachable)
            index = q.first_fit(0, q.hi, remaining)
            if index >= 0:
                active.append((q.positions[index], index, q))
        while active:
            best = min(active)  # positions are unique, so the queue itself is never compared
            _, index, queue = best
            a = pending[best[0]]
            placed[a.id] = year
            remaining -= a.amount
            paid_sum[year] += a.amount
            counts[year][a.item] += 1
            queue.remove(index)
            if queue.item is not None:
                used[queue.item] += 1
            still = []
            for entry in active:
                _, i, q = entry
                if q is queue:
                    if q.item is not None and used[q.item] >= quota:
                        continue
                    i = q.first_fit(index + 1, q.hi, remaining)
                elif q.amount(i) > remaining:
                    # Earlier awards of q did not fit a larger remainder: search on from i.
                    i = q.first_fit(i + 1, q.hi, remaining)
                else:
                    still.append(entry)
                    continue
                if i >= 0:
                    still.append((q.positions[i], i, q))
            active = still

    summaries = {}
    for year in sorted(set(years) | set(paid_sum)):
        budget = budgets.get(year, ZERO)
        summaries[year] = YearSummary(
            budget=budget.quantize(CENT),
            paid=paid_sum[year].quantize(CENT),
            remaining=(budget - paid_sum[year]).quantize(CENT),
            counts=dict(sorted(counts[year].items())),
            quota_used=dict(sorted(quota_used[year].items())),
        )
    return Plan(awards=placed, years=summaries)


def _queue_order(records: list[AwardInput]) -> list[AwardInput]:
    """Records by (approved_at, id).

    Sorting on approved_at alone is about twice as fast as on the tuple (a tuple comparison
    compares its datetimes twice); then each run of equal instants is put in id order.
    """
    order = sorted(records, key=_APPROVED_AT)
    instants = list(map(_APPROVED_AT, order))
    ties = list(compress(count(), map(eq, instants, islice(instants, 1, None))))
    i = 0
    while i < len(ties):
        start = end = ties[i]
        while i < len(ties) and ties[i] == end:  # ties[i] == k: order[k] ties order[k + 1]
            end += 1
            i += 1
        order[start : end + 1] = sorted(order[start : end + 1], key=_ID)
    return order


def _queues(pending: list[AwardInput]) -> list[_Queue]:
    """One queue per item for awards that need a quota place, one for the quota-exempt ones."""
    amounts = list(map(_AMOUNT, pending))
    positions: dict[str | None, list[int]] = {}
    for i, a in enumerate(pending):
        key = None if a.quota_exempt else a.item
        group = positions.get(key)
        if group is None:
            positions[key] = [i]
        else:
            group.append(i)
    return [
        _Queue(key, group, list(map(amounts.__getitem__, group)))
        for key, group in sorted(positions.items(), key=lambda kv: (kv[0] is None, kv[0] or ""))
    ]
