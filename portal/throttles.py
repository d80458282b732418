"""API rate limits that count the client as every other limit does (applicants.client_address),
in the shared cache (Redis when configured), so they hold across worker processes."""

import time
from typing import Any

from rest_framework.request import Request
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle

from applicants.client_address import client_address


class _ClientAddressIdent:
    def get_ident(self, request: Request) -> str:
        # DRF's own reading trusts whatever X-Forwarded-For the client sends when NUM_PROXIES is
        # unset: a new made-up address per request would be a new allowance.
        return client_address(request._request) or "unknown"

    def allow_request(self, request: Request, view: Any) -> bool:
        """DRF reads the client's history, decides and writes it back: two workers answering at
        once both read the same history and both allow. One at a time per client, then (an
        add-if-absent in the shared cache is atomic); a lock not freed lapses in 2 s."""
        key = self.get_cache_key(request, view)  # type: ignore[attr-defined]
        if key is None or getattr(self, "rate", None) is None:
            return bool(super().allow_request(request, view))  # type: ignore[misc]
        lock = f"{key}:lock"
        deadline = time.monotonic() + 1.0
        while not self.cache.add(lock, 1, timeout=2):  # type: ignore[attr-defined]
            if time.monotonic() > deadline:
                break
            time.sleep(0.002)
        try:
            return bool(super().allow_request(request, view))  # type: ignore[misc]
        finally:
            self.cache.delete(lock)  # type: ignore[attr-defined]


class ClientAnonThrottle(_ClientAddressIdent, AnonRateThrottle):
    """Anonymous API calls per client address."""


class ClientUserThrottle(_ClientAddressIdent, UserRateThrottle):
    """Signed-in API calls per user (per client address if the user is anonymous)."""
