"""API rate limits that count the client as every other limit does (applicants.client_address),
in the shared cache (Redis when configured), so they hold across worker processes."""

from rest_framework.request import Request
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle

from applicants.client_address import client_address


class _ClientAddressIdent:
    def get_ident(self, request: Request) -> str:
        # DRF's own reading trusts whatever X-Forwarded-For the client sends when NUM_PROXIES is
        # unset: a new made-up address per request would be a new allowance.
        return client_address(request._request) or "unknown"


class ClientAnonThrottle(_ClientAddressIdent, AnonRateThrottle):
    """Anonymous API calls per client address."""


class ClientUserThrottle(_ClientAddressIdent, UserRateThrottle):
    """Signed-in API calls per user (per client address if the user is anonymous)."""
