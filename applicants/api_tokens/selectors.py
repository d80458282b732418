"""Reads of API tokens."""

from django.db.models import QuerySet

from applicants.api_tokens.models import ApiToken
from applicants.models import User


def api_tokens_of(*, user: User) -> QuerySet[ApiToken]:
    """The user's own tokens, newest first, revoked and expired ones included (for the record)."""
    return ApiToken.objects.filter(user=user).order_by("-created_at", "-id")
