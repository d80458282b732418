"""Planning a programme's payout years in bulk (兑付年度安排): one read, the rules' allocation,
one update per pay year, one audit entry per award moved — written in batches.

Per award the outcome is what the old one-transition-per-award plan gave: a confirmed award the plan
places is `scheduled` in its year, a scheduled one is moved to another year or back to `confirmed`
(queued) when no budget can pay it now; paid awards, and awards held in an open payment batch,
stay where they are and take their year's budget and quota. A second plan on the same state
changes nothing.
"""

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime
from decimal import Decimal

from django.db import connection, transaction
from django.utils import timezone

from applicants import programmes
from applicants.audit import AuditBatch, AuditEntry
from applicants.errors import ServiceError
from applicants.models import Application, Status
from awards.errors import ALLOCATION_INPUT_INVALID
from awards.models import Award, Budget, PaymentBatchItem
from awards.payouts.models import RunStage
from awards.selectors import PAYOUT_STATES
from awards.services.plan_state import plan_mark_current, plan_state_locked
from rules import AwardInput, RulesInputError, allocate

ZERO = Decimal("0.00")
# Rows per UPDATE … WHERE id IN (…): keeps each statement well inside every backend's limits.
WRITE_CHUNK = 5000
# The queue's head kept in a run's stored result; the counts and amounts cover the whole queue.
QUEUE_HEAD = 200

Progress = Callable[[str, int, int], None]


def _no_progress(stage: str, done: int, total: int) -> None:
    return None


@dataclass(frozen=True)
class _Row:
    application_id: int
    award_id: int
    status: str
    item: str
    enterprise_id: int
    amount: Decimal
    approved_at: datetime
    quota_exempt: bool
    pay_year: int | None
    pinned: bool  # paid, or held by an open payment batch: its year does not move


@dataclass(frozen=True)
class AwardChange:
    application_id: int
    award_id: int
    kind: str  # "planned" | "moved" | "queued"
    from_year: int | None
    to_year: int | None
    amount: Decimal


@dataclass
class PlanOutcome:
    """A plan: its result (years, queue), and what it changes against the stored plan."""

    result: dict
    changes: list[AwardChange] = field(default_factory=list)
    still_queued: list[int] = field(default_factory=list)
    # Case id → the year the plan pays it from (None: queued).
    years_of: dict[int, int | None] = field(default_factory=dict)
    first_event_id: int | None = None
    last_event_id: int | None = None

    def changes_summary(self) -> dict:
        summary: dict[str, dict] = {
            kind: {"count": 0, "amount": ZERO} for kind in ("planned", "moved", "queued")
        }
        for change in self.changes:
            summary[change.kind]["count"] += 1
            summary[change.kind]["amount"] += change.amount
        return {
            **{
                k: {"count": v["count"], "amount": f"{v['amount']:.2f}"} for k, v in summary.items()
            },
            "unchanged": self.result["awards"] - len(self.changes),
        }

    def ids(self, kind: str) -> list[int]:
        return [c.application_id for c in self.changes if c.kind == kind]


def _award_id(pk: int) -> str:
    # Zero-padded so that ties on approval time break by id as numbers, not as text.
    return f"{pk:012d}"


def _read(programme: str, *, lock: bool) -> list[_Row]:
    """Every award of the programme the plan concerns, with its case, in one query."""
    cases = Application.objects.filter(
        status__in=PAYOUT_STATES, programme=programme, award__isnull=False
    ).order_by("pk")
    if lock:
        # Case rows in id order (the order every writer keeps): two plans, or a plan and a
        # payment, queue up instead of planning on a state that is changing under them.
        cases = cases.select_for_update(of=("self",))
    held = set(
        PaymentBatchItem.objects.filter(
            holds_award=True, award__application__programme=programme
        ).values_list("award_id", flat=True)
    )
    rows = []
    for values in cases.values_list(
        "pk",
        "award__pk",
        "status",
        "item",
        "enterprise_id",
        "award__amount",
        "award__first_approved_at",
        "award__quota_exempt",
        "award__pay_year",
    ):
        pk, award_id, status, item, enterprise_id, amount, approved_at, exempt, year = values
        pinned = status == Status.PAID or (
            status == Status.SCHEDULED and award_id in held and year is not None
        )
        rows.append(
            _Row(
                pk, award_id, status, item, enterprise_id, amount, approved_at, exempt, year, pinned
            )
        )
    return rows


def _budgets(programme: str, *, lock: bool) -> dict[int, Decimal]:
    budgets = Budget.objects.filter(programme=programme).order_by("year")
    if lock:
        # Locked so that a budget changed meanwhile waits for this plan instead of slipping past.
        budgets = budgets.select_for_update()
    return {b.year: b.amount for b in budgets}


def _allocate(programme: str, rows: list[_Row], budgets: dict[int, Decimal]) -> PlanOutcome:
    quota = programmes.programme_quota(programme)
    inputs = [
        AwardInput(
            id=_award_id(r.award_id),
            item=r.item,
            amount=r.amount,
            approved_at=r.approved_at,
            quota_exempt=r.quota_exempt,
            paid_year=r.pay_year if r.pinned else None,
        )
        for r in rows
    ]
    try:
        plan = allocate(
            budgets,
            inputs,
            strategy=programmes.programme_strategy(programme),
            quota_per_item=quota,
        )
    except RulesInputError as exc:
        raise ServiceError(ALLOCATION_INPUT_INVALID % {"errors": exc.errors}) from exc

    changes: list[AwardChange] = []
    still_queued: list[int] = []
    year_of: dict[int, int | None] = {}
    for r in rows:
        year = plan.awards.get(_award_id(r.award_id))
        year_of[r.application_id] = year
        if r.pinned:
            continue
        if r.status == Status.CONFIRMED and year is not None:
            changes.append(
                AwardChange(r.application_id, r.award_id, "planned", None, year, r.amount)
            )
        elif r.status == Status.CONFIRMED:
            still_queued.append(r.application_id)
        elif year is None:
            changes.append(
                AwardChange(r.application_id, r.award_id, "queued", r.pay_year, None, r.amount)
            )
        elif year != r.pay_year:
            changes.append(
                AwardChange(r.application_id, r.award_id, "moved", r.pay_year, year, r.amount)
            )
    return PlanOutcome(
        result=_result(programme, rows, budgets, year_of, quota),
        changes=changes,
        still_queued=still_queued,
        years_of=year_of,
    )


def _result(
    programme: str,
    rows: list[_Row],
    budgets: dict[int, Decimal],
    year_of: dict[int, int | None],
    quota: int,
) -> dict:
    """Per year: budget, planned, paid, remaining, per item against the quota; then the queue."""
    planned: dict[int, Decimal] = defaultdict(lambda: ZERO)
    paid: dict[int, Decimal] = defaultdict(lambda: ZERO)
    items: dict[int, dict[str, dict[str, int]]] = defaultdict(
        lambda: defaultdict(lambda: {"count": 0, "quota_used": 0})
    )
    queue: list[_Row] = []
    for r in rows:
        year = year_of[r.application_id]
        if year is None:
            queue.append(r)
            continue
        if r.status == Status.PAID:
            paid[year] += r.amount
        else:
            planned[year] += r.amount
        counts = items[year][r.item]
        counts["count"] += 1
        if not r.quota_exempt:
            counts["quota_used"] += 1
    years = []
    for year in sorted(set(budgets) | set(planned) | set(paid)):
        budget = budgets.get(year)
        spent = planned[year] + paid[year]
        years.append(
            {
                "year": year,
                "budget": f"{budget:.2f}" if budget is not None else None,
                "planned": f"{planned[year]:.2f}",
                "paid": f"{paid[year]:.2f}",
                "remaining": f"{(budget or ZERO) - spent:.2f}",
                "items": {
                    item: {**counts, "quota": quota} for item, counts in sorted(items[year].items())
                },
            }
        )
    queue.sort(key=lambda r: (r.approved_at, r.award_id))
    by_item: dict[str, dict] = defaultdict(lambda: {"count": 0, "amount": ZERO})
    for r in queue:
        by_item[r.item]["count"] += 1
        by_item[r.item]["amount"] += r.amount
    return {
        "programme": programme,
        "awards": len(rows),
        "quota": quota,
        "years": years,
        "queued": {
            "count": len(queue),
            "amount": f"{sum((r.amount for r in queue), ZERO):.2f}",
            "by_item": {
                item: {"count": v["count"], "amount": f"{v['amount']:.2f}"}
                for item, v in sorted(by_item.items())
            },
            "head": [
                {"case": r.application_id, "item": r.item, "amount": f"{r.amount:.2f}"}
                for r in queue[:QUEUE_HEAD]
            ],
        },
    }


def plan_preview(programme: str) -> PlanOutcome:
    """The plan a run would make now, changing nothing (a what-if on the stored state)."""
    rows = _read(programme, lock=False)
    return _allocate(programme, rows, _budgets(programme, lock=False))


def plan_previews(programme: str, amounts: dict[int, Decimal]) -> tuple[PlanOutcome, PlanOutcome]:
    """The plan as it stands and as it would be with these amounts, from one read."""
    rows, budgets = _read(programme, lock=False), _budgets(programme, lock=False)
    repriced = []
    for row in rows:
        if row.application_id in amounts and not row.pinned:
            row = replace(row, amount=amounts[row.application_id])
            if row.amount <= 0:
                continue
        repriced.append(row)
    return _allocate(programme, rows, budgets), _allocate(programme, repriced, budgets)


def _chunks(ids: list[int], size: int = WRITE_CHUNK) -> Iterable[list[int]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def _write(outcome: PlanOutcome, *, run_id: int | None, progress: Progress) -> None:
    """Bulk writes: pay years, case states, then the audit entries in order."""
    now = timezone.now()
    # Three steps of equal weight as the page shows them: pay years, case states, audit entries.
    changed = len(outcome.changes)
    total = changed * 3
    progress(RunStage.WRITING, 0, total)
    # Hashed while the updates below run on the server.
    audit = AuditBatch(
        [_audit_entry(change, run_id) for change in outcome.changes], actor=None, at=now
    )
    if connection.vendor == "postgresql":
        _write_postgresql(
            outcome, now, lambda step: progress(RunStage.WRITING, step * changed, total)
        )
    else:
        _write_orm(outcome, now, lambda step: progress(RunStage.WRITING, step * changed, total))
    progress(RunStage.WRITING, changed * 2, total)
    span = audit.write()
    progress(RunStage.WRITING, total, total)
    if span is not None:
        outcome.first_event_id, outcome.last_event_id = span


def _write_postgresql(
    outcome: PlanOutcome, now: datetime, step_done: Callable[[int], None]
) -> None:
    """One UPDATE of every pay year and one per case state, the ids sent as arrays: a plan of
    100,000 awards is three statements instead of dozens with thousands of parameters each."""
    awards = [c.award_id for c in outcome.changes]
    years = [c.to_year for c in outcome.changes]
    award_table = Award._meta.db_table
    case_table = Application._meta.db_table
    with connection.cursor() as cursor:
        if awards:
            cursor.execute(
                f"UPDATE {award_table} AS a SET pay_year = v.year "  # noqa: S608 (model table names)
                "FROM unnest(%s::bigint[], %s::integer[]) AS v(id, year) WHERE a.id = v.id",
                [awards, years],
            )
        step_done(1)
        for status, kind in ((Status.SCHEDULED, "planned"), (Status.CONFIRMED, "queued")):
            ids = outcome.ids(kind)
            if ids:
                cursor.execute(
                    f"UPDATE {case_table} SET status = %s, status_changed_at = %s, "  # noqa: S608
                    "updated_at = %s WHERE id = ANY(%s::bigint[])",
                    [status, now, now, ids],
                )


def _write_orm(outcome: PlanOutcome, now: datetime, step_done: Callable[[int], None]) -> None:
    by_year: dict[int | None, list[int]] = defaultdict(list)
    for change in outcome.changes:
        by_year[change.to_year].append(change.award_id)
    for year, award_ids in by_year.items():
        for chunk in _chunks(award_ids):
            Award.objects.filter(pk__in=chunk).update(pay_year=year)
    step_done(1)
    for status, kind in ((Status.SCHEDULED, "planned"), (Status.CONFIRMED, "queued")):
        for chunk in _chunks(outcome.ids(kind)):
            # update() skips auto_now: the case's updated_at is set here like save() would.
            Application.objects.filter(pk__in=chunk).update(
                status=status, status_changed_at=now, updated_at=now
            )


def _audit_entry(change: AwardChange, run_id: int | None) -> AuditEntry:
    """The entry the one-award-at-a-time plan wrote for the same change (plus the run)."""
    amount = f"{change.amount:.2f}"
    run = {"run": run_id} if run_id is not None else {}
    if change.kind == "planned":
        return AuditEntry(
            action="schedule",
            application_id=change.application_id,
            from_status=Status.CONFIRMED,
            to_status=Status.SCHEDULED,
            data={"pay_year": change.to_year, "amount": amount, **run},
        )
    if change.kind == "queued":
        return AuditEntry(
            action="unschedule",
            application_id=change.application_id,
            from_status=Status.SCHEDULED,
            to_status=Status.CONFIRMED,
            data={"from_pay_year": change.from_year, "amount": amount, **run},
        )
    return AuditEntry(
        action="reschedule",
        application_id=change.application_id,
        from_status=Status.SCHEDULED,
        to_status=Status.SCHEDULED,
        data={
            "from_pay_year": change.from_year,
            "pay_year": change.to_year,
            "amount": amount,
            **run,
        },
    )


def plan_apply(
    programme: str,
    *,
    run_id: int | None = None,
    progress: Progress = _no_progress,
    before_commit: Callable[[PlanOutcome], None] | None = None,
) -> PlanOutcome:
    """Plan and store a programme's payout years in one transaction; the system is the actor.

    `before_commit` records the outcome (the run's result) in the same transaction, so a run is
    done exactly when its writes are. Notifications and documents follow after commit.
    """
    from awards.payouts.tasks import notify_payout_plan, refresh_documents_of_run

    with transaction.atomic():
        progress(RunStage.READING, 0, 0)
        rows = _read(programme, lock=True)
        # After the case rows, before the budgets (the order every writer keeps).
        state = plan_state_locked(programme)
        budgets = _budgets(programme, lock=True)
        progress(RunStage.ALLOCATING, 0, len(rows))
        outcome = _allocate(programme, rows, budgets)
        _write(outcome, run_id=run_id, progress=progress)
        plan_mark_current(state)
        progress(RunStage.FINISHING, 0, 0)
        if before_commit is not None:
            before_commit(outcome)
        first, last = outcome.first_event_id, outcome.last_event_id
        if first is not None and last is not None:
            transaction.on_commit(lambda: notify_payout_plan.delay(first, last))
            # The 审批表 states the case's state: those that changed get theirs refreshed.
            transaction.on_commit(lambda: refresh_documents_of_run.delay(first, last))
    return outcome
