"""Celery tasks of documents: thin — call the service; rendering is idempotent, so retries are."""

from celery import shared_task
from django.db import OperationalError

from applicants.models import CITY_PROGRAMME
from awards.documents import services


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5, acks_late=True)
def refresh_case_documents(application_id: int) -> str | None:
    """Bring a case's 审批表 up to date (render, supersede or void); returns the current code."""
    document = services.documents_refresh_case(application_id=application_id)
    return document.code if document else None


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5, acks_late=True)
def render_receipt(application_id: int) -> str | None:
    """The receipt of a case's latest submission."""
    document = services.receipt_for_latest_submission(application_id=application_id)
    return document.code if document else None


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5, acks_late=True)
def render_batch(year: int, programme: str = CITY_PROGRAMME) -> str:
    """The batch list of one programme's pay year as it stands."""
    return services.document_render_batch(year=year, programme=programme).code
