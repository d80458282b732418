"""Celery tasks of awards: thin — load by id, call a service."""

from celery import shared_task
from django.db import OperationalError

from awards.services.payouts import payouts_schedule


@shared_task
def ping() -> str:
    """Answer "pong": lets health checks and tests prove a worker consumes the queue."""
    return "pong"


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5, acks_late=True)
def schedule_payouts() -> dict[str, list[int]]:
    """Plan payout years for confirmed awards; idempotent, so a redelivered run changes nothing."""
    return payouts_schedule().as_dict()
