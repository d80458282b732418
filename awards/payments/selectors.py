"""Reads of payment batches: a programme's batches, the awards a new batch may take, the rows."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Prefetch, QuerySet, Sum

from applicants import policy, programmes
from applicants.models import Status
from applicants.verification.selectors import bank_accounts_as_of
from awards.models import Award
from awards.payments.models import (
    BankReturnImport,
    ItemOutcome,
    PaymentBatch,
    PaymentBatchItem,
)

ZERO = Decimal("0.00")


def batches_of(programme: str) -> QuerySet[PaymentBatch]:
    """A programme's batches, newest first, with their count and total."""
    return (
        PaymentBatch.objects.filter(programme=programme)
        .select_related("created_by")
        .annotate(item_count=Count("items"), total=Sum("items__amount"))
        .order_by("-created_at", "-id")
    )


def batch_candidates(*, programme: str, year: int) -> QuerySet[Award]:
    """The scheduled awards of a programme's pay year that no open batch holds yet."""
    held = PaymentBatchItem.objects.filter(holds_award=True).values("award_id")
    return (
        Award.objects.filter(
            application__programme=programme,
            application__status=Status.SCHEDULED,
            pay_year=year,
        )
        .exclude(pk__in=held)
        .select_related("application__enterprise")
        .order_by("first_approved_at", "id")
    )


def candidate_years(programme: str) -> list[int]:
    """The pay years that have scheduled awards no open batch holds."""
    held = PaymentBatchItem.objects.filter(holds_award=True).values("award_id")
    years = (
        Award.objects.filter(application__programme=programme, application__status=Status.SCHEDULED)
        .exclude(pk__in=held)
        .exclude(pay_year__isnull=True)
        .values_list("pay_year", flat=True)
        .distinct()
        .order_by("pay_year")
    )
    return [y for y in years if y is not None]


def batch_with_items(pk: int) -> PaymentBatch | None:
    """One batch with its items, their awards, cases and enterprises (one query each)."""
    items = PaymentBatchItem.objects.select_related("award__application__enterprise").order_by("id")
    return (
        PaymentBatch.objects.select_related("created_by")
        .prefetch_related(Prefetch("items", queryset=items))
        .filter(pk=pk)
        .first()
    )


def pending_import(batch: PaymentBatch) -> BankReturnImport | None:
    """The batch's latest uploaded return file still waiting for confirmation, if any."""
    return batch.imports.filter(state="preview").order_by("-uploaded_at", "-id").first()


@dataclass(frozen=True)
class PaymentRow:
    """One line of the 财政直接支付申请书."""

    number: int
    payee: str
    credit_code: str
    bank_name: str
    bank_account: str
    amount: Decimal
    item: str
    basis: str
    year: int
    reference: str


def _basis(award: Award) -> str:
    """政策依据: the item's clause; a county match cites its programme's clause."""
    case = award.application
    if case.is_match:
        version = programmes.programme_version(case.programme)
        return version.clause if version is not None else case.programme
    rule = policy.item_rule(case.item)
    return rule.clause if rule is not None else ""


def batch_accounts(
    batch: PaymentBatch, items: list[PaymentBatchItem]
) -> dict[int, tuple[str, str]]:
    """Enterprise id → (bank, account) the batch pays: the account on file when the batch was
    built, whatever the county confirmed since (a change applies to batches built after it)."""
    enterprises = {i.award.application.enterprise_id: i.award.application.enterprise for i in items}
    changed = bank_accounts_as_of(enterprise_ids=enterprises, at=batch.created_at)
    return {
        pk: changed.get(pk, (enterprise.bank_name, enterprise.bank_account))
        for pk, enterprise in enterprises.items()
    }


def payment_rows(batch: PaymentBatch) -> list[PaymentRow]:
    """The batch's lines as the treasury form lists them (failed ones left out)."""
    items = [
        i for i in batch.items.all() if i.outcome != ItemOutcome.FAILED
    ]  # prefetched by batch_with_items
    accounts = batch_accounts(batch, items)
    rows = []
    for number, item in enumerate(items, 1):
        case = item.award.application
        bank_name, bank_account = accounts[case.enterprise_id]
        rows.append(
            PaymentRow(
                number=number,
                payee=case.enterprise.name,
                credit_code=case.enterprise.credit_code,
                bank_name=bank_name,
                bank_account=bank_account,
                amount=item.amount,
                item=policy.item_title(case.item),
                basis=_basis(item.award),
                year=batch.year,
                reference=case.reference,
            )
        )
    return rows
