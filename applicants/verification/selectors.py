"""Reads of identity checks: the county's queue, one object under the county's scope, what an
enterprise's pages say of its verification, and the account a batch pays to."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from applicants.models import Enterprise, User
from applicants.roles import Role
from applicants.verification.errors import IDENTITY_NOT_VERIFIED, IDENTITY_REFUSED_HINT
from applicants.verification.models import BankAccountChange, BusinessLicence, EnterpriseClaim
from applicants.verification.states import BankChangeStatus, ClaimStatus, IdentityStatus
from portal.compiled import fetch_compiled

# Each section of the queue lists at most this many (oldest first); the heading counts all.
QUEUE_SECTION_LIMIT = 100


def identity_blocker(enterprise: Enterprise) -> str:
    """Why the enterprise cannot submit yet, or "" once its county has verified it."""
    status = enterprise.identity_status
    if status == IdentityStatus.VERIFIED:
        return ""
    label = IdentityStatus(status).label if status in IdentityStatus.values else status
    text = str(IDENTITY_NOT_VERIFIED % {"status": label})
    if status == IdentityStatus.REFUSED and enterprise.identity_reason:
        text += str(IDENTITY_REFUSED_HINT % {"reason": enterprise.identity_reason})
    return text


def _county_of(user: User) -> str | None:
    """The county whose identity checks `user` decides, or None (no one else decides them)."""
    if user.is_authenticated and user.is_active and user.role == Role.COUNTY_REVIEWER:
        return user.jurisdiction or None
    return None


def enterprises_pending(*, user: User) -> QuerySet[Enterprise]:
    county = _county_of(user)
    if county is None:
        return Enterprise.objects.none()
    return (
        Enterprise.objects.filter(jurisdiction=county, identity_status=IdentityStatus.PENDING)
        .select_related("licence")
        .order_by("created_at", "id")
    )


def claims_open(*, user: User) -> QuerySet[EnterpriseClaim]:
    county = _county_of(user)
    if county is None:
        return EnterpriseClaim.objects.none()
    return (
        EnterpriseClaim.objects.filter(enterprise__jurisdiction=county, status=ClaimStatus.OPEN)
        .select_related("enterprise", "claimant")
        .order_by("created_at", "id")
    )


def bank_changes_pending(*, user: User) -> QuerySet[BankAccountChange]:
    county = _county_of(user)
    if county is None:
        return BankAccountChange.objects.none()
    return (
        BankAccountChange.objects.filter(
            enterprise__jurisdiction=county, status=BankChangeStatus.PENDING
        )
        .select_related("enterprise", "requested_by")
        .order_by("requested_at", "id")
    )


@dataclass(frozen=True)
class QueueSection:
    rows: list
    total: int


@dataclass(frozen=True)
class IdentityQueue:
    enterprises: QueueSection
    claims: QueueSection
    bank_changes: QueueSection

    @property
    def total(self) -> int:
        return self.enterprises.total + self.claims.total + self.bank_changes.total


def _section(rows: QuerySet) -> QueueSection:
    listed = list(rows[:QUEUE_SECTION_LIMIT])
    total = len(listed) if len(listed) < QUEUE_SECTION_LIMIT else rows.count()
    return QueueSection(rows=listed, total=total)


def identity_queue(*, user: User) -> IdentityQueue:
    """What waits for this county reviewer: verifications, claims, bank changes (3 queries)."""
    return IdentityQueue(
        enterprises=_section(enterprises_pending(user=user)),
        claims=_section(claims_open(user=user)),
        bank_changes=_section(bank_changes_pending(user=user)),
    )


def identity_pending_count(*, user: User) -> int:
    """How many identity checks wait for `user` (0 for anyone but a county reviewer)."""
    county = _county_of(user)
    if county is None:
        return 0
    # One query for the link shown on every load of the county's queue, not one per kind,
    # compiled once: a count as a one-row list (none when the county has no enterprise).
    counted = fetch_compiled("identity_pending", _pending_counts, county=county)
    return sum(counted[0]) if counted else 0


def _pending_counts(county: str) -> QuerySet[Enterprise, tuple[int, int, int]]:
    return (
        Enterprise.objects.filter(jurisdiction=county)
        .values("jurisdiction")
        .annotate(
            pending_enterprises=Count(
                "pk", filter=Q(identity_status=IdentityStatus.PENDING), distinct=True
            ),
            open_claims=Count("claims", filter=Q(claims__status=ClaimStatus.OPEN), distinct=True),
            pending_changes=Count(
                "bank_changes",
                filter=Q(bank_changes__status=BankChangeStatus.PENDING),
                distinct=True,
            ),
        )
        .values_list("pending_enterprises", "open_claims", "pending_changes")
    )


# --- one object, within the reviewer's county (else 404, as for cases) ------------------------


def _get_or_404(rows: QuerySet, pk: object):  # type: ignore[no-untyped-def]
    try:
        return rows.get(pk=pk)
    except (rows.model.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def enterprise_for_review(*, user: User, enterprise_id: int) -> Enterprise:
    county = _county_of(user)
    rows = Enterprise.objects.filter(jurisdiction=county or "\x00").select_related(
        "licence", "identity_decided_by"
    )
    return _get_or_404(rows, enterprise_id)  # type: ignore[no-any-return]


def claim_for_review(*, user: User, claim_id: int) -> EnterpriseClaim:
    county = _county_of(user)
    rows = EnterpriseClaim.objects.filter(enterprise__jurisdiction=county or "\x00").select_related(
        "enterprise", "enterprise__licence", "claimant", "licence", "decided_by"
    )
    return _get_or_404(rows, claim_id)  # type: ignore[no-any-return]


def bank_change_for_review(*, user: User, change_id: int) -> BankAccountChange:
    county = _county_of(user)
    rows = BankAccountChange.objects.filter(
        enterprise__jurisdiction=county or "\x00"
    ).select_related("enterprise", "requested_by", "decided_by")
    return _get_or_404(rows, change_id)  # type: ignore[no-any-return]


def licence_for_review(*, user: User, licence_id: int) -> BusinessLicence:
    """A licence, to the county reviewer of the enterprise it was offered for only."""
    county = _county_of(user)
    rows = BusinessLicence.objects.filter(enterprise__jurisdiction=county or "\x00")
    return _get_or_404(rows, licence_id)  # type: ignore[no-any-return]


def enterprise_members_for_review(*, enterprise: Enterprise) -> list[User]:
    return list(enterprise.members.order_by("date_joined", "id"))


# --- the enterprise's side -------------------------------------------------------------------


@dataclass(frozen=True)
class IdentityPanel:
    """What an enterprise user's pages say of identity: their enterprise's verification, its
    pending bank change, and the claims they filed (a claimant has no enterprise yet)."""

    enterprise: Enterprise | None
    pending_bank_change: BankAccountChange | None
    claims: list[EnterpriseClaim]


def identity_panel(*, user: User) -> IdentityPanel:
    enterprise = None
    change = None
    if user.enterprise_id:
        enterprise = Enterprise.objects.select_related("licence").get(pk=user.enterprise_id)
        change = enterprise.bank_changes.filter(status=BankChangeStatus.PENDING).first()
    claims = list(user.enterprise_claims.select_related("enterprise").order_by("-created_at")[:5])
    return IdentityPanel(enterprise=enterprise, pending_bank_change=change, claims=claims)


# --- the account a payment batch pays to -----------------------------------------------------


def bank_accounts_as_of(
    *, enterprise_ids: Iterable[int], at: datetime
) -> dict[int, tuple[str, str]]:
    """(bank name, account) of each enterprise whose account changed after `at`: the one it
    had then (the old account of its first change confirmed after `at`). One query.

    Enterprises not in the answer had the account on file then too. A batch built at `at`
    pays what it was built with, whatever the county confirms later.
    """
    ids = set(enterprise_ids)
    if not ids:
        return {}
    later = (
        BankAccountChange.objects.filter(
            enterprise_id__in=ids, status=BankChangeStatus.CONFIRMED, decided_at__gt=at
        )
        .order_by("enterprise_id", "decided_at", "id")
        .values_list("enterprise_id", "old_bank_name", "old_bank_account")
    )
    accounts: dict[int, tuple[str, str]] = {}
    for enterprise_id, name, account in later:
        accounts.setdefault(enterprise_id, (name, account))
    return accounts
