"""Writes of payment batches: build, cancel and export them as the treasury's form.

Every change is an audit entry. Only the programme's own finance acts on its batches
(`finance_may_manage`).
"""

from collections.abc import Iterable
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone

from applicants import programmes
from applicants.audit import audit_append
from applicants.errors import NOT_ALLOWED, Conflict, NotAllowed, ServiceError
from applicants.models import User
from awards.errors import (
    UNKNOWN_PROGRAMME,
)
from awards.payments import exports, selectors
from awards.payments.errors import (
    BATCH_AWARD_NOT_AVAILABLE,
    BATCH_HAS_RESULTS,
    BATCH_NOT_DRAFT_OR_EXPORTED,
    BATCH_NOTHING_TO_ADD,
    UNKNOWN_EXPORT_FORMAT,
)
from awards.payments.models import (
    OPEN_STATES,
    BatchState,
    ItemOutcome,
    PaymentBatch,
    PaymentBatchItem,
)
from awards.services.payouts import finance_may_manage


def _require_finance(actor: User, programme: str) -> None:
    if not programmes.programme_exists(programme):
        raise ServiceError(UNKNOWN_PROGRAMME, field="programme")
    if not finance_may_manage(actor, programme):
        raise NotAllowed(NOT_ALLOWED)


def batch_get_for(*, actor: User, batch_id: int) -> PaymentBatch:
    """The batch with its items, if the actor is its programme's finance; NotAllowed otherwise."""
    batch = selectors.batch_with_items(batch_id)
    if batch is None or not finance_may_manage(actor, batch.programme):
        # The same answer for "not yours" and "not there": batch numbers are guessable.
        raise NotAllowed(NOT_ALLOWED)
    return batch


def locked_batch(*, actor: User, batch_id: int) -> PaymentBatch:
    batch = PaymentBatch.objects.select_for_update().filter(pk=batch_id).first()
    if batch is None or not finance_may_manage(actor, batch.programme):
        raise NotAllowed(NOT_ALLOWED)
    return batch


def batch_audit_data(batch: PaymentBatch, **extra: object) -> dict:
    return {"batch": batch.reference, "programme": batch.programme, "year": batch.year, **extra}


@transaction.atomic
def batch_create(
    *, actor: User, programme: str, year: int, award_ids: Iterable[int] | None = None
) -> PaymentBatch:
    """Gather scheduled awards of one pay year (all, or those chosen) into a new draft batch."""
    _require_finance(actor, programme)
    candidates = {a.pk: a for a in selectors.batch_candidates(programme=programme, year=year)}
    if award_ids is None:
        chosen = list(candidates.values())
    else:
        wanted = sorted(set(award_ids))
        missing = [pk for pk in wanted if pk not in candidates]
        if missing:
            raise Conflict(BATCH_AWARD_NOT_AVAILABLE % {"ref": f"#{missing[0]}"})
        chosen = [candidates[pk] for pk in wanted]
    if not chosen:
        raise ServiceError(BATCH_NOTHING_TO_ADD % {"year": year}, field="year")
    batch = PaymentBatch.objects.create(programme=programme, year=year, created_by=actor)
    try:
        # The constraint is the last word when two officers batch the same award at once.
        with transaction.atomic():
            PaymentBatchItem.objects.bulk_create(
                [PaymentBatchItem(batch=batch, award=a, amount=a.amount) for a in chosen]
            )
    except IntegrityError as exc:
        raise Conflict(BATCH_AWARD_NOT_AVAILABLE % {"ref": ""}) from exc
    total = sum((a.amount for a in chosen), Decimal("0.00"))
    audit_append(
        action="batch_created",
        actor=actor,
        data=batch_audit_data(
            batch,
            count=len(chosen),
            total=f"{total:.2f}",
            cases=[a.application.reference for a in chosen],
        ),
    )
    return batch


@transaction.atomic
def batch_cancel(*, actor: User, batch_id: int) -> PaymentBatch:
    """Cancel a batch the bank has not answered for; its awards may join another batch."""
    batch = locked_batch(actor=actor, batch_id=batch_id)
    if batch.state not in OPEN_STATES:
        raise Conflict(BATCH_NOT_DRAFT_OR_EXPORTED)
    if batch.items.exclude(outcome=ItemOutcome.PENDING).exists():
        raise Conflict(BATCH_HAS_RESULTS)
    previous = batch.state
    batch.state = BatchState.CANCELLED
    batch.save(update_fields=["state"])
    batch.items.update(holds_award=False)
    audit_append(
        action="batch_cancelled", actor=actor, data=batch_audit_data(batch, from_state=previous)
    )
    return batch


EXPORT_FORMATS = ("xlsx", "csv")


@transaction.atomic
def batch_export(*, actor: User, batch_id: int, file_format: str) -> exports.ExportFile:
    """The batch as the treasury form; a draft becomes exported (sent to the bank). Audited."""
    if file_format not in EXPORT_FORMATS:
        raise ServiceError(UNKNOWN_EXPORT_FORMAT, field="format")
    batch = locked_batch(actor=actor, batch_id=batch_id)
    if batch.state == BatchState.CANCELLED:
        raise Conflict(BATCH_NOT_DRAFT_OR_EXPORTED)
    full = selectors.batch_with_items(batch.pk)
    assert full is not None
    rows = selectors.payment_rows(full)
    writer = exports.batch_xlsx if file_format == "xlsx" else exports.batch_csv
    exported = writer(full, rows)
    previous = batch.state
    if batch.state == BatchState.DRAFT:
        batch.state = BatchState.EXPORTED
        batch.exported_at = timezone.now()
        batch.save(update_fields=["state", "exported_at"])
    audit_append(
        action="batch_exported",
        actor=actor,
        data=batch_audit_data(
            batch,
            format=file_format,
            rows=len(rows),
            total=f"{sum((r.amount for r in rows), Decimal('0.00')):.2f}",
            from_state=previous,
            state=batch.state,
        ),
    )
    return exported
