"""Reads for applicants."""

from applicants.models import Enterprise, User


def enterprise_for_user(*, user: User) -> Enterprise | None:
    """The enterprise a signed-in enterprise user acts for, if any."""
    return user.enterprise if user.is_authenticated and user.enterprise_id else None
