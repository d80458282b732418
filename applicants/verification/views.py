"""Pages of identity checks. The county reviewer's: the queue, an enterprise to verify, a claim,
a bank change, a licence (inline). The enterprise's: its verification (a new licence after a
refusal) and its bank account change. Thin: parse, look up within scope, call one service."""

from collections.abc import Callable
from functools import wraps
from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseBase, QueryDict
from django.shortcuts import redirect, render
from django.utils.csp import CSP
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.csp import csp_override
from django.views.decorators.http import require_GET, require_http_methods

from applicants.downloads import evidence_response
from applicants.errors import Conflict, ServiceError
from applicants.flags import credit_code_division_warning
from applicants.forms import service_error_to_form
from applicants.models import User
from applicants.reauth import reauthentication_required
from applicants.roles import Role
from applicants.verification import selectors
from applicants.verification.bank_changes import (
    bank_change_confirm,
    bank_change_refuse,
    bank_change_request,
)
from applicants.verification.claims import claim_dismiss, claim_uphold
from applicants.verification.forms import (
    REFUSE,
    UPHOLD,
    VERIFY,
    BankChangeDecisionForm,
    BankChangeForm,
    ClaimDecisionForm,
    IdentityDecisionForm,
    LicenceForm,
)
from applicants.verification.services import (
    enterprise_licence_resubmit,
    enterprise_refuse,
    enterprise_verify,
)
from applicants.verification.states import ClaimStatus, IdentityStatus
from applicants.views import enterprise_required

View = Callable[..., HttpResponseBase]


def county_reviewer_required(view: View) -> View:
    """Signed in as a county reviewer: identity is the county's decision (others get 403)."""

    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if getattr(request.user, "role", None) != Role.COUNTY_REVIEWER:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


def _posted(request: HttpRequest) -> QueryDict | None:
    return request.POST if request.method == "POST" else None


def _refusal(request: HttpRequest, form: Any, error: ServiceError) -> None:
    """A form error where it concerns a field; a race or a refusal above the page."""
    if error.field and error.field in form.fields and not isinstance(error, Conflict):
        service_error_to_form(form, error)
    else:
        level = messages.WARNING if isinstance(error, Conflict) else messages.ERROR
        messages.add_message(request, level, str(error.message))


# --- the county's queue ------------------------------------------------------------------------


@require_GET
@county_reviewer_required
def queue(request: HttpRequest) -> HttpResponse:
    """单位身份核验: pending verifications, open claims and bank changes of the county."""
    return render(
        request,
        "applicants/verification/queue.html",
        {"queue": selectors.identity_queue(user=_user(request))},
    )


@require_http_methods(["GET", "POST"])
@county_reviewer_required
def enterprise_review(request: HttpRequest, pk: int) -> HttpResponse:
    """One enterprise's registration and licence, and the verification decision."""
    user = _user(request)
    enterprise = selectors.enterprise_for_review(user=user, enterprise_id=pk)
    form = IdentityDecisionForm(_posted(request))
    status = 200
    if request.method == "POST":
        if form.is_valid():
            decide = (
                enterprise_verify if form.cleaned_data["decision"] == VERIFY else enterprise_refuse
            )
            try:
                decide(actor=user, enterprise_id=enterprise.pk, reason=form.cleaned_data["reason"])
            except ServiceError as error:
                _refusal(request, form, error)
                if isinstance(error, Conflict):
                    return redirect("identity:enterprise", pk=enterprise.pk)
            else:
                done = (
                    _("已核验：%(name)s")
                    if form.cleaned_data["decision"] == VERIFY
                    else _("核验未通过：%(name)s")
                )
                messages.success(request, done % {"name": enterprise.name})
                return redirect("identity:queue")
        status = 400
    return render(
        request,
        "applicants/verification/enterprise.html",
        {
            "enterprise": enterprise,
            "form": form,
            "can_decide": enterprise.identity_status == IdentityStatus.PENDING,
            "licences": list(enterprise.licences.select_related("uploaded_by")),
            "members": selectors.enterprise_members_for_review(enterprise=enterprise),
            "division_warning": credit_code_division_warning(
                credit_code=enterprise.credit_code, jurisdiction=enterprise.jurisdiction
            ),
            "refuse_key": REFUSE,
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
@county_reviewer_required
def claim_review(request: HttpRequest, pk: int) -> HttpResponse:
    """A claim beside the registration it contests, and the decision."""
    user = _user(request)
    claim = selectors.claim_for_review(user=user, claim_id=pk)
    form = ClaimDecisionForm(_posted(request))
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                if data["decision"] == UPHOLD:
                    claim_uphold(
                        actor=user,
                        claim_id=claim.pk,
                        reason=data["reason"],
                        disable_members=data["disable_members"],
                        adopt_bank_account=data["adopt_bank_account"],
                    )
                else:
                    claim_dismiss(
                        actor=user,
                        claim_id=claim.pk,
                        reason=data["reason"],
                        disable_claimant=data["disable_claimant"],
                    )
            except ServiceError as error:
                _refusal(request, form, error)
                if isinstance(error, Conflict):
                    return redirect("identity:claim", pk=claim.pk)
            else:
                messages.success(
                    request, _("认领已处理：%(name)s") % {"name": claim.enterprise.name}
                )
                return redirect("identity:queue")
        status = 400
    return render(
        request,
        "applicants/verification/claim.html",
        {
            "claim": claim,
            "enterprise": claim.enterprise,
            "form": form,
            "can_decide": claim.status == ClaimStatus.OPEN,
            "members": selectors.enterprise_members_for_review(enterprise=claim.enterprise),
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
@county_reviewer_required
def bank_change_review(request: HttpRequest, pk: int) -> HttpResponse:
    """A bank account change: both accounts (masked), and the decision."""
    user = _user(request)
    change = selectors.bank_change_for_review(user=user, change_id=pk)
    form = BankChangeDecisionForm(_posted(request))
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            decide = bank_change_refuse if data["decision"] == REFUSE else bank_change_confirm
            try:
                decide(actor=user, change_id=change.pk, reason=data["reason"])
            except ServiceError as error:
                _refusal(request, form, error)
                if isinstance(error, Conflict):
                    return redirect("identity:bank_change", pk=change.pk)
            else:
                messages.success(
                    request, _("收款账户变更已处理：%(name)s") % {"name": change.enterprise.name}
                )
                return redirect("identity:queue")
        status = 400
    return render(
        request,
        "applicants/verification/bank_change_review.html",
        {"change": change, "form": form, "can_decide": change.status == "pending"},
        status=status,
    )


@require_GET
@county_reviewer_required
# Shown inline in the review page's frame; a PDF needs the browser's viewer, nothing else runs.
@csp_override(
    {
        "default-src": [CSP.NONE],
        "object-src": [CSP.SELF],
        "img-src": [CSP.SELF],
        "style-src": [CSP.UNSAFE_INLINE],
        "frame-ancestors": [CSP.SELF],
    }
)
@xframe_options_sameorigin
def licence_file(request: HttpRequest, pk: int) -> HttpResponseBase:
    """The licence itself, to the county reviewer of the enterprise it was offered for."""
    return evidence_response(selectors.licence_for_review(user=_user(request), licence_id=pk))


# --- the enterprise's side ---------------------------------------------------------------------


@enterprise_required
@require_http_methods(["GET", "POST"])
def enterprise_identity(request: HttpRequest) -> HttpResponse:
    """单位身份核验 for the enterprise: where it stands, and a new licence until verified."""
    user = _user(request)
    form = LicenceForm(_posted(request), request.FILES if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            enterprise_licence_resubmit(actor=user, licence=form.cleaned_data["licence"])
        except ServiceError as error:
            _refusal(request, form, error)
        else:
            messages.success(request, _("营业执照已重新提交，请等待所属县区核验。"))
            return redirect("identity:mine")
    panel = selectors.identity_panel(user=user)
    return render(
        request,
        "applicants/verification/mine.html",
        {"panel": panel, "enterprise": panel.enterprise, "form": form},
        status=400 if form.is_bound and form.errors else 200,
    )


@enterprise_required
@reauthentication_required
@require_http_methods(["GET", "POST"])
def bank_account_change(request: HttpRequest) -> HttpResponse:
    """变更收款账户: asked for here (the password confirmed again), confirmed by the county."""
    user = _user(request)
    form = BankChangeForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            bank_change_request(
                actor=user,
                bank_name=form.cleaned_data["bank_name"],
                bank_account=form.cleaned_data["bank_account"],
            )
        except ServiceError as error:
            _refusal(request, form, error)
        else:
            messages.success(
                request, _("变更申请已提交，所属县区确认后生效；确认前奖励仍付至原账户。")
            )
            return redirect("identity:mine")
    panel = selectors.identity_panel(user=user)
    return render(
        request,
        "applicants/verification/bank_change.html",
        {"panel": panel, "enterprise": panel.enterprise, "form": form},
        status=400 if form.is_bound and form.errors else 200,
    )
