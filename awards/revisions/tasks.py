"""The worker's part of rule revisions: compute a candidate's comparison (thin: one service)."""

from celery import shared_task
from django.db import OperationalError

from awards.revisions import services


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5, acks_late=True)
def compare_rules_candidate(candidate_id: int, generation: int) -> str | None:
    """Compute the comparison one request asked for; an older or repeated request does nothing."""
    candidate = services.candidate_report_compute(candidate_id=candidate_id, generation=generation)
    return candidate.report_state if candidate is not None else None
