"""The visitor's address, read one way everywhere (API throttles, objections, lookups).

One setting names where it is: CLIENT_IP_HEADER. `REMOTE_ADDR` (the default) when the portal
faces the network; the header the reverse proxy in front sets when there is one: `HTTP_X_REAL_IP`
(nginx's `proxy_set_header X-Real-IP $remote_addr`, which replaces whatever the client sent), or
`HTTP_X_FORWARDED_FOR`, of which only the last entry counts — the one the proxy appended; the
entries before it were written by the client. So a made-up forwarded header never earns a new
allowance.
"""

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def _valid(candidate: str) -> str | None:
    try:
        return str(ipaddress.ip_address(candidate.strip()))
    except ValueError:
        return None


def client_address(request: HttpRequest) -> str | None:
    """The client's IP address as the deployment's proxy reports it, or None if unreadable."""
    header = settings.CLIENT_IP_HEADER
    raw = request.META.get(header, "")
    if header == "HTTP_X_FORWARDED_FOR":
        raw = raw.rsplit(",", 1)[-1]
    return _valid(raw)
