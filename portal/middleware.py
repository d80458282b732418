"""Site-wide middleware: the page language, session idle limits and security headers."""

import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import REDIRECT_FIELD_NAME, logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.middleware.locale import LocaleMiddleware
from django.shortcuts import redirect, resolve_url
from django.utils import translation
from django.utils.translation import gettext_lazy as _


class ChineseFirstLocaleMiddleware(LocaleMiddleware):
    """Like Django's LocaleMiddleware, but a browser's Accept-Language does not decide pages.

    An official whose browser happens to be set to English still gets the Chinese portal; the
    switch (a cookie) decides. API clients negotiate with Accept-Language, as HTTP intends.
    """

    def process_request(self, request: HttpRequest) -> None:
        if request.path.startswith("/api/"):
            super().process_request(request)
            return
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        supported = {code for code, _ in settings.LANGUAGES}
        language = chosen if chosen in supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


class PermissionsPolicyMiddleware:
    """Send `Permissions-Policy` (settings.PERMISSIONS_POLICY) on every response, public or not."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        # "camera=(), microphone=()": an empty list refuses the feature to every origin.
        self.header = ", ".join(
            f"{feature}=({' '.join(origins)})"
            for feature, origins in settings.PERMISSIONS_POLICY.items()
        )

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if self.header:
            response.headers.setdefault("Permissions-Policy", self.header)
        return response


# The session key holding the last activity (Unix seconds) of the signed-in user.
LAST_ACTIVITY_KEY = "portal_last_activity"
# Writing the session on every request would cost a query each; a minute's precision is enough.
ACTIVITY_WRITE_INTERVAL_SECONDS = 60
# An enterprise's cookie outlives its idle limit by this much, so a person who comes back soon
# after still presents it and reads why they were signed out; the server refuses it at the limit.
SIGNED_OUT_NOTICE_SECONDS = 60 * 60
SIGNED_OUT_IDLE = _("您已超过 %(minutes)s 分钟未操作，为保护账户安全已自动退出，请重新登录。")


def session_idle_minutes(user: Any) -> int:
    """The idle limit of this user's role: enterprises have the longer one, everyone else not."""
    if getattr(user, "is_enterprise_user", False):
        return settings.ENTERPRISE_SESSION_IDLE_MINUTES
    return settings.OFFICIAL_SESSION_IDLE_MINUTES


def session_start(*, sender: object, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    """At sign-in (`user_logged_in`): the role's cookie lifetime, and the idle clock starts.

    Officials' cookies end when the browser closes; an enterprise's persists for its idle limit
    (and the notice time after it), renewed with each activity write.
    """
    if request is None:  # auth.login() always passes one; a signal sent by hand may not
        return
    if getattr(user, "is_enterprise_user", False):
        request.session.set_expiry(
            settings.ENTERPRISE_SESSION_IDLE_MINUTES * 60 + SIGNED_OUT_NOTICE_SECONDS
        )
    else:
        request.session.set_expiry(0)
    request.session[LAST_ACTIVITY_KEY] = int(time.time())


def _is_polling(request: HttpRequest) -> bool:
    # htmx GETs are the pages' own polling and live previews: a tab left open must still time
    # out. An htmx POST (the application form's live quote) is a person typing.
    return request.headers.get("HX-Request") == "true" and request.method in ("GET", "HEAD")


class SessionIdleMiddleware:
    """End a signed-in session idle for longer than its role's limit; never cache signed-in pages.

    The last activity lives in the session (set at sign-in by `session_start`) and is rewritten
    at most once a minute. Runs after AuthenticationMiddleware and MessageMiddleware: an expired
    session is signed out with a message before any view runs.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        signed_in = request.user.is_authenticated
        if signed_in:
            now = int(time.time())
            minutes = session_idle_minutes(request.user)
            last = request.session.get(LAST_ACTIVITY_KEY)
            if isinstance(last, int) and now - last > minutes * 60:
                logout(request)
                return self._no_store(self._signed_out(request, minutes=minutes))
            self._record_activity(request, now=now)
        response = self.get_response(request)
        # Signed in before (or by) this request, as the logout and login responses are.
        if signed_in or request.user.is_authenticated:
            return self._no_store(response)
        return response

    @staticmethod
    def _record_activity(request: HttpRequest, *, now: int) -> None:
        last = request.session.get(LAST_ACTIVITY_KEY)
        if not isinstance(last, int):
            # Signed in before these limits existed: its policy starts now, not a sign-out.
            session_start(sender=None, request=request, user=request.user)
        elif not _is_polling(request) and now - last >= ACTIVITY_WRITE_INTERVAL_SECONDS:
            request.session[LAST_ACTIVITY_KEY] = now

    @staticmethod
    def _signed_out(request: HttpRequest, *, minutes: int) -> HttpResponse:
        message = str(SIGNED_OUT_IDLE) % {"minutes": minutes}
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": message}, status=401)
        messages.warning(request, message)
        login_url = resolve_url(settings.LOGIN_URL)
        if request.headers.get("HX-Request") == "true":
            # htmx follows HX-Redirect whatever the status: the whole page goes to the login,
            # which then returns to the page the person was on.
            current = urlsplit(request.headers.get("HX-Current-URL", ""))
            back = current.path + (f"?{current.query}" if current.query else "")
            response = HttpResponse(status=401)
            response["HX-Redirect"] = (
                f"{login_url}?{urlencode({REDIRECT_FIELD_NAME: back})}" if back else login_url
            )
            return response
        next_url = request.get_full_path() if request.method == "GET" else ""
        return redirect_to_login(next_url, login_url) if next_url else redirect(login_url)

    @staticmethod
    def _no_store(response: HttpResponse) -> HttpResponse:
        # A view that chose its own caching (a download, never_cache) keeps it.
        response.headers.setdefault("Cache-Control", "private, no-store")
        return response
