"""Celery tasks of awards: thin — load by id, call a service."""

from celery import shared_task


@shared_task
def ping() -> str:
    """Answer "pong": lets health checks and tests prove a worker consumes the queue."""
    return "pong"


# The packages' tasks, registered with the worker through this module.
from applicants.audit_checkpoints import write_audit_checkpoint  # noqa: E402
from awards.documents.tasks import (  # noqa: E402
    refresh_case_documents,
    render_batch,
    render_receipt,
)
from awards.payouts.tasks import (  # noqa: E402
    notify_payout_plan,
    refresh_documents_of_run,
    replan_if_stale,
    run_payout_plan,
    schedule_all_payouts,
)
from awards.reports.tasks import run_payout_export  # noqa: E402
from awards.revisions.tasks import compare_rules_candidate  # noqa: E402
from awards.webhooks.tasks import deliver_webhook  # noqa: E402

__all__ = [
    "compare_rules_candidate",
    "deliver_webhook",
    "notify_payout_plan",
    "ping",
    "refresh_case_documents",
    "refresh_documents_of_run",
    "render_batch",
    "render_receipt",
    "replan_if_stale",
    "run_payout_export",
    "run_payout_plan",
    "schedule_all_payouts",
    "write_audit_checkpoint",
]
