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
from django.db.models import Count, Max, QuerySet
from django.utils import timezone

from applicants.audit import audit_append
from applicants.models import LoginFailure, User
from applicants.text import clean_text


@dataclass(frozen=True)
class Lock:
    until: datetime
    by_address: bool


def _window_start() -> datetime:
    return timezone.now() - timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES)


def _normal(username: str) -> str:
    # Invisible characters never make another account: "admin\u200b" counts against admin.
    return clean_text(username).replace("\x00", "").lower()[:150]


def _lock_of(failures: QuerySet[LoginFailure], limit: int, *, by_address: bool) -> Lock | None:
    # One query: how many failures in the window, and when the last one was.
    seen = failures.filter(created_at__gte=_window_start()).aggregate(
        count=Count("id"), latest=Max("created_at")
    )
    if seen["count"] < limit:
        return None
    return Lock(seen["latest"] + timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES), by_address)


def login_lock(*, username: str, address: str | None) -> Lock | None:
    """The lock on this account or this address now, or None."""
    account = LoginFailure.objects.filter(username=_normal(username))
    lock = _lock_of(account, settings.LOGIN_FAILURE_LIMIT, by_address=False)
    if lock is None and address:
        source = LoginFailure.objects.filter(ip_address=address)
        lock = _lock_of(source, settings.LOGIN_FAILURE_LIMIT_PER_ADDRESS, by_address=True)
    return lock


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
