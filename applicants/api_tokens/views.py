"""API 令牌: the user's tokens, creating one (shown once) and revoking one. Thin: each view calls
one service and turns its error into the form's."""

from typing import cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from applicants.api_tokens import services
from applicants.api_tokens.forms import ApiTokenForm
from applicants.api_tokens.selectors import api_tokens_of
from applicants.errors import ServiceError
from applicants.forms import service_error_to_form
from applicants.models import User
from applicants.reauth import reauthentication_required
from applicants.two_factor.selectors import totp_device_confirmed, two_factor_required

# The token just created, shown by the next page and then gone (as the backup codes are).
NEW_TOKEN_SESSION_KEY = "api_token_new_secret"  # noqa: S105 (a session key name)


@login_required
@reauthentication_required
@require_http_methods(["GET", "POST"])
def token_list(request: HttpRequest) -> HttpResponse:
    user = cast(User, request.user)
    form = ApiTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            created = services.api_token_create(user=user, **form.cleaned_data)
        except ServiceError as error:
            service_error_to_form(form, error)
        else:
            request.session[NEW_TOKEN_SESSION_KEY] = {
                "id": created.token.pk,
                "secret": created.secret,
            }
            return redirect("api_tokens:list")
    new_token = request.session.pop(NEW_TOKEN_SESSION_KEY, None)
    needs_second_factor = (
        two_factor_required(user=user) and totp_device_confirmed(user_id=user.pk) is None
    )
    return render(
        request,
        "applicants/api_tokens/list.html",
        {
            "form": form,
            "tokens": api_tokens_of(user=user),
            "new_token": new_token,
            "now": timezone.now(),
            "needs_second_factor": needs_second_factor,
        },
    )


@login_required
@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        token = services.api_token_revoke(user=cast(User, request.user), token_id=pk)
    except ServiceError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(
            request, _("令牌“%(name)s”已撤销，使用它的请求将被拒绝。") % {"name": token.name}
        )
    return redirect("api_tokens:list")
