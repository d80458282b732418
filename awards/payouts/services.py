"""Payout planning runs: ask for a plan, run it on a worker (or in the foreground), follow it.

A request stores a queued run and enqueues it after commit; the worker claims it, plans in one
transaction (awards.payouts.planning) and records the result and what changed in that same
transaction. One run per programme may be queued or running (a partial unique index); a run whose
worker has gone silent for PAYOUT_RUN_LEASE_SECONDS is given up by the next request, and a
redelivered task of a finished run does nothing.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.db import DatabaseError, IntegrityError, connection, connections, transaction
from django.utils import timezone, translation
from django.utils.formats import date_format

from applicants import programmes
from applicants.errors import NOT_ALLOWED, Conflict, NotAllowed, ServiceError
from applicants.models import CITY_PROGRAMME, User
from awards.errors import (
    PLAN_RUN_ACTIVE,
    PLAN_RUN_LOST,
    PLAN_RUN_NOT_TAKEN,
    UNKNOWN_PROGRAMME,
)
from awards.payouts.models import ACTIVE_RUN_STATES, PayoutRun, RunStage, RunState, RunTrigger
from awards.payouts.planning import PlanOutcome, plan_apply, plan_preview
from awards.payouts.selectors import run_events
from awards.services.payouts import finance_may_manage

logger = logging.getLogger(__name__)


def _lease() -> timedelta:
    return timedelta(seconds=settings.PAYOUT_RUN_LEASE_SECONDS)


def _queue_wait() -> timedelta:
    return timedelta(seconds=settings.PAYOUT_RUN_QUEUE_SECONDS)


def _expire_lost_runs(programme: str) -> None:
    """Give up the programme's active run if its worker went silent (killed, or never came)."""
    now = timezone.now()
    with translation.override("zh-hans"):
        lost = str(PLAN_RUN_LOST % {"seconds": settings.PAYOUT_RUN_LEASE_SECONDS})
        not_taken = str(PLAN_RUN_NOT_TAKEN % {"seconds": settings.PAYOUT_RUN_QUEUE_SECONDS})
    PayoutRun.objects.filter(
        programme=programme, state=RunState.RUNNING, heartbeat_at__lt=now - _lease()
    ).update(state=RunState.FAILED, finished_at=now, error=lost)
    PayoutRun.objects.filter(
        programme=programme, state=RunState.QUEUED, requested_at__lt=now - _queue_wait()
    ).update(state=RunState.FAILED, finished_at=now, error=not_taken)


def _active_refusal(programme: str) -> Conflict:
    active = (
        PayoutRun.objects.filter(programme=programme, state__in=ACTIVE_RUN_STATES)
        .select_related("requested_by")
        .first()
    )
    if active is None:  # it finished between our insert and this read
        return Conflict(PLAN_RUN_ACTIVE % {"programme": "", "state": "", "who": "", "at": ""})
    if active.requested_by is not None:
        who = active.requested_by.get_full_name() or active.requested_by.username
    else:
        who = str(active.get_trigger_display())
    return Conflict(
        PLAN_RUN_ACTIVE
        % {
            "programme": programmes.programme_name(programme),
            "state": active.get_state_display(),
            "who": who,
            "at": date_format(timezone.localtime(active.requested_at), "Y-m-d H:i"),
        },
        field="programme",
    )


def payout_run_create(*, programme: str, trigger: str, actor: User | None = None) -> PayoutRun:
    """Store a queued run, or refuse (409) while another run of the programme is active."""
    if not programmes.programme_exists(programme):
        raise ServiceError(UNKNOWN_PROGRAMME, field="programme")
    _expire_lost_runs(programme)
    try:
        with transaction.atomic():
            return PayoutRun.objects.create(
                programme=programme, trigger=trigger, requested_by=actor
            )
    except IntegrityError:
        raise _active_refusal(programme) from None


@transaction.atomic
def payout_run_request(*, actor: User, programme: str = CITY_PROGRAMME) -> PayoutRun:
    """Finance asks for a plan of its programme: a queued run, enqueued once this commits."""
    from applicants.audit import audit_append
    from awards.payouts.tasks import run_payout_plan  # tasks import services

    if not programmes.programme_exists(programme):
        raise ServiceError(UNKNOWN_PROGRAMME, field="programme")
    if not finance_may_manage(actor, programme):
        raise NotAllowed(NOT_ALLOWED)
    run = payout_run_create(programme=programme, trigger=RunTrigger.FINANCE, actor=actor)
    audit_append(
        action="payouts_requested", actor=actor, data={"programme": programme, "run": run.pk}
    )
    transaction.on_commit(lambda: run_payout_plan.delay(run.pk))
    return run


class _Progress:
    """Writes a run's stage, counts and heartbeat on a connection of its own, so the page sees
    them while the plan's transaction is still open. PostgreSQL only: on SQLite (the demo, tasks in
    process) a second writer would wait for the first, so progress is just not reported there."""

    def __init__(self, run_id: int) -> None:
        self.run_id = run_id
        self.connection = None
        if connection.vendor == "postgresql" and not connection.in_atomic_block:
            self.connection = connections.create_connection("default")

    def __call__(self, stage: str, done: int, total: int) -> None:
        if self.connection is None:
            return
        try:
            with self.connection.cursor() as cursor:
                # Never wait on the run row: a lock on it (our own transaction) means skip.
                cursor.execute("SET lock_timeout = '500ms'")
                cursor.execute(
                    "UPDATE awards_payoutrun SET stage = %s, progress_done = %s, "
                    "progress_total = %s, heartbeat_at = %s WHERE id = %s",
                    [stage, done, total, timezone.now(), self.run_id],
                )
        except DatabaseError:
            logger.warning("progress of payout run %s not recorded", self.run_id, exc_info=True)

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()


def _claim(run_id: int) -> PayoutRun | None:
    """Mark the run running for this worker; None if it is finished or another worker has it."""
    now = timezone.now()
    with transaction.atomic():
        run = PayoutRun.objects.select_for_update().filter(pk=run_id).first()
        if run is None or run.state in (RunState.DONE, RunState.FAILED):
            return None
        if (
            run.state == RunState.RUNNING
            and run.heartbeat_at is not None
            and run.heartbeat_at >= now - _lease()
        ):
            return None  # a live worker has it (a duplicate delivery)
        run.state = RunState.RUNNING
        run.started_at = now
        run.heartbeat_at = now
        run.stage = RunStage.READING
        run.attempts += 1
        run.error = ""
        run.save()
    return run


def payout_run_execute(*, run_id: int) -> PayoutRun | None:
    """Run a stored plan request: claim it, plan, record the result (idempotent on redelivery)."""
    run, _ = _execute(run_id)
    return run


def _execute(run_id: int) -> tuple[PayoutRun | None, PlanOutcome | None]:
    run = _claim(run_id)
    if run is None:
        return None, None
    progress = _Progress(run.pk)
    outcome = None

    def record(outcome: PlanOutcome) -> None:
        PayoutRun.objects.filter(pk=run.pk).update(
            state=RunState.DONE,
            stage=RunStage.FINISHING,
            finished_at=timezone.now(),
            heartbeat_at=timezone.now(),
            progress_done=outcome.result["awards"],
            progress_total=outcome.result["awards"],
            result=outcome.result,
            changes=outcome.changes_summary(),
            first_event_id=outcome.first_event_id,
            last_event_id=outcome.last_event_id,
        )

    try:
        outcome = plan_apply(run.programme, run_id=run.pk, progress=progress, before_commit=record)
    except ServiceError as exc:
        _fail(run.pk, str(exc.message))
    except DatabaseError:
        # The task retries (a deadlock, a lost connection): back in the queue, claimable again.
        PayoutRun.objects.filter(pk=run.pk).update(state=RunState.QUEUED, stage="")
        raise
    except Exception as exc:
        _fail(run.pk, f"{type(exc).__name__}: {exc}")
        raise
    finally:
        progress.close()
    run.refresh_from_db()
    return run, outcome


def _fail(run_id: int, error: str) -> None:
    PayoutRun.objects.filter(pk=run_id).update(
        state=RunState.FAILED, finished_at=timezone.now(), error=error[:2000]
    )


def payouts_plan_now(
    programme: str = CITY_PROGRAMME, *, trigger: str = RunTrigger.COMMAND
) -> tuple[PayoutRun, PlanOutcome | None]:
    """Plan in the foreground as a stored run (the command, the demo, the nightly job);
    refused (409) while another run of the programme is active. The outcome is None when the
    run failed (its error is on the run)."""
    created = payout_run_create(programme=programme, trigger=trigger)
    run, outcome = _execute(created.pk)
    assert run is not None  # just created: nobody else can have claimed it
    return run, outcome


def payouts_replan_if_stale(programme: str = CITY_PROGRAMME) -> PayoutRun | None:
    """The re-plan a budget or exemption change queued; None if a plan has run since.

    Refused (409) while another run is active: the caller retries later, and by then that run
    (which read the state after the change, under the same locks) has usually answered it.
    """
    from awards.models import PayoutPlanState

    if not PayoutPlanState.objects.filter(programme=programme, stale=True).exists():
        return None
    run, _ = payouts_plan_now(programme, trigger=RunTrigger.STALE)
    return run


def plan_notify(*, first_event_id: int, last_event_id: int) -> int:
    """Tell each enterprise once about its awards a run moved: one message per enterprise.

    The run's audit entries are the id range; nothing is sent for an award whose year did not
    change (it has no entry). Returns the notifications written.
    """
    from applicants.models import Application
    from applicants.services.notifications import notify_enterprises_of_plan

    events = run_events(first_event_id, last_event_id).values_list(
        "action",
        "data",
        "application_id",
        "application__enterprise_id",
        "application__created_at",
        "application__project_name",
    )
    by_enterprise: dict[int, dict[int, dict]] = {}
    for action, data, application_id, enterprise_id, created_at, project in events:
        reference = Application(pk=application_id, created_at=created_at).reference
        year = None if action == "unschedule" else data.get("pay_year")
        by_enterprise.setdefault(enterprise_id, {})[application_id] = {
            "id": application_id,
            "ref": reference,
            "project": project,
            "year": year,
        }
    return notify_enterprises_of_plan(
        {enterprise: list(cases.values()) for enterprise, cases in by_enterprise.items()}
    )


def payouts_plan_preview(programme: str = CITY_PROGRAMME) -> PlanOutcome:
    """A what-if on the stored state: the plan a run would make now; nothing is written."""
    if not programmes.programme_exists(programme):
        raise ServiceError(UNKNOWN_PROGRAMME, field="programme")
    return plan_preview(programme)


def plan_refresh_documents(*, first_event_id: int, last_event_id: int) -> int:
    """Refresh the 审批表 of each case a run changed the state of (scheduled or back to queued)."""
    from awards.documents.services import documents_refresh_case

    # Only the entries that changed a case's state: a move within `scheduled` states nothing new.
    ids = run_events(first_event_id, last_event_id, ("schedule", "unschedule")).values_list(
        "application_id", flat=True
    )
    count = 0
    for application_id in ids.iterator(chunk_size=2000):
        documents_refresh_case(application_id=application_id)
        count += 1
    return count
