"""Celery tasks of payout planning: thin — load by id, call the service."""

from celery import shared_task
from django.db import OperationalError

from applicants.errors import Conflict
from applicants.models import CITY_PROGRAMME
from applicants.programmes import programme_codes
from awards.payouts import services
from awards.payouts.models import RunTrigger


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5, acks_late=True)
def run_payout_plan(run_id: int) -> str | None:
    """Run a requested plan; a redelivered or repeated delivery of a finished run does nothing."""
    run = services.payout_run_execute(run_id=run_id)
    return run.state if run is not None else None


@shared_task(bind=True, acks_late=True, max_retries=20)
def replan_if_stale(self, programme: str = CITY_PROGRAMME) -> str | None:  # type: ignore[no-untyped-def]
    """The re-plan a budget or exemption change queued; nothing if a plan ran since."""
    try:
        run = services.payouts_replan_if_stale(programme)
    except (Conflict, OperationalError) as exc:
        if self.request.is_eager:
            return "skipped"  # in process (the demo): the active run reads the same state
        # Another run is active: look again once it has had time to finish.
        raise self.retry(exc=exc, countdown=30) from exc
    return run.state if run is not None else None


@shared_task(acks_late=True)
def schedule_all_payouts() -> dict[str, str]:
    """The nightly plan: every programme's, each its own run; a programme already running is
    left to that run."""
    states = {}
    for code in programme_codes():
        try:
            run, _ = services.payouts_plan_now(code, trigger=RunTrigger.NIGHTLY)
        except Conflict:
            states[code] = "skipped"
        else:
            states[code] = run.state
    return states


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5, acks_late=True)
def notify_payout_plan(first_event_id: int, last_event_id: int) -> int:
    """One message per enterprise for the awards a run moved (its audit entries' id range)."""
    return services.plan_notify(first_event_id=first_event_id, last_event_id=last_event_id)


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5, acks_late=True)
def refresh_documents_of_run(first_event_id: int, last_event_id: int) -> int:
    """Bring the 审批表 of the cases a run moved in or out of the plan up to date (rendering is
    idempotent: a redelivery re-checks and renders nothing new)."""
    return services.plan_refresh_documents(
        first_event_id=first_event_id, last_event_id=last_event_id
    )
