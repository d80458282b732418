"""Celery tasks of awards: thin — load by id, call a service."""

from celery import shared_task


@shared_task
def ping() -> str:
    """Answer "pong": lets health checks and tests prove a worker consumes the queue."""
    return "pong"
