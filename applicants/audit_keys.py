"""The keys of the audit trail's MAC: from the environment, never from the database.

`AUDIT_KEYS` lists `id:algorithm:base64-secret` entries separated by `;`; `AUDIT_KEY_ID` names the
one new entries use (default: the first). Each entry stores its key id, so keys rotate: add the new
key first, keep the old ones listed for as long as their entries must verify. The algorithm is the
national one by default — HMAC-SM3 (GB/T 32905) — or HMAC-SHA256.
"""

import base64
import binascii
import hashlib
import hmac as std_hmac
from dataclasses import dataclass
from functools import cache

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives import hmac as crypto_hmac
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

ALGORITHMS = ("hmac-sm3", "hmac-sha256")
MIN_SECRET_BYTES = 32


@dataclass(frozen=True)
class AuditKey:
    id: str
    algorithm: str
    secret: bytes

    def mac(self, message: bytes) -> str:
        """The hex MAC of `message` under this key."""
        if self.algorithm == "hmac-sha256":
            return std_hmac.new(self.secret, message, hashlib.sha256).hexdigest()
        signer = crypto_hmac.HMAC(self.secret, hashes.SM3())
        signer.update(message)
        return signer.finalize().hex()


def parse_audit_keys(text: str) -> dict[str, AuditKey]:
    """`id:algorithm:base64-secret;…` → keys by id; ImproperlyConfigured on any malformed entry."""
    keys: dict[str, AuditKey] = {}
    for raw in filter(None, (part.strip() for part in text.split(";"))):
        parts = raw.split(":", 2)
        if len(parts) != 3:
            raise ImproperlyConfigured("AUDIT_KEYS entries are id:algorithm:base64-secret")
        key_id, algorithm, encoded = parts
        if not key_id or len(key_id) > 16 or not key_id.replace("-", "").isalnum():
            raise ImproperlyConfigured(
                f"AUDIT_KEYS: bad key id {key_id!r} (1-16 letters, digits, -)"
            )
        if algorithm not in ALGORITHMS:
            raise ImproperlyConfigured(
                f"AUDIT_KEYS: algorithm of {key_id} must be one of {ALGORITHMS}"
            )
        try:
            secret = base64.b64decode(encoded, validate=True)
        except (binascii.Error, ValueError):
            raise ImproperlyConfigured(
                f"AUDIT_KEYS: the secret of {key_id} is not base64"
            ) from None
        if len(secret) < MIN_SECRET_BYTES:
            raise ImproperlyConfigured(f"AUDIT_KEYS: the secret of {key_id} needs 32 bytes or more")
        if key_id in keys:
            raise ImproperlyConfigured(f"AUDIT_KEYS: key id {key_id} is listed twice")
        keys[key_id] = AuditKey(key_id, algorithm, secret)
    return keys


@cache
def _keys_for(text: str, current: str) -> tuple[dict[str, AuditKey], AuditKey]:
    keys = parse_audit_keys(text)
    if not keys:
        raise ImproperlyConfigured("AUDIT_KEYS is empty: the audit trail needs a key")
    key_id = current or next(iter(keys))
    if key_id not in keys:
        raise ImproperlyConfigured(f"AUDIT_KEY_ID {key_id} is not in AUDIT_KEYS")
    return keys, keys[key_id]


def audit_keys() -> dict[str, AuditKey]:
    """Every configured key by id (the ones old entries were written with included)."""
    return _keys_for(settings.AUDIT_KEYS, settings.AUDIT_KEY_ID)[0]


def current_audit_key() -> AuditKey:
    """The key new entries are written with."""
    return _keys_for(settings.AUDIT_KEYS, settings.AUDIT_KEY_ID)[1]
