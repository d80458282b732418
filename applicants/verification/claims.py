"""Claims on a registered credit code (单位认领): a second registration opens one, the county
of the enterprise upholds it (the claimant joins; the other accounts may be disabled) or
dismisses it (the claimant's account disabled or left without access). Each step is audited."""

from dataclasses import asdict

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from applicants import policy
from applicants.audit import audit_append
from applicants.errors import (
    UNKNOWN_JURISDICTION,
    USERNAME_TAKEN,
    Conflict,
    NotAllowed,
    ServiceError,
)
from applicants.models import Enterprise, User
from applicants.roles import Role
from applicants.services.accounts import user_create
from applicants.services.enterprises import EnterpriseInput, credit_code_normalize
from applicants.text import clean_text
from applicants.verification.bank_changes import bank_change_apply
from applicants.verification.errors import (
    CLAIM_ALREADY_DECIDED,
    CLAIM_CLAIMANT_ELSEWHERE,
    CLAIM_CODE_NOT_REGISTERED,
    CLAIM_STATEMENT_REQUIRED,
    REASON_TOO_LONG,
)
from applicants.verification.licences import licence_audit_data, licence_store
from applicants.verification.models import EnterpriseClaim
from applicants.verification.notices import identity_notify
from applicants.verification.services import (
    _county_check,
    _locked_enterprise,
    county_reviewers,
    reason_clean,
)
from applicants.verification.states import ClaimStatus, IdentityStatus

STATEMENT_MAX = 2000


@transaction.atomic
def enterprise_claim_register(
    *,
    enterprise: EnterpriseInput,
    username: str,
    password: str,
    statement: str,
    licence: UploadedFile | None,
) -> EnterpriseClaim:
    """A second registration of a registered code: the account is created without the
    enterprise (it sees none of its cases) and a claim opens for the county to resolve."""
    data = enterprise.cleaned()
    code = credit_code_normalize(data.credit_code)
    if data.jurisdiction not in dict(policy.jurisdiction_choices()):
        raise ServiceError(UNKNOWN_JURISDICTION, field="jurisdiction")
    target = Enterprise.objects.filter(credit_code=code).first()
    if target is None:
        raise ServiceError(CLAIM_CODE_NOT_REGISTERED, field="credit_code")
    text = clean_text(statement, multiline=True)
    if not text:
        raise ServiceError(CLAIM_STATEMENT_REQUIRED, field="claim_statement")
    if len(text) > STATEMENT_MAX:
        raise ServiceError(REASON_TOO_LONG % {"max": STATEMENT_MAX}, field="claim_statement")
    if User.objects.filter(username__iexact=username).exists():
        raise ServiceError(USERNAME_TAKEN, field="username")
    try:
        with transaction.atomic():
            claimant = user_create(
                username=username,
                password=password,
                role=Role.ENTERPRISE,
                display_name=data.contact_name,
                email=data.contact_email,
                enterprise=None,
            )
    except IntegrityError:
        raise ServiceError(USERNAME_TAKEN, field="username") from None
    stored = licence_store(enterprise=target, upload=licence, actor=claimant)
    details = {k: v for k, v in asdict(data).items() if k not in {"bank_name", "bank_account"}}
    claim = EnterpriseClaim.objects.create(
        enterprise=target,
        claimant=claimant,
        licence=stored,
        statement=text,
        details={**details, "credit_code": code},
        bank_name=data.bank_name,
        bank_account=data.bank_account,
    )
    audit_append(
        action="claim_opened",
        actor=claimant,
        data={
            "claim_id": claim.pk,
            "enterprise_id": target.pk,
            "credit_code": code,
            "claimant_id": claimant.pk,
            **licence_audit_data(stored),
        },
    )
    identity_notify(
        users=county_reviewers(target.jurisdiction), event="claim_opened", enterprise=target.name
    )
    return claim


def _locked_open_claim(actor: User, claim_id: int) -> EnterpriseClaim:
    try:
        claim = (
            EnterpriseClaim.objects.select_for_update()
            .select_related("enterprise", "claimant", "licence")
            .get(pk=claim_id)
        )
    except EnterpriseClaim.DoesNotExist:
        raise NotAllowed() from None
    _county_check(actor, claim.enterprise)
    if claim.status != ClaimStatus.OPEN:
        raise Conflict(CLAIM_ALREADY_DECIDED % {"status": ClaimStatus(claim.status).label})
    return claim


@transaction.atomic
def claim_uphold(
    *,
    actor: User,
    claim_id: int,
    reason: str,
    disable_members: bool,
    adopt_bank_account: bool,
) -> EnterpriseClaim:
    """认领成立: the claimant becomes a member and the enterprise is verified on their licence.

    `disable_members` disables every other member's account (an impostor's registration);
    `adopt_bank_account` pays to the account the claimant registered with from now on (a
    confirmed bank change, audited with both accounts).
    """
    reason = reason_clean(reason, required=True)
    claim = _locked_open_claim(actor, claim_id)
    enterprise = _locked_enterprise(claim.enterprise_id)
    claimant = User.objects.select_for_update().get(pk=claim.claimant_id)
    if claimant.enterprise_id not in (None, enterprise.pk):
        raise Conflict(CLAIM_CLAIMANT_ELSEWHERE)
    claimant.enterprise = enterprise
    claimant.save(update_fields=["enterprise"])
    disabled: list[int] = []
    if disable_members:
        others = enterprise.members.exclude(pk=claimant.pk).filter(is_active=True)
        disabled = sorted(others.values_list("pk", flat=True))
        others.update(is_active=False)
    now = timezone.now()
    before = enterprise.identity_status
    enterprise.identity_status = IdentityStatus.VERIFIED
    enterprise.identity_reason = reason
    enterprise.identity_decided_by = actor
    enterprise.identity_decided_at = now
    enterprise.licence = claim.licence
    enterprise.save(
        update_fields=[
            "identity_status",
            "identity_reason",
            "identity_decided_by",
            "identity_decided_at",
            "licence",
        ]
    )
    bank_change = None
    if adopt_bank_account and (claim.bank_name, claim.bank_account) != (
        enterprise.bank_name,
        enterprise.bank_account,
    ):
        bank_change = bank_change_apply(
            enterprise=enterprise,
            actor=actor,
            requested_by=claimant,
            bank_name=claim.bank_name,
            bank_account=claim.bank_account,
            reason=reason,
        )
    claim.status = ClaimStatus.UPHELD
    claim.resolution_reason = reason
    claim.resolution = {
        "members_disabled": disabled,
        "bank_change_id": bank_change.pk if bank_change else None,
    }
    claim.decided_by = actor
    claim.decided_at = now
    claim.save(
        update_fields=["status", "resolution_reason", "resolution", "decided_by", "decided_at"]
    )
    audit_append(
        action="claim_upheld",
        actor=actor,
        from_status=ClaimStatus.OPEN,
        to_status=ClaimStatus.UPHELD,
        reason=reason,
        data={
            "claim_id": claim.pk,
            "enterprise_id": enterprise.pk,
            "claimant_id": claimant.pk,
            "members_disabled": disabled,
            "identity_before": before,
            "licence_id": claim.licence_id,
            "bank_change_id": bank_change.pk if bank_change else None,
        },
    )
    identity_notify(
        users=[claimant], event="claim_upheld", enterprise=enterprise.name, reason=reason
    )
    return claim


@transaction.atomic
def claim_dismiss(
    *, actor: User, claim_id: int, reason: str, disable_claimant: bool
) -> EnterpriseClaim:
    """认领不成立: the enterprise stays as it is; the claimant's account is disabled, or left
    signed-in-able but without any enterprise (it sees no case and can submit nothing)."""
    reason = reason_clean(reason, required=True)
    claim = _locked_open_claim(actor, claim_id)
    claimant = User.objects.select_for_update().get(pk=claim.claimant_id)
    # Told before the account is disabled (a disabled account is sent nothing).
    identity_notify(
        users=[claimant], event="claim_dismissed", enterprise=claim.enterprise.name, reason=reason
    )
    if disable_claimant and claimant.enterprise_id is None:
        claimant.is_active = False
        claimant.save(update_fields=["is_active"])
    claim.status = ClaimStatus.DISMISSED
    claim.resolution_reason = reason
    claim.resolution = {"claimant_disabled": not claimant.is_active}
    claim.decided_by = actor
    claim.decided_at = timezone.now()
    claim.save(
        update_fields=["status", "resolution_reason", "resolution", "decided_by", "decided_at"]
    )
    audit_append(
        action="claim_dismissed",
        actor=actor,
        from_status=ClaimStatus.OPEN,
        to_status=ClaimStatus.DISMISSED,
        reason=reason,
        data={
            "claim_id": claim.pk,
            "enterprise_id": claim.enterprise_id,
            "claimant_id": claimant.pk,
            "claimant_disabled": not claimant.is_active,
        },
    )
    return claim
