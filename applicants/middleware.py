"""A user whose password someone else chose sets their own before doing anything else."""

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _

from portal.api_errors import json_error

# What such a user may still open: the change itself (and its re-authentication), signing out,
# the language switch; an official's second factor, which comes first.
PASSWORD_CHANGE_ALLOWED_VIEWS = frozenset(
    {
        "password_change",
        "password_change_done",
        "reauth",
        "logout",
        "set_language",
        "two_factor:verify",
        "two_factor:enrol",
        "two_factor:backup_codes",
    }
)
PASSWORD_CHANGE_REQUIRED = _("请先设置您自己的密码，再使用平台。")


class PasswordChangeRequiredMiddleware:
    """Redirect every page to the password change while `user.must_change_password` is set.

    Runs at `process_view`, once the URL is resolved, so unknown addresses stay 404s. The API
    answers 403 with a message instead of a redirect a script would not follow.
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
        if not (user is not None and user.is_authenticated and user.must_change_password):
            return None
        match = request.resolver_match
        if match is not None and match.view_name in PASSWORD_CHANGE_ALLOWED_VIEWS:
            return None
        if request.path.startswith("/api/"):
            return json_error(
                request, 403, PASSWORD_CHANGE_REQUIRED, kind="password_change_required"
            )
        return redirect("password_change")
