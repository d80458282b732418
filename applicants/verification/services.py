"""Writes of identity checks: the county verifies or refuses an enterprise, and a refused
enterprise asks again. Each is audited. Claims are in `claims`, bank changes in `bank_changes`.

Only the county reviewer of the enterprise's own county decides (`_county_check`); the views
look objects up through the selectors, which already answer 404 outside that county.
"""

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from applicants.audit import audit_append
from applicants.errors import NOT_AN_ENTERPRISE_USER, Conflict, NotAllowed, ServiceError
from applicants.models import Enterprise, User
from applicants.roles import Role
from applicants.text import clean_text
from applicants.verification.errors import (
    IDENTITY_ALREADY_DECIDED,
    IDENTITY_ALREADY_VERIFIED,
    NOT_YOUR_COUNTY,
    REASON_REQUIRED,
    REASON_TOO_LONG,
)
from applicants.verification.licences import licence_audit_data, licence_store
from applicants.verification.notices import identity_notify
from applicants.verification.states import IdentityStatus

REASON_MAX = 2000


def reason_clean(reason: str, *, required: bool, field: str = "reason") -> str:
    """A reason as stored: `clean_text` (multi-line), required if asked, at most REASON_MAX."""
    text = clean_text(reason, multiline=True)
    if required and not text:
        raise ServiceError(REASON_REQUIRED, field=field)
    if len(text) > REASON_MAX:
        raise ServiceError(REASON_TOO_LONG % {"max": REASON_MAX}, field=field)
    return text


def _county_check(actor: User, enterprise: Enterprise) -> None:
    """The county reviewer of the enterprise's county, else NotAllowed."""
    if actor.role != Role.COUNTY_REVIEWER or actor.jurisdiction != enterprise.jurisdiction:
        raise NotAllowed(NOT_YOUR_COUNTY)


def county_reviewers(jurisdiction: str) -> list[User]:
    """Who is told of a new verification, claim or bank change in a county."""
    return list(
        User.objects.filter(role=Role.COUNTY_REVIEWER, jurisdiction=jurisdiction, is_active=True)
    )


def _members(enterprise: Enterprise) -> list[User]:
    return list(enterprise.members.filter(is_active=True))


def _locked_enterprise(enterprise_id: int) -> Enterprise:
    try:
        return Enterprise.objects.select_for_update().get(pk=enterprise_id)
    except Enterprise.DoesNotExist:
        raise NotAllowed() from None


# --- verification ------------------------------------------------------------------------------


def enterprise_registered(
    *, enterprise: Enterprise, actor: User, licence: UploadedFile | None
) -> None:
    """The registration's licence stored and the county told (registration calls this)."""
    stored = licence_store(enterprise=enterprise, upload=licence, actor=actor)
    enterprise.licence = stored
    enterprise.identity_status = IdentityStatus.PENDING
    enterprise.save(update_fields=["licence", "identity_status"])
    audit_append(
        action="identity_requested",
        actor=actor,
        data={"enterprise_id": enterprise.pk, **licence_audit_data(stored)},
    )
    identity_notify(
        users=county_reviewers(enterprise.jurisdiction),
        event="registered",
        enterprise=enterprise.name,
    )


@transaction.atomic
def enterprise_verify(*, actor: User, enterprise_id: int, reason: str = "") -> Enterprise:
    """The county verifies the enterprise (核验通过): from now on its cases can be submitted."""
    return _decide(actor=actor, enterprise_id=enterprise_id, verified=True, reason=reason)


@transaction.atomic
def enterprise_refuse(*, actor: User, enterprise_id: int, reason: str) -> Enterprise:
    """The county refuses the verification, saying why; the enterprise may ask again."""
    return _decide(actor=actor, enterprise_id=enterprise_id, verified=False, reason=reason)


def _decide(*, actor: User, enterprise_id: int, verified: bool, reason: str) -> Enterprise:
    reason = reason_clean(reason, required=not verified)
    enterprise = _locked_enterprise(enterprise_id)
    _county_check(actor, enterprise)
    if enterprise.identity_status != IdentityStatus.PENDING:
        raise Conflict(
            IDENTITY_ALREADY_DECIDED % {"status": IdentityStatus(enterprise.identity_status).label}
        )
    to_status = IdentityStatus.VERIFIED if verified else IdentityStatus.REFUSED
    enterprise.identity_status = to_status
    enterprise.identity_reason = reason
    enterprise.identity_decided_by = actor
    enterprise.identity_decided_at = timezone.now()
    enterprise.save(
        update_fields=[
            "identity_status",
            "identity_reason",
            "identity_decided_by",
            "identity_decided_at",
        ]
    )
    audit_append(
        action="identity_verified" if verified else "identity_refused",
        actor=actor,
        from_status=IdentityStatus.PENDING,
        to_status=to_status,
        reason=reason,
        data={
            "enterprise_id": enterprise.pk,
            "credit_code": enterprise.credit_code,
            "licence_id": enterprise.licence_id,
        },
    )
    identity_notify(
        users=_members(enterprise),
        event="verified" if verified else "refused",
        enterprise=enterprise.name,
        reason=reason,
    )
    return enterprise


@transaction.atomic
def enterprise_licence_resubmit(*, actor: User, licence: UploadedFile | None) -> Enterprise:
    """A member uploads a new licence while unverified (after a refusal: asks again)."""
    if actor.role != Role.ENTERPRISE or actor.enterprise_id is None:
        raise NotAllowed(NOT_AN_ENTERPRISE_USER)
    enterprise = _locked_enterprise(actor.enterprise_id)
    if enterprise.identity_status == IdentityStatus.VERIFIED:
        raise ServiceError(IDENTITY_ALREADY_VERIFIED, field="licence")
    stored = licence_store(enterprise=enterprise, upload=licence, actor=actor)
    before = enterprise.identity_status
    enterprise.licence = stored
    enterprise.identity_status = IdentityStatus.PENDING
    enterprise.save(update_fields=["licence", "identity_status"])
    audit_append(
        action="identity_requested",
        actor=actor,
        from_status=before,
        to_status=IdentityStatus.PENDING,
        data={"enterprise_id": enterprise.pk, **licence_audit_data(stored)},
    )
    identity_notify(
        users=county_reviewers(enterprise.jurisdiction),
        event="licence_resubmitted",
        enterprise=enterprise.name,
    )
    return enterprise
