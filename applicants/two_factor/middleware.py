"""An official whose session passed only the password reaches the second-factor step only."""

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.apps import apps
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, resolve_url
from django_otp.middleware import OTPMiddleware
from django_otp.models import Device

from applicants.two_factor import errors
from applicants.two_factor.selectors import (
    totp_device_confirmed,
    two_factor_passed,
    two_factor_required,
)
from portal.api_errors import json_error
from portal.compiled import fetch_compiled


class CompiledOTPMiddleware(OTPMiddleware):
    """django-otp's middleware (request.user.otp_device), its read of the session's device
    compiled once per connection (portal.compiled): it runs on every signed-in request."""

    def _device_from_persistent_id(self, persistent_id: str) -> Device | None:
        # As Device.from_persistent_id reads "app_label.model/id": a malformed one is no device.
        model_label, _, device_id = self._normalize_persistent_id(persistent_id).rpartition("/")
        try:
            device_cls = apps.get_model(model_label)
            pk = int(device_id)
        except (ValueError, LookupError):
            return None
        if not issubclass(device_cls, Device):
            return None
        found = fetch_compiled(
            ("otp_device", model_label),
            lambda device: device_cls.objects.filter(id=device)[:1],
            device=pk,
        )
        return found[0] if found else None


# The second-factor step itself, signing out, the language switch.
SECOND_FACTOR_VIEWS = frozenset(
    {"two_factor:verify", "two_factor:enrol", "two_factor:backup_codes", "logout", "set_language"}
)
# Pages anyone may open without signing in: a password alone reaches no more than a visitor
# does. tests/portal/test_access_matrix.py checks this list against the routes open to anonymous.
PUBLIC_VIEWS = frozenset(
    {
        "login",
        "healthz",
        "password_reset",
        "password_reset_done",
        "password_reset_confirm",
        "password_reset_complete",
        "calculator",
        "favicon",
        "applicants:register",
        "documents:verify",
        "gongshi:list",
        "gongshi:objection",
        "api-quote",
        "api-simulate-payouts",
        "api-schema",
        "api-docs",
    }
)
ALLOWED_VIEWS = SECOND_FACTOR_VIEWS | PUBLIC_VIEWS


def second_factor_url(*, user: Any, next_url: str = "") -> str:
    """Where the official goes: the code, or the enrolment if no authenticator is confirmed."""
    name = "two_factor:verify" if totp_device_confirmed(user_id=user.pk) else "two_factor:enrol"
    url = resolve_url(name)
    return f"{url}?{urlencode({REDIRECT_FIELD_NAME: next_url})}" if next_url else url


class TwoFactorRequiredMiddleware:
    """For a role of settings.OTP_REQUIRED_ROLES without a second factor in this session:
    every page redirects to the code (or the enrolment), the API answers 403.

    After OTPMiddleware (it sets `user.otp_device`) and at `process_view`, once the URL is
    resolved, so unknown addresses stay 404s. An administrator's reset removes the device the
    session named, so that session is back here at its next request.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., Any],
        view_args: tuple[Any, ...],
        view_kwargs: dict[str, Any],
    ) -> HttpResponse | None:
        user = getattr(request, "user", None)
        if user is None or not two_factor_required(user=user) or two_factor_passed(user=user):
            return None
        match = request.resolver_match
        if match is not None and match.view_name in ALLOWED_VIEWS:
            return None
        if request.path.startswith("/api/"):
            return json_error(
                request, 403, errors.SECOND_FACTOR_REQUIRED, kind="second_factor_required"
            )
        if request.headers.get("HX-Request") == "true":
            # htmx would swap the code page into a fragment: the whole page goes there instead.
            response = HttpResponse(status=403)
            response["HX-Redirect"] = second_factor_url(user=user)
            return response
        next_url = request.get_full_path() if request.method == "GET" else ""
        return redirect(second_factor_url(user=user, next_url=next_url))
