"""Celery tasks of awards: thin — load by id, call a service."""

from celery import shared_task
from django.db import OperationalError

from applicants.models import CITY_PROGRAMME
from applicants.programmes import programme_codes
from awards.services.payouts import payouts_replan_if_stale, payouts_schedule


@shared_task
def ping() -> str:
    """Answer "pong": lets health checks and tests prove a worker consumes the queue."""
    return "pong"


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5, acks_late=True)
def schedule_payouts(programme: str = CITY_PROGRAMME) -> dict[str, list[int]]:
    """Plan a programme's payout years; idempotent, so a redelivered run changes nothing."""
    return payouts_schedule(programme).as_dict()


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5, acks_late=True)
def schedule_all_payouts() -> dict[str, dict[str, list[int]]]:
    """The nightly plan: every programme's, each in its own transaction."""
    return {code: payouts_schedule(code).as_dict() for code in programme_codes()}


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5, acks_late=True)
def replan_if_stale(programme: str = CITY_PROGRAMME) -> dict[str, list[int]] | None:
    """The re-plan a budget or exemption change queued; nothing if a plan ran since."""
    report = payouts_replan_if_stale(programme)
    return report.as_dict() if report is not None else None


# The documents package's tasks, registered with the worker through this module.
from awards.documents.tasks import (  # noqa: E402
    refresh_case_documents,
    render_batch,
    render_receipt,
)

__all__ = [
    "ping",
    "refresh_case_documents",
    "render_batch",
    "render_receipt",
    "replan_if_stale",
    "schedule_all_payouts",
    "schedule_payouts",
]
