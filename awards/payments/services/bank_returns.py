"""Recording the bank's return (回单) of an exported batch: upload, preview, confirm, discard.

A payment goes through the workflow's `pay` transition, which checks the plan, the budget and
the quota as a payment typed by hand would; a return with one bad row records nothing.
"""

import datetime
import re
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from applicants.audit import audit_append
from applicants.errors import NOT_ALLOWED, Conflict, NotAllowed, ServiceError
from applicants.fields import parse_money_text
from applicants.models import Status, User
from applicants.services.notifications import notify_case_transition
from applicants.text import clean_text
from awards.errors import (
    PAYMENT_BEFORE_APPROVAL,
    PAYMENT_BEFORE_PAY_YEAR,
    PAYMENT_DATE_IN_FUTURE,
)
from awards.payments import selectors
from awards.payments.bank_return import MAX_FILE_BYTES, bank_return_rows
from awards.payments.errors import (
    BATCH_NOT_EXPORTED,
    IMPORT_HAS_ERRORS,
    IMPORT_NOT_PENDING,
    ROW_ACCOUNT_AMBIGUOUS,
    ROW_ACCOUNT_MISMATCH,
    ROW_ALREADY_RECORDED,
    ROW_AMOUNT_INVALID,
    ROW_AMOUNT_MISMATCH,
    ROW_DATE_INVALID,
    ROW_DATE_REQUIRED,
    ROW_DUPLICATE,
    ROW_NOT_IN_BATCH,
    ROW_NOT_PAYABLE,
    ROW_REASON_REQUIRED,
    ROW_STATUS_UNKNOWN,
    ROW_VOUCHER_REQUIRED,
    ROW_YEAR_CHANGED,
)
from awards.payments.models import (
    BankReturnImport,
    BatchState,
    ImportState,
    ItemOutcome,
    PaymentBatch,
    PaymentBatchItem,
)
from awards.payments.services.batches import batch_audit_data, locked_batch
from awards.services.decisions import case_decide
from awards.services.payouts import MAX_STORED_AMOUNT

PAID, FAILED = "paid", "failed"
# Read at most one byte more than the limit: enough to refuse a larger file without holding it.
MAX_UPLOAD_BYTES = MAX_FILE_BYTES
# What banks write in the status column, after clean_text and lower case.
_STATUS_WORDS = {
    PAID: {
        "paid",
        "success",
        "succeeded",
        "ok",
        "成功",
        "已支付",
        "支付成功",
        "交易成功",
        "已付款",
    },
    FAILED: {"failed", "fail", "failure", "失败", "支付失败", "交易失败", "退回", "退票", "已退回"},
}
_STATUS_BY_WORD = {word: status for status, words in _STATUS_WORDS.items() for word in words}
_DATE = re.compile(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?|(\d{4})(\d{2})(\d{2})")


@dataclass
class RowOutcome:
    """One line of a bank return: what it says, the case it names, and why it cannot be taken."""

    line: int
    reference: str
    account: str
    payee: str
    amount: str
    status: str
    voucher: str
    paid_on: str
    reason: str
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


class ImportRefused(ServiceError):
    """A return with at least one bad row: nothing was recorded; every row's outcome is here."""

    def __init__(self, outcomes: list[RowOutcome]) -> None:
        bad = sum(1 for o in outcomes if not o.ok)
        super().__init__(IMPORT_HAS_ERRORS % {"count": bad}, code="import_refused")
        self.outcomes = outcomes


@transaction.atomic
def bank_return_upload(
    *, actor: User, batch_id: int, file_name: str, content: bytes
) -> BankReturnImport:
    """Read the bank's file into a pending import (nothing recorded until it is confirmed)."""
    batch = locked_batch(actor=actor, batch_id=batch_id)
    if batch.state != BatchState.EXPORTED:
        raise Conflict(BATCH_NOT_EXPORTED)
    rows = bank_return_rows(content)
    # One pending return per batch: a new upload replaces the one not confirmed.
    batch.imports.filter(state=ImportState.PREVIEW).update(state=ImportState.DISCARDED)
    return BankReturnImport.objects.create(
        batch=batch, file_name=clean_text(file_name)[:255], rows=rows, uploaded_by=actor
    )


def _pending_import(*, actor: User, import_id: int) -> BankReturnImport:
    pending = BankReturnImport.objects.select_for_update().filter(pk=import_id).first()
    if pending is None:
        raise NotAllowed(NOT_ALLOWED)
    locked_batch(actor=actor, batch_id=pending.batch_id)
    if pending.state != ImportState.PREVIEW:
        raise Conflict(IMPORT_NOT_PENDING)
    return pending


class _DryRun(Exception):
    def __init__(self, outcomes: list[RowOutcome]) -> None:
        self.outcomes = outcomes


def bank_return_preview(*, actor: User, import_id: int) -> list[RowOutcome]:
    """Every row's outcome as if confirmed now: the import runs for real and is rolled back."""
    try:
        with transaction.atomic():
            pending = _pending_import(actor=actor, import_id=import_id)
            raise _DryRun(_apply_rows(pending, actor=actor))
    except _DryRun as dry:
        return dry.outcomes


@dataclass(frozen=True)
class ImportResult:
    paid: int
    failed: int
    paid_total: Decimal
    settled: bool


@transaction.atomic
def bank_return_commit(*, actor: User, import_id: int) -> ImportResult:
    """Record every row of a pending return, or none: ImportRefused if any row fails now."""
    pending = _pending_import(actor=actor, import_id=import_id)
    outcomes = _apply_rows(pending, actor=actor)
    if not all(o.ok for o in outcomes):
        raise ImportRefused(outcomes)
    batch = pending.batch
    paid = [o for o in outcomes if o.status == PAID]
    paid_total = sum((Decimal(o.amount) for o in paid), Decimal("0.00"))
    pending.state = ImportState.COMMITTED
    pending.committed_at = timezone.now()
    pending.save(update_fields=["state", "committed_at"])
    audit_append(
        action="bank_return_imported",
        actor=actor,
        data=batch_audit_data(
            batch,
            file=pending.file_name,
            paid=len(paid),
            failed=len(outcomes) - len(paid),
            paid_total=f"{paid_total:.2f}",
        ),
    )
    settled = not batch.items.filter(outcome=ItemOutcome.PENDING).exists()
    if settled:
        batch.state = BatchState.SETTLED
        batch.settled_at = timezone.now()
        batch.save(update_fields=["state", "settled_at"])
        audit_append(action="batch_settled", actor=actor, data=batch_audit_data(batch))
    return ImportResult(len(paid), len(outcomes) - len(paid), paid_total, settled)


@transaction.atomic
def bank_return_discard(*, actor: User, import_id: int) -> None:
    """Drop a pending return without recording anything."""
    pending = _pending_import(actor=actor, import_id=import_id)
    pending.state = ImportState.DISCARDED
    pending.save(update_fields=["state"])


def _account_key(text: str) -> str:
    return re.sub(r"[\s\-]", "", text)


def _parse_date(text: str) -> datetime.date | None:
    match = _DATE.fullmatch(text.strip())
    if match is None:
        return None
    parts = [int(p) for p in match.groups() if p is not None]
    try:
        return datetime.date(*parts)
    except ValueError:
        return None


def _apply_rows(pending: BankReturnImport, *, actor: User) -> list[RowOutcome]:
    """Check each row against the batch and record it in a savepoint of its own.

    A row that fails leaves no trace (its savepoint is rolled back) and the others go on, so the
    caller sees every row's outcome; the caller commits only when every row went through.
    """
    batch = pending.batch
    items = list(
        batch.items.select_for_update(of=("self",))
        .select_related("award__application__enterprise")
        .order_by("id")
    )
    by_reference = {i.award.application.reference: i for i in items}
    # The accounts the batch was exported with, not any confirmed since.
    accounts = selectors.batch_accounts(batch, items)
    by_account: dict[str, list[PaymentBatchItem]] = defaultdict(list)
    for item in items:
        paid_to = accounts[item.award.application.enterprise_id][1]
        by_account[_account_key(paid_to)].append(item)
    seen: dict[int, int] = {}
    outcomes = []
    for row in pending.rows:
        outcome = RowOutcome(
            line=int(row["line"]),
            reference=row["reference"],
            account=row["account"],
            payee="",
            amount=row["amount"],
            status=_STATUS_BY_WORD.get(row["status"].strip().lower(), ""),
            voucher=row["voucher"],
            paid_on=row["paid_on"],
            reason=row["reason"],
        )
        outcomes.append(outcome)
        named = _row_item(row, outcome, by_reference, by_account, accounts)
        if named is None:
            continue
        if named.pk in seen:
            outcome.errors.append(str(ROW_DUPLICATE % {"line": seen[named.pk]}))
            continue
        seen[named.pk] = outcome.line
        paid_on = _row_checks(row, outcome, named, batch)
        if outcome.errors:
            continue
        try:
            with transaction.atomic():
                if outcome.status == PAID:
                    _record_paid(named, outcome, paid_on, actor=actor)
                else:
                    _record_failed(named, outcome, batch, actor=actor)
        except ServiceError as exc:
            outcome.errors.append(str(exc.message))
    return outcomes


def _row_item(
    row: dict[str, str],
    outcome: RowOutcome,
    by_reference: dict[str, PaymentBatchItem],
    by_account: dict[str, list[PaymentBatchItem]],
    accounts: dict[int, tuple[str, str]],
) -> PaymentBatchItem | None:
    """The batch item a row names: by case number, else by account (the amount breaks ties)."""
    if row["status"] and not outcome.status:
        outcome.errors.append(str(ROW_STATUS_UNKNOWN % {"status": row["status"]}))
    elif not outcome.status:
        outcome.errors.append(str(ROW_STATUS_UNKNOWN % {"status": ""}))
    reference = row["reference"].strip().upper()
    account = _account_key(row["account"])
    item: PaymentBatchItem | None = None
    if reference:
        item = by_reference.get(reference)
        payee_account = accounts[item.award.application.enterprise_id][1] if item else ""
        if item is not None and account and _account_key(payee_account) != account:
            outcome.errors.append(str(ROW_ACCOUNT_MISMATCH))
    elif account:
        matches = by_account.get(account, [])
        if len(matches) > 1:
            same_amount = [m for m in matches if f"{m.amount:.2f}" == _money_text(row["amount"])]
            if len(same_amount) != 1:
                outcome.errors.append(str(ROW_ACCOUNT_AMBIGUOUS))
                return None
            matches = same_amount
        item = matches[0] if matches else None
    if item is None:
        outcome.errors.append(str(ROW_NOT_IN_BATCH))
        return None
    outcome.reference = item.award.application.reference
    outcome.payee = item.award.application.enterprise.name
    return item


def _money_text(text: str) -> str:
    try:
        return f"{parse_money_text(text, max_value=MAX_STORED_AMOUNT):.2f}"
    except ValidationError:
        return ""


def _row_checks(
    row: dict[str, str], outcome: RowOutcome, item: PaymentBatchItem, batch: PaymentBatch
) -> datetime.date | None:
    """The refusals a row earns before anything is recorded; the paid date if it has one."""
    award = item.award
    case = award.application
    if item.outcome != ItemOutcome.PENDING:
        outcome.errors.append(
            str(ROW_ALREADY_RECORDED % {"outcome": ItemOutcome(item.outcome).label})
        )
        return None
    try:
        amount = parse_money_text(row["amount"], max_value=MAX_STORED_AMOUNT)
    except ValidationError as exc:
        outcome.errors.append(str(ROW_AMOUNT_INVALID % {"error": "".join(exc.messages)}))
    else:
        outcome.amount = f"{amount:.2f}"
        if amount != award.amount or amount != item.amount:
            outcome.errors.append(
                str(
                    ROW_AMOUNT_MISMATCH
                    % {"amount": f"{amount:,.2f}", "expected": f"{award.amount:,.2f}"}
                )
            )
    if case.status != Status.SCHEDULED:
        outcome.errors.append(str(ROW_NOT_PAYABLE % {"status": case.get_status_display()}))
    elif award.pay_year != batch.year:
        outcome.errors.append(
            str(ROW_YEAR_CHANGED % {"year": award.pay_year, "batch_year": batch.year})
        )
    if outcome.status == FAILED and not outcome.reason:
        outcome.errors.append(str(ROW_REASON_REQUIRED))
    if outcome.status != PAID:
        return None
    if not clean_text(outcome.voucher):
        outcome.errors.append(str(ROW_VOUCHER_REQUIRED))
    if not outcome.paid_on:
        outcome.errors.append(str(ROW_DATE_REQUIRED))
        return None
    paid_on = _parse_date(outcome.paid_on)
    if paid_on is None:
        outcome.errors.append(str(ROW_DATE_INVALID % {"value": outcome.paid_on}))
        return None
    outcome.paid_on = paid_on.isoformat()
    # The `pay` transition checks these too; said here, every bad row is named in the preview.
    if paid_on > timezone.localdate():
        outcome.errors.append(str(PAYMENT_DATE_IN_FUTURE))
    if paid_on < timezone.localtime(award.approved_at).date():
        outcome.errors.append(str(PAYMENT_BEFORE_APPROVAL))
    if award.pay_year is not None and paid_on.year < award.pay_year:
        outcome.errors.append(str(PAYMENT_BEFORE_PAY_YEAR % {"year": award.pay_year}))
    return paid_on


def _record_paid(
    item: PaymentBatchItem, outcome: RowOutcome, paid_on: datetime.date | None, *, actor: User
) -> None:
    case_decide(
        application_id=item.award.application_id,
        action="pay",
        actor=actor,
        payment_reference=outcome.voucher,
        paid_at=paid_on,
    )
    item.outcome = ItemOutcome.PAID
    item.voucher = clean_text(outcome.voucher)[:100]
    item.paid_on = paid_on
    item.save(update_fields=["outcome", "voucher", "paid_on"])


def _record_failed(
    item: PaymentBatchItem, outcome: RowOutcome, batch: PaymentBatch, *, actor: User
) -> None:
    """The bank refused the payment: the award stays scheduled, free for another batch."""
    reason = clean_text(outcome.reason)[:200]
    case = item.award.application
    item.outcome = ItemOutcome.FAILED
    item.holds_award = False
    item.failure_reason = reason
    item.save(update_fields=["outcome", "holds_award", "failure_reason"])
    audit_append(
        action="payment_failed",
        actor=actor,
        application=case,
        from_status=case.status,
        to_status=case.status,
        reason=reason,
        data=batch_audit_data(batch, amount=f"{item.amount:.2f}", pay_year=item.award.pay_year),
    )
    status = case.status
    transaction.on_commit(
        lambda: notify_case_transition(
            application_id=case.pk, action="payment_failed", status=status, reason=reason
        )
    )
