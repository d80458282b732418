"""Writes of the second factor: enrolment, verification, backup codes, an administrator's reset.

A wrong code is a failed sign-in for applicants.login_throttle (the same per-account and
per-address lockout as a wrong password); a locked account passes no code, even the right one.
"""

import hashlib
import hmac
import re
import secrets
import unicodedata
from base64 import b32encode
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django_otp import verify_token
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from applicants.audit import audit_append
from applicants.errors import ServiceError
from applicants.login_throttle import Lock, login_failure_record, login_lock, login_success
from applicants.models import User
from applicants.two_factor import errors

AUTHENTICATOR_NAME = "authenticator"
BACKUP_DEVICE_NAME = "backup"
# Backup codes: no 0/o, 1/l/i, so a code copied from paper reads one way.
BACKUP_CODE_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
BACKUP_CODE_LENGTH = 8
_TOTP_CODE = re.compile(r"^\d{6}$")
_SEPARATORS = re.compile(r"[\s\-_.·]+")


def code_normalise(raw: object) -> str:
    """A code as typed → as stored: full-width digits and letters folded (NFKC), spaces and
    hyphens removed, lower case ("１２３ ４５６" → "123456", "ABCD-EFGH" → "abcdefgh")."""
    text = unicodedata.normalize("NFKC", str(raw or ""))
    return _SEPARATORS.sub("", text).lower()[:32]


def backup_code_display(code: str) -> str:
    """abcdefgh → abcd-efgh: two groups read and copied more easily."""
    half = len(code) // 2
    return f"{code[:half]}-{code[half:]}"


def totp_secret_display(device: TOTPDevice) -> str:
    """The device's key in base32 by groups of four, as authenticator apps accept it typed."""
    secret = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def lock_message(lock: Lock) -> str:
    """The sign-in form's own words for a lock (the same lock: it is the same sign-in)."""
    from applicants.login_form import ACCOUNT_LOCKED, ADDRESS_LOCKED

    until = date_format(timezone.localtime(lock.until), "Y-m-d H:i")
    message = ADDRESS_LOCKED if lock.by_address else ACCOUNT_LOCKED
    return str(message) % {"limit": settings.LOGIN_FAILURE_LIMIT, "until": until}


def _refuse_if_locked(*, user: User, address: str | None) -> None:
    lock = login_lock(username=user.username, address=address)
    if lock is not None:
        raise ServiceError(lock_message(lock), code="locked")


def _refuse_if_throttled(device: Device) -> None:
    """django-otp's back-off after wrong codes: said with its end, not counted as a guess."""
    allowed, info = device.verify_is_allowed()
    if not allowed:
        until = (info or {}).get("locked_until") or timezone.now()
        seconds = max(1, int((until - timezone.now()).total_seconds()) + 1)
        raise ServiceError(
            str(errors.CODE_THROTTLED) % {"seconds": seconds}, field="code", code="throttled"
        )


def _failed(*, user: User, address: str | None, message: object) -> ServiceError:
    login_failure_record(username=user.username, address=address)
    return ServiceError(message, field="code", code="wrong_code")


def second_factor_verify(*, user: User, code: str, address: str | None) -> Device:
    """The device that accepts this code (the authenticator's 6 digits, or an unused backup
    code, then spent); refuses a wrong one (a failed sign-in), or any while locked."""
    _refuse_if_locked(user=user, address=address)
    token = code_normalise(code)
    if not token:
        raise ServiceError(errors.CODE_REQUIRED, field="code", code="required")
    model: type[Device] = TOTPDevice if _TOTP_CODE.match(token) else StaticDevice
    devices = list(model.objects.filter(user=user, confirmed=True).order_by("-id"))
    for device in devices:
        _refuse_if_throttled(device)
    for device in devices:
        # verify_token locks the device row: one code passes once, even in two tabs at once.
        verified = verify_token(user, device.persistent_id, token)
        if verified is not None:
            login_success(username=user.username)
            return verified
    raise _failed(user=user, address=address, message=errors.CODE_WRONG)


def totp_enrolment_start(*, user: User) -> TOTPDevice:
    """The authenticator being added (unconfirmed): the same one until it is confirmed, so a
    reloaded page keeps the secret already typed into the app."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-id").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=AUTHENTICATOR_NAME, confirmed=False)
    return device


@dataclass(frozen=True)
class Enrolment:
    device: TOTPDevice
    backup_codes: list[str]


def totp_enrolment_confirm(*, user: User, code: str, address: str | None) -> Enrolment:
    """A code from the new authenticator confirms it; it replaces any earlier one, and a fresh
    set of backup codes replaces the old (audited `two_factor_enrolled`)."""
    _refuse_if_locked(user=user, address=address)
    token = code_normalise(code)
    if not _TOTP_CODE.match(token):
        raise ServiceError(errors.ENROLMENT_CODE_WRONG, field="code", code="required")
    with transaction.atomic():
        device = (
            TOTPDevice.objects.select_for_update()
            .filter(user=user, confirmed=False)
            .order_by("-id")
            .first()
        )
        if device is None:
            raise ServiceError(errors.ENROLMENT_EXPIRED, field="code", code="expired")
        _refuse_if_throttled(device)
        if device.verify_token(token):
            replaced, _ = TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            codes = _backup_codes_replace(user=user)
            audit_append(
                action="two_factor_enrolled",
                actor=user,
                data={"username": user.username, "replaced": bool(replaced)},
            )
            login_success(username=user.username)
            return Enrolment(device=device, backup_codes=codes)
    # Outside the transaction: the device's back-off and the failure stay recorded.
    raise _failed(user=user, address=address, message=errors.ENROLMENT_CODE_WRONG)


def _backup_codes_replace(*, user: User, codes: list[str] | None = None) -> list[str]:
    # The device is kept (only its tokens change): a session verified by a backup code stays so.
    device, _ = StaticDevice.objects.get_or_create(
        user=user, name=BACKUP_DEVICE_NAME, defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    if codes is None:
        codes = [
            "".join(secrets.choice(BACKUP_CODE_ALPHABET) for _ in range(BACKUP_CODE_LENGTH))
            for _ in range(settings.OTP_BACKUP_CODE_COUNT)
        ]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


@transaction.atomic
def backup_codes_regenerate(*, user: User) -> list[str]:
    """A new set of backup codes; the old ones stop working (audited)."""
    codes = _backup_codes_replace(user=user)
    audit_append(
        action="two_factor_backup_codes_regenerated",
        actor=user,
        data={"username": user.username, "count": len(codes)},
    )
    return codes


@transaction.atomic
def two_factor_reset(*, user: User, actor: User) -> int:
    """An administrator removes an official's authenticator and backup codes (a lost phone):
    the official enrols again at the next page; audited. Returns the devices removed."""
    removed = 0
    for model in (TOTPDevice, StaticDevice):
        # The devices, not the backup codes deleted with them.
        _, per_model = model.objects.filter(user=user).delete()
        removed += per_model.get(model._meta.label, 0)
    audit_append(
        action="two_factor_reset",
        actor=actor,
        data={"username": user.username, "removed": removed},
    )
    return removed


def credentials_confirm(
    *, user: User, password: str, code: str | None, address: str | None
) -> None:
    """Re-authentication: the password, and for an official a second-factor code, checked as
    a sign-in is (lockout, failures counted)."""
    from applicants.two_factor.selectors import two_factor_required

    _refuse_if_locked(user=user, address=address)
    if not password:
        raise ServiceError(errors.PASSWORD_REQUIRED, field="password", code="required")
    if not user.check_password(password):
        login_failure_record(username=user.username, address=address)
        raise ServiceError(errors.PASSWORD_WRONG, field="password", code="wrong_password")
    if two_factor_required(user=user):
        second_factor_verify(user=user, code=code or "", address=address)
    else:
        login_success(username=user.username)


# --- the demo ------------------------------------------------------------------------------------

# Not a secret: the demo's officials get keys anyone can recompute, so `make run` can print them.
_DEMO_SEED = b"xinyang-portal-demo-second-factor"


@dataclass(frozen=True)
class DemoFactor:
    secret: str
    backup_codes: list[str]


def _demo_digest(user: User, purpose: str) -> bytes:
    return hmac.new(_DEMO_SEED, f"{purpose}:{user.username}".encode(), hashlib.sha256).digest()


@transaction.atomic
def two_factor_demo_enrol(*, user: User, backup_codes: int = 3) -> DemoFactor:
    """A demo official enrolled with a key derived from the username, and `backup_codes` fixed
    backup codes (restored on every load); idempotent."""
    key = _demo_digest(user, "totp")[:20].hex()
    device = TOTPDevice.objects.filter(user=user, confirmed=True, key=key).first()
    if device is None:
        TOTPDevice.objects.filter(user=user).delete()
        device = TOTPDevice.objects.create(
            user=user, name=AUTHENTICATOR_NAME, key=key, confirmed=True
        )
        audit_append(
            action="two_factor_enrolled",
            actor=None,
            data={"username": user.username, "demo": True},
        )
    digest = _demo_digest(user, "backup")
    codes = [
        "".join(
            BACKUP_CODE_ALPHABET[b % len(BACKUP_CODE_ALPHABET)]
            for b in digest[i * BACKUP_CODE_LENGTH : (i + 1) * BACKUP_CODE_LENGTH]
        )
        for i in range(backup_codes)
    ]
    _backup_codes_replace(user=user, codes=codes)
    return DemoFactor(
        secret=totp_secret_display(device).replace(" ", ""),
        backup_codes=[backup_code_display(code) for code in codes],
    )
