"""The enterprise's account pages: registration (with its licence or a claim), members, passwords.

Thin as the case pages (applicants/views.py): parse, call one service, show its refusal on the form.
"""

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import PasswordChangeForm, PasswordResetForm, SetPasswordForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from applicants.errors import (
    REGISTERED_WITH_DIVISION_WARNING,
    ServiceError,
)
from applicants.flags import credit_code_division_warning
from applicants.forms import (
    InviteForm,
    OwnPasswordChangeForm,
    RegistrationForm,
    StyledPasswordResetForm,
    StyledSetPasswordForm,
    service_error_to_form,
)
from applicants.models import User
from applicants.selectors import enterprise_members
from applicants.services.accounts import user_password_changed
from applicants.services.enterprises import (
    CREDIT_CODE_TAKEN_CODE,
    enterprise_member_invite,
    enterprise_register,
)
from applicants.verification.claims import enterprise_claim_register
from applicants.verification.errors import CLAIM_OPENED, REGISTERED_PENDING_VERIFICATION
from applicants.views import enterprise_required, own_enterprise, posted

# --- enterprises and members ------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def register(request: HttpRequest) -> HttpResponse:
    """企业注册 (public): the enterprise, its licence and its first member, who is then signed in.

    A code already registered is not a dead end: the form offers a claim (单位认领), which
    creates the account without the enterprise and asks the county to decide.
    """
    if request.user.is_authenticated:
        return redirect("home")
    form = RegistrationForm(posted(request), request.FILES if request.method == "POST" else None)
    claim_offered = bool(form.is_bound and form.data.get("claim"))
    if request.method == "POST" and form.is_valid():
        claiming = form.cleaned_data["claim"]
        try:
            if claiming:
                user = enterprise_claim_register(
                    enterprise=form.enterprise_input(),
                    username=form.cleaned_data["username"],
                    password=form.cleaned_data["password1"],
                    statement=form.cleaned_data["claim_statement"],
                    licence=form.cleaned_data["licence"],
                ).claimant
            else:
                user = enterprise_register(
                    enterprise=form.enterprise_input(),
                    username=form.cleaned_data["username"],
                    password=form.cleaned_data["password1"],
                    licence=form.cleaned_data["licence"],
                )
        except ServiceError as error:
            service_error_to_form(form, error)
            claim_offered = claim_offered or error.code == CREDIT_CODE_TAKEN_CODE
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            if claiming:
                messages.info(request, CLAIM_OPENED)
                return redirect("home")
            messages.success(request, REGISTERED_PENDING_VERIFICATION)
            enterprise = own_enterprise(user)
            warning = credit_code_division_warning(
                credit_code=enterprise.credit_code, jurisdiction=enterprise.jurisdiction
            )
            if warning:
                messages.warning(request, REGISTERED_WITH_DIVISION_WARNING % {"warning": warning})
            return redirect("home")
    return render(
        request,
        "applicants/register.html",
        {
            "form": form,
            "division_warning": _division_warning(form),
            "claim_offered": claim_offered,
        },
    )


def _division_warning(form: RegistrationForm) -> str:
    """The credit code's division against the chosen jurisdiction, once both are valid."""
    cleaned = getattr(form, "cleaned_data", {})
    if not cleaned.get("credit_code") or not cleaned.get("jurisdiction"):
        return ""
    return credit_code_division_warning(
        credit_code=cleaned["credit_code"], jurisdiction=cleaned["jurisdiction"]
    )


@enterprise_required
@require_http_methods(["GET", "POST"])
def members(request: HttpRequest) -> HttpResponse:
    """单位成员: who acts for the enterprise, and a form to create a colleague's account."""
    user: User = request.user  # type: ignore[assignment]
    form = InviteForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            colleague = enterprise_member_invite(
                inviter=user,
                username=form.cleaned_data["username"],
                display_name=form.cleaned_data["display_name"],
                email=form.cleaned_data["email"],
                password=form.cleaned_data["password1"],
            )
        except ServiceError as error:
            service_error_to_form(form, error)
        else:
            messages.success(
                request,
                _(
                    "已为 %(name)s 创建账号“%(username)s”，请将初始密码告知本人；"
                    "本人首次登录时须设置自己的密码。"
                )
                % {"name": colleague.display_name, "username": colleague.username},
            )
            return redirect("applicants:members")
    enterprise = own_enterprise(user)
    return render(
        request,
        "applicants/members.html",
        {
            "form": form,
            "enterprise": enterprise,
            "members": enterprise_members(enterprise_id=enterprise.pk),
        },
    )


# --- passwords --------------------------------------------------------------------------------


class PasswordChangeView(auth_views.PasswordChangeView):
    """修改密码 (from the user menu); the first one of a colleague's account lifts the redirect."""

    form_class = OwnPasswordChangeForm

    def form_valid(self, form: PasswordChangeForm) -> HttpResponse:
        response = super().form_valid(form)
        user_password_changed(user=form.user)
        return response


class PasswordResetView(auth_views.PasswordResetView):
    """找回密码: a link valid for PASSWORD_RESET_TIMEOUT seconds, sent to the account's email.

    The same page follows whether or not the address is known, so nobody learns who has one.
    """

    form_class = StyledPasswordResetForm
    email_template_name = "registration/password_reset_email.txt"
    subject_template_name = "registration/password_reset_subject.txt"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return {**super().get_context_data(**kwargs), "reset_minutes": _reset_minutes()}

    def form_valid(self, form: PasswordResetForm) -> HttpResponse:
        self.extra_email_context = {"reset_minutes": _reset_minutes()}
        return super().form_valid(form)


def _reset_minutes() -> int:
    """How long a reset link lives, in whole minutes (as the page and the email say it)."""
    return max(1, settings.PASSWORD_RESET_TIMEOUT // 60)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """The new password, from the emailed link; a user who had to change theirs now has."""

    form_class = StyledSetPasswordForm

    def form_valid(self, form: SetPasswordForm) -> HttpResponse:
        response = super().form_valid(form)
        user_password_changed(user=form.user)
        return response
