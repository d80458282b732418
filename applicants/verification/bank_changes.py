"""Writes of bank account changes (收款账户变更): a verified enterprise asks, its county confirms
or refuses. Until confirmed nothing that is paid changes; batches built before the confirmation
keep paying the account they were built with (`selectors.bank_accounts_as_of`)."""

from django.db import IntegrityError, transaction
from django.utils import timezone

from applicants.audit import audit_append
from applicants.errors import (
    FIELD_REQUIRED,
    NOT_AN_ENTERPRISE_USER,
    Conflict,
    NotAllowed,
    ServiceError,
)
from applicants.models import Enterprise, User
from applicants.roles import Role
from applicants.text import clean_text
from applicants.verification.errors import (
    BANK_ACCOUNT_FORMAT,
    BANK_CHANGE_ALREADY_DECIDED,
    BANK_CHANGE_NOT_VERIFIED,
    BANK_CHANGE_PENDING,
    BANK_CHANGE_SAME,
    BANK_CHANGE_STALE,
)
from applicants.verification.masking import mask_account
from applicants.verification.models import BankAccountChange
from applicants.verification.notices import identity_notify
from applicants.verification.services import (
    _county_check,
    _locked_enterprise,
    _members,
    county_reviewers,
    reason_clean,
)
from applicants.verification.states import BankChangeStatus, IdentityStatus


def _accounts(change: BankAccountChange) -> dict[str, object]:
    """The audit data of a change: both accounts in full (pages show them masked)."""
    return {
        "bank_change_id": change.pk,
        "enterprise_id": change.enterprise_id,
        "old_bank_name": change.old_bank_name,
        "old_bank_account": change.old_bank_account,
        "new_bank_name": change.new_bank_name,
        "new_bank_account": change.new_bank_account,
    }


@transaction.atomic
def bank_change_request(*, actor: User, bank_name: str, bank_account: str) -> BankAccountChange:
    """A member of a verified enterprise asks to be paid to another account from now on."""
    if actor.role != Role.ENTERPRISE or actor.enterprise_id is None:
        raise NotAllowed(NOT_AN_ENTERPRISE_USER)
    enterprise = _locked_enterprise(actor.enterprise_id)
    if enterprise.identity_status != IdentityStatus.VERIFIED:
        raise ServiceError(BANK_CHANGE_NOT_VERIFIED)
    name = clean_text(bank_name)
    account = "".join(clean_text(bank_account).split())
    if not name:
        raise ServiceError(FIELD_REQUIRED, field="bank_name")
    if not account.isascii() or not account.isdigit() or not 8 <= len(account) <= 32:
        raise ServiceError(BANK_ACCOUNT_FORMAT, field="bank_account")
    if (name, account) == (enterprise.bank_name, enterprise.bank_account):
        raise ServiceError(BANK_CHANGE_SAME, field="bank_account")
    if enterprise.bank_changes.filter(status=BankChangeStatus.PENDING).exists():
        raise Conflict(BANK_CHANGE_PENDING)
    try:
        with transaction.atomic():
            change = BankAccountChange.objects.create(
                enterprise=enterprise,
                old_bank_name=enterprise.bank_name,
                old_bank_account=enterprise.bank_account,
                new_bank_name=name,
                new_bank_account=account,
                requested_by=actor,
            )
    except IntegrityError:
        raise Conflict(BANK_CHANGE_PENDING) from None
    audit_append(
        action="bank_change_requested",
        actor=actor,
        to_status=BankChangeStatus.PENDING,
        data=_accounts(change),
    )
    identity_notify(
        users=county_reviewers(enterprise.jurisdiction),
        event="bank_change_requested",
        enterprise=enterprise.name,
    )
    return change


def _locked_pending(actor: User, change_id: int) -> tuple[BankAccountChange, Enterprise]:
    try:
        change = BankAccountChange.objects.select_for_update().get(pk=change_id)
    except BankAccountChange.DoesNotExist:
        raise NotAllowed() from None
    enterprise = _locked_enterprise(change.enterprise_id)
    _county_check(actor, enterprise)
    if change.status != BankChangeStatus.PENDING:
        raise Conflict(
            BANK_CHANGE_ALREADY_DECIDED % {"status": BankChangeStatus(change.status).label}
        )
    return change, enterprise


@transaction.atomic
def bank_change_confirm(*, actor: User, change_id: int, reason: str = "") -> BankAccountChange:
    """The county confirms: the enterprise is paid to the new account in batches built from now."""
    reason = reason_clean(reason, required=False)
    change, enterprise = _locked_pending(actor, change_id)
    if (change.old_bank_name, change.old_bank_account) != (
        enterprise.bank_name,
        enterprise.bank_account,
    ):
        raise Conflict(BANK_CHANGE_STALE)
    _decide(change, actor=actor, status=BankChangeStatus.CONFIRMED, reason=reason)
    enterprise.bank_name = change.new_bank_name
    enterprise.bank_account = change.new_bank_account
    enterprise.save(update_fields=["bank_name", "bank_account"])
    audit_append(
        action="bank_change_confirmed",
        actor=actor,
        from_status=BankChangeStatus.PENDING,
        to_status=BankChangeStatus.CONFIRMED,
        reason=reason,
        data=_accounts(change),
    )
    _tell_members(enterprise, change, event="bank_change_confirmed", reason=reason)
    return change


@transaction.atomic
def bank_change_refuse(*, actor: User, change_id: int, reason: str) -> BankAccountChange:
    """The county refuses, saying why: the account on file stays what is paid."""
    reason = reason_clean(reason, required=True)
    change, enterprise = _locked_pending(actor, change_id)
    _decide(change, actor=actor, status=BankChangeStatus.REFUSED, reason=reason)
    audit_append(
        action="bank_change_refused",
        actor=actor,
        from_status=BankChangeStatus.PENDING,
        to_status=BankChangeStatus.REFUSED,
        reason=reason,
        data=_accounts(change),
    )
    _tell_members(enterprise, change, event="bank_change_refused", reason=reason)
    return change


def bank_change_apply(
    *,
    enterprise: Enterprise,
    actor: User,
    requested_by: User,
    bank_name: str,
    bank_account: str,
    reason: str,
) -> BankAccountChange:
    """A change the county decides itself (an upheld claim adopting the claimant's account):
    any pending request is refused, and the new account recorded as a confirmed change.

    The caller holds the enterprise's row lock and its transaction.
    """
    for pending in enterprise.bank_changes.select_for_update().filter(
        status=BankChangeStatus.PENDING
    ):
        _decide(pending, actor=actor, status=BankChangeStatus.REFUSED, reason=reason)
        audit_append(
            action="bank_change_refused",
            actor=actor,
            from_status=BankChangeStatus.PENDING,
            to_status=BankChangeStatus.REFUSED,
            reason=reason,
            data=_accounts(pending),
        )
    change = BankAccountChange.objects.create(
        enterprise=enterprise,
        old_bank_name=enterprise.bank_name,
        old_bank_account=enterprise.bank_account,
        new_bank_name=bank_name,
        new_bank_account=bank_account,
        requested_by=requested_by,
        status=BankChangeStatus.CONFIRMED,
        reason=reason,
        decided_by=actor,
        decided_at=timezone.now(),
    )
    enterprise.bank_name = bank_name
    enterprise.bank_account = bank_account
    enterprise.save(update_fields=["bank_name", "bank_account"])
    audit_append(
        action="bank_change_confirmed",
        actor=actor,
        to_status=BankChangeStatus.CONFIRMED,
        reason=reason,
        data=_accounts(change),
    )
    return change


def _decide(change: BankAccountChange, *, actor: User, status: str, reason: str) -> None:
    change.status = status
    change.reason = reason
    change.decided_by = actor
    change.decided_at = timezone.now()
    change.save(update_fields=["status", "reason", "decided_by", "decided_at"])


def _tell_members(
    enterprise: Enterprise, change: BankAccountChange, *, event: str, reason: str
) -> None:
    identity_notify(
        users=_members(enterprise),
        event=event,
        enterprise=enterprise.name,
        reason=reason,
        bank=change.new_bank_name,
        account=mask_account(change.new_bank_account),
    )
