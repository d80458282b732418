"""Creating, revoking and checking API tokens. Each creation and revocation is an audit entry."""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from applicants.api_tokens import errors
from applicants.api_tokens.models import ApiToken, TokenScope
from applicants.audit import audit_append
from applicants.errors import FIELD_REQUIRED, ServiceError
from applicants.models import User
from applicants.text import clean_text
from applicants.two_factor.selectors import totp_device_confirmed, two_factor_required

# Tokens say what they are (so a leaked one is recognised by secret scanners) and which part of
# them is the prefix lists show.
TOKEN_MARK = "xydp_"  # noqa: S105 (a marker, not a secret)
PREFIX_LENGTH = len(TOKEN_MARK) + 6
# Writing the last use on every request would cost a write each; a minute's precision is enough.
LAST_USED_WRITE_INTERVAL = timedelta(minutes=1)


@dataclass(frozen=True)
class CreatedToken:
    token: ApiToken
    # The token itself: shown once to its owner, never stored.
    secret: str


def token_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _refuse_unless_second_factor(user: User) -> None:
    if two_factor_required(user=user) and totp_device_confirmed(user_id=user.pk) is None:
        raise ServiceError(errors.TOKEN_NEEDS_SECOND_FACTOR, code="second_factor_required")


def api_token_create(*, user: User, name: str, scope: str, valid_days: int) -> CreatedToken:
    """A new token for `user`. Officials need an enrolled second factor (their pages also need
    it passed); the number of live tokens and their lifetime are bounded by settings."""
    name = clean_text(name)
    if not name:
        raise ServiceError(FIELD_REQUIRED, field="name", code="required")
    if scope not in TokenScope.values:
        raise ServiceError(errors.TOKEN_CHOICE, field="scope", code="invalid_choice")
    if valid_days not in settings.API_TOKEN_VALID_DAYS:
        raise ServiceError(errors.TOKEN_CHOICE, field="valid_days", code="invalid_choice")
    _refuse_unless_second_factor(user)
    now = timezone.now()
    with transaction.atomic():
        # The user's row serialises two creations at once, so the limit holds.
        User.objects.select_for_update().only("pk").get(pk=user.pk)
        live = ApiToken.objects.filter(user=user, revoked_at=None, expires_at__gt=now)
        if live.filter(name=name).exists():
            raise ServiceError(errors.TOKEN_NAME_TAKEN, field="name", code="duplicate")
        if live.count() >= settings.API_TOKEN_MAX_PER_USER:
            raise ServiceError(
                errors.TOKEN_LIMIT % {"max": settings.API_TOKEN_MAX_PER_USER}, code="limit"
            )
        secret = TOKEN_MARK + secrets.token_urlsafe(32)
        token = ApiToken.objects.create(
            user=user,
            name=name,
            scope=scope,
            prefix=secret[:PREFIX_LENGTH],
            key_hash=token_hash(secret),
            created_at=now,
            expires_at=now + timedelta(days=valid_days),
        )
        audit_append(
            action="api_token_created",
            actor=user,
            data={
                "token": token.pk,
                "name": name,
                "scope": scope,
                "prefix": token.prefix,
                "expires_at": token.expires_at.isoformat(),
            },
        )
    return CreatedToken(token=token, secret=secret)


def api_token_revoke(*, user: User, token_id: int) -> ApiToken:
    """Revoke one of the user's own tokens (another's is not found). Revoking twice is a no-op."""
    with transaction.atomic():
        token = ApiToken.objects.select_for_update().filter(user=user, pk=token_id).first()
        if token is None:
            raise ServiceError(errors.TOKEN_NOT_FOUND, code="not_found")
        if token.revoked_at is not None:
            return token
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit_append(
            action="api_token_revoked",
            actor=user,
            data={"token": token.pk, "name": token.name, "prefix": token.prefix},
        )
    return token


def api_token_authenticate(secret: str) -> ApiToken:
    """The live token `secret` names, with its user; ServiceError (401) otherwise."""
    token = ApiToken.objects.select_related("user").filter(key_hash=token_hash(secret)).first()
    if token is None:
        raise ServiceError(errors.TOKEN_INVALID, code="token_invalid")
    now = timezone.now()
    if token.revoked_at is not None:
        raise ServiceError(errors.TOKEN_REVOKED, code="token_revoked")
    if token.expires_at <= now:
        raise ServiceError(errors.TOKEN_EXPIRED, code="token_expired")
    if not token.user.is_active:
        raise ServiceError(errors.TOKEN_ACCOUNT_INACTIVE, code="account_inactive")
    # An administrator's reset of the second factor stops the official's tokens too.
    if (
        two_factor_required(user=token.user)
        and totp_device_confirmed(user_id=token.user_id) is None
    ):
        raise ServiceError(errors.TOKEN_NEEDS_SECOND_FACTOR, code="second_factor_required")
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_WRITE_INTERVAL:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token
