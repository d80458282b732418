"""Celery tasks of payout reports: thin — load by id, call the service."""

from celery import shared_task
from django.db import OperationalError

from awards.reports import services


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5, acks_late=True)
def run_payout_export(export_id: int) -> str:
    """Write a requested export's file; a redelivered task of a finished export does nothing."""
    return services.payout_export_run(export_id=export_id).state
