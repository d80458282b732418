"""Re-authentication (再次确认身份) before changing a password, the second factor or bank details.

Wrap a view with `reauthentication_required`: unless this session confirmed the password (and,
for an official, a second-factor code) within settings.REAUTH_SECONDS, the person is sent to the
confirm page first and brought back. The confirmation is stored in the session, so it ends with
it; a completed sign-in with both factors counts as one (officials, applicants/two_factor).

    from applicants.reauth import reauthentication_required

    path("bank/", reauthentication_required(views.bank_change), name="bank_change")
"""

import time
from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlencode, urlsplit

from django import forms
from django.conf import settings
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from applicants.client_address import client_address
from applicants.errors import ServiceError
from applicants.two_factor import errors
from applicants.two_factor.selectors import two_factor_required
from applicants.two_factor.services import credentials_confirm
from portal.api_errors import json_error

# The session key holding when this session last confirmed its credentials (Unix seconds).
REAUTH_SESSION_KEY = "reauth_confirmed_at"


def reauth_fresh(request: HttpRequest) -> bool:
    """Whether this session confirmed its credentials within REAUTH_SECONDS."""
    confirmed = request.session.get(REAUTH_SESSION_KEY)
    return isinstance(confirmed, int) and 0 <= time.time() - confirmed <= settings.REAUTH_SECONDS


def reauth_grant(request: HttpRequest) -> None:
    """The credentials were just given: sensitive changes are open for REAUTH_SECONDS."""
    request.session[REAUTH_SESSION_KEY] = int(time.time())


def _confirm_url(next_url: str) -> str:
    return f"{resolve_url('reauth')}?{urlencode({REDIRECT_FIELD_NAME: next_url})}"


def reauthentication_required(view: Callable[..., Any]) -> Callable[..., Any]:
    """The view runs only for a session that confirmed its credentials lately (signed in first).

    Otherwise: a page redirects to the confirm page, which returns to the page (a POST's data is
    not kept: the person submits again); htmx gets HX-Redirect; the API answers 403.
    """
    return reauthentication_required_unless(lambda request: False, view)


def reauthentication_required_unless(
    exempt: Callable[[HttpRequest], bool], view: Callable[..., Any]
) -> Callable[..., Any]:
    """`reauthentication_required`, except for requests `exempt` says need no confirmation."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if reauth_fresh(request) or exempt(request):
            return view(request, *args, **kwargs)
        if request.path.startswith("/api/"):
            return json_error(
                request, 403, errors.REAUTH_REQUIRED, kind="reauthentication_required"
            )
        if request.headers.get("HX-Request") == "true":
            current = urlsplit(request.headers.get("HX-Current-URL", ""))
            back = current.path + (f"?{current.query}" if current.query else "")
            response = HttpResponse(status=403)
            response["HX-Redirect"] = _confirm_url(back or request.path)
            return response
        return redirect(_confirm_url(_back(request)))

    return wrapped


def _back(request: HttpRequest) -> str:
    """Where the confirmed person returns: the page itself, or for a POST the page its form was
    on (a POST-only address would answer 405 to the return)."""
    if request.method in ("GET", "HEAD"):
        return request.get_full_path()
    referer = urlsplit(request.headers.get("Referer", ""))
    if referer.path and referer.netloc == request.get_host():
        return referer.path + (f"?{referer.query}" if referer.query else "")
    return request.get_full_path()


class ReauthForm(forms.Form):
    """The current password; for an official also a code (authenticator or backup code)."""

    password = forms.CharField(
        label=_("当前密码"),
        strip=False,
        widget=forms.PasswordInput(
            attrs={"autocomplete": "current-password", "class": "form-control", "autofocus": True}
        ),
    )
    code = forms.CharField(
        label=_("验证码"),
        help_text=_("身份验证器当前显示的6位数字；手机不在身边时可用一个备用码。"),
        max_length=64,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "class": "form-control",
            }
        ),
    )

    def __init__(self, *args: Any, user: Any, address: str | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.address = address
        self.fields["password"].error_messages["required"] = errors.PASSWORD_REQUIRED
        if two_factor_required(user=user):
            self.fields["code"].error_messages["required"] = errors.CODE_REQUIRED
        else:
            del self.fields["code"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.errors:
            return cleaned
        try:
            credentials_confirm(
                user=self.user,
                password=cleaned.get("password", ""),
                code=cleaned.get("code"),
                address=self.address,
            )
        except ServiceError as error:
            field = error.field if error.field in self.fields else None
            self.add_error(field, str(error.message))
        return cleaned


def _safe_next(request: HttpRequest, value: str) -> str:
    allowed = url_has_allowed_host_and_scheme(
        value, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    # A path of this site only: redirect() would read a bare word as a view name.
    return value if value.startswith("/") and allowed else resolve_url("home")


@sensitive_post_parameters("password", "code")
@login_required
@require_http_methods(["GET", "POST"])
def reauth_confirm(request: HttpRequest) -> HttpResponse:
    """确认身份: the password (and code) again, then back to the page that asked."""
    next_url = _safe_next(
        request, request.POST.get(REDIRECT_FIELD_NAME) or request.GET.get(REDIRECT_FIELD_NAME, "")
    )
    form = ReauthForm(
        request.POST if request.method == "POST" else None,
        user=request.user,
        address=client_address(request),
    )
    if request.method == "POST" and form.is_valid():
        reauth_grant(request)
        return redirect(next_url)
    return render(
        request,
        "applicants/reauth.html",
        {
            "form": form,
            "next": next_url,
            "needs_code": "code" in form.fields,
            "minutes": max(1, settings.REAUTH_SECONDS // 60),
        },
    )
