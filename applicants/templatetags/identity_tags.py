"""Identity checks in templates: labels of their states, masked accounts, the panels' data."""

from django import template

from applicants.models import User
from applicants.verification import selectors
from applicants.verification.masking import mask_account as _mask
from applicants.verification.states import BankChangeStatus, ClaimStatus, IdentityStatus

register = template.Library()

_BADGES = {
    IdentityStatus.PENDING: "bg-warning text-dark",
    IdentityStatus.VERIFIED: "bg-success",
    IdentityStatus.REFUSED: "bg-danger",
}


@register.filter
def mask_account(account: str) -> str:
    return _mask(account or "")


@register.filter
def identity_label(status: str) -> str:
    return str(IdentityStatus(status).label) if status in IdentityStatus.values else ""


@register.filter
def identity_badge(status: str) -> str:
    return _BADGES.get(status, "bg-secondary")  # type: ignore[call-overload]


@register.filter
def claim_label(status: str) -> str:
    return str(ClaimStatus(status).label) if status in ClaimStatus.values else ""


@register.filter
def bank_change_label(status: str) -> str:
    return str(BankChangeStatus(status).label) if status in BankChangeStatus.values else ""


@register.simple_tag
def identity_panel(user: User) -> selectors.IdentityPanel:
    return selectors.identity_panel(user=user)


@register.simple_tag
def identity_pending_count(user: User) -> int:
    return selectors.identity_pending_count(user=user)
