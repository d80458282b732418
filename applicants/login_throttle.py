"""Sign-in failures are counted per account and per address; past the limit the sign-in is
refused, plainly, until the lock runs out or an administrator lifts it.

Counted in the database (every worker process sees the same count), by the address read the one
way the portal reads it (applicants.client_address). A correct password does not get through a
lock: otherwise guessing would only need to be fast.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from applicants.audit import audit_append
from applicants.models import LoginFailure, User


@dataclass(frozen=True)
class Lock:
    until: datetime
    by_address: bool


def _window_start() -> datetime:
    return timezone.now() - timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES)


def _normal(username: str) -> str:
    return (username or "").strip().lower()[:150]


def login_lock(*, username: str, address: str | None) -> Lock | None:
    """The lock on this account or this address now, or None."""
    since = _window_start()
    account = LoginFailure.objects.filter(username=_normal(username), created_at__gte=since)
    if account.count() >= settings.LOGIN_FAILURE_LIMIT:
        latest = account.order_by("-created_at").values_list("created_at", flat=True).first()
        assert latest is not None
        return Lock(latest + timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES), by_address=False)
    if address:
        source = LoginFailure.objects.filter(ip_address=address, created_at__gte=since)
        if source.count() >= settings.LOGIN_FAILURE_LIMIT_PER_ADDRESS:
            latest = source.order_by("-created_at").values_list("created_at", flat=True).first()
            assert latest is not None
            return Lock(latest + timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES), by_address=True)
    return None


def login_failure_record(*, username: str, address: str | None) -> None:
    LoginFailure.objects.create(username=_normal(username), ip_address=address)


def login_success(*, username: str) -> None:
    """A successful sign-in clears the account's count (not the address's)."""
    LoginFailure.objects.filter(username=_normal(username)).delete()


@transaction.atomic
def login_unlock(*, username: str, actor: User) -> int:
    """An administrator lifts an account's lock; audited. Returns the failures cleared."""
    cleared, _ = LoginFailure.objects.filter(username=_normal(username)).delete()
    audit_append(
        action="login_unlocked",
        actor=actor,
        data={"username": _normal(username), "cleared": cleared},
    )
    return cleared
