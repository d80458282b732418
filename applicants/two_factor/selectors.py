"""Reads of the second factor: who needs it, and what an official has enrolled."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice


def two_factor_required(*, user: Any) -> bool:
    """Whether this (possibly anonymous) user must pass a second factor: the official roles."""
    return bool(user.is_authenticated and getattr(user, "role", "") in settings.OTP_REQUIRED_ROLES)


def two_factor_passed(*, user: Any) -> bool:
    """Whether this request's session passed a second factor (OTPMiddleware's otp_device)."""
    return getattr(user, "otp_device", None) is not None


def totp_device_confirmed(*, user_id: int) -> TOTPDevice | None:
    """The official's authenticator, once enrolment confirmed it."""
    return TOTPDevice.objects.filter(user_id=user_id, confirmed=True).order_by("-id").first()


@dataclass(frozen=True)
class TwoFactorStatus:
    enrolled: bool
    enrolled_at: datetime | None
    last_used_at: datetime | None
    backup_codes_left: int


def two_factor_status(*, user_id: int) -> TwoFactorStatus:
    """What the security page shows: the authenticator's dates and the backup codes left."""
    device = totp_device_confirmed(user_id=user_id)
    left = StaticToken.objects.filter(device__user_id=user_id, device__confirmed=True).count()
    return TwoFactorStatus(
        enrolled=device is not None,
        enrolled_at=device.created_at if device else None,
        last_used_at=device.last_used_at if device else None,
        backup_codes_left=left,
    )
