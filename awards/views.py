"""Views of awards: thin — parse the request, check access, call one service, show the outcome."""

from collections.abc import Callable
from functools import wraps
from typing import Any, cast

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from applicants import policy
from applicants.errors import Conflict, ServiceError
from applicants.models import User
from applicants.roles import OFFICIAL_ROLES, Role
from applicants.selectors import case_get_for
from applicants.services.notifications import notification_mark_read, notifications_mark_all_read
from applicants.workflow import TRANSITIONS, bulk_actions_for
from awards import selectors
from awards.cases import selectors as case_selectors
from awards.cases.rows import award_rows_html
from awards.documents.selectors import documents_for_case
from awards.filters import QUEUE_ALL, QUEUE_PENDING, ReviewQueueFilter
from awards.forms import (
    BulkDecisionForm,
    DecisionForm,
    ExemptForm,
    OverrideForm,
    RepriceForm,
)
from awards.queue.rows import queue_rows, queue_rows_html, rows_of
from awards.services.decisions import (
    award_override,
    award_quota_exempt,
    case_decide,
    cases_bulk_decide,
)
from awards.services.dependents import award_reprice_decide
from portal.pagination import LargeListPaginator


def official_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Signed-in officials only: anonymous visitors go to login, enterprise users get 403."""

    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if getattr(request.user, "role", None) not in OFFICIAL_ROLES:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


def role_required(role: str, refusal: object) -> Callable[..., Any]:
    """Signed-in users of one role only: anonymous visitors go to login, others get 403 with
    `refusal` (what the page is for and whose it is)."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @login_required
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if getattr(request.user, "role", None) != role:
                raise PermissionDenied(refusal)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def _user(request: HttpRequest) -> User:
    """The signed-in user (the views below are all behind login)."""
    return cast(User, request.user)


def _service_error_message(request: HttpRequest, exc: ServiceError) -> None:
    level = messages.WARNING if isinstance(exc, Conflict) else messages.ERROR
    messages.add_message(request, level, str(exc.message))


# --- queues -----------------------------------------------------------------------------------


@require_GET
@official_required
def queue(request: HttpRequest) -> HttpResponse:
    """The reviewer's queue: filters, search, sort, pagination and bulk actions."""
    data = request.GET.copy()
    if "queue" not in data:
        # A first visit shows what waits for this official; any explicit status means "all".
        data["queue"] = QUEUE_ALL if data.get("status") else QUEUE_PENDING
    filterset = ReviewQueueFilter(
        data, queryset=selectors.review_queue(user=_user(request)), request=request
    )
    page = LargeListPaginator(
        rows_of(filterset.qs),
        settings.REVIEW_QUEUE_PAGE_SIZE,
        count_from=filterset.qs,
        # The rows' enterprise columns join every case the ids walk past: not in the ids' read.
        ids_from=filterset.qs,
    ).get_page(data.get("page"))
    params = data.copy()
    params.pop("page", None)
    bulk_form = BulkDecisionForm(actions=bulk_actions_for(_user(request).role))
    can_bulk = bulk_form.has_actions
    rows = queue_rows(
        page.object_list,
        item_titles=dict(filterset.filters["item"].field.choices),
        jurisdiction_names=dict(policy.jurisdiction_choices()),
    )
    return render(
        request,
        "awards/queue.html",
        {
            "filter": filterset,
            "page": page,
            "rows": queue_rows_html(rows, selectable=can_bulk),
            "query": params.urlencode(),
            "bulk_form": bulk_form,
            "can_bulk": can_bulk,
        },
    )


@require_POST
@official_required
def queue_bulk(request: HttpRequest) -> HttpResponse:
    """Apply one bulk action to the selected cases and report each case's outcome."""
    form = BulkDecisionForm(request.POST, actions=bulk_actions_for(_user(request).role))
    back = request.POST.get("next", "")
    # Only a path of this site: redirect() would read a bare word as a view name.
    if not back.startswith("/") or not url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}
    ):
        back = reverse("awards:queue")
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return redirect(back or reverse("awards:queue"))
    outcomes = cases_bulk_decide(
        application_ids=form.cleaned_data["ids"],
        action=form.cleaned_data["action"],
        actor=_user(request),
    )
    done = [o.reference for o in outcomes if o.ok]
    if done:
        messages.success(
            request, _("已处理 %(n)s 件：%(refs)s") % {"n": len(done), "refs": "、".join(done)}
        )
    for outcome in outcomes:
        if not outcome.ok:
            messages.warning(
                request,
                _("%(ref)s 未处理：%(message)s")
                % {"ref": outcome.reference, "message": outcome.message},
            )
    return redirect(back or reverse("awards:queue"))


# --- the case page ----------------------------------------------------------------------------


def _case_page(
    request: HttpRequest,
    pk: int,
    *,
    decision_form: forms.Form | None = None,
    override_form: forms.Form | None = None,
    exempt_form: forms.Form | None = None,
    reprice_form: forms.Form | None = None,
    status: int = 200,
) -> HttpResponse:
    detail = case_selectors.case_detail_for(user=_user(request), application_id=pk)
    award = detail.amount.award
    # Approving again shows the exemption the award has, so leaving it alone carries it over.
    decision_initial = (
        {"quota_exempt": award.quota_exempt, "exempt_reason": award.exempt_reason} if award else {}
    )
    bound = [
        f
        for f in (decision_form, override_form, exempt_form, reprice_form)
        if f is not None and f.errors
    ]
    return render(
        request,
        "awards/case_detail.html",
        {
            "forms_with_errors": bound,
            "detail": detail,
            "award_rows": award_rows_html(detail.enterprise_awards),
            "case": detail.application,
            "documents": documents_for_case(application=detail.application),
            "reprice_form": reprice_form or RepriceForm(),
            "decision_form": decision_form
            or DecisionForm(actions=detail.actions, initial=decision_initial),
            "override_form": override_form
            or OverrideForm(initial={"amount": award.amount if award else None}),
            # The page posts the opposite of the award's current state (a hidden field).
            "exempt_form": exempt_form or ExemptForm(),
            "action_keys": [t.action for t in detail.actions],
            "is_city": _user(request).role == Role.CITY_REVIEWER,
        },
        status=status,
    )


@require_GET
@official_required
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _case_page(request, pk)


@require_POST
@official_required
def case_decide_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Take one action on a case; a lost race or a refusal comes back as a message."""
    case_get_for(_user(request), pk)
    # Any action key of the table is accepted here: the service alone says whether this official
    # may take it now, so a case decided meanwhile answers with who-did-what, not a form error.
    form = DecisionForm(request.POST, actions=TRANSITIONS)
    if not form.is_valid():
        return _case_page(request, pk, decision_form=form, status=400)
    try:
        case = case_decide(application_id=pk, actor=_user(request), **form.cleaned_data)
    except ServiceError as exc:
        if exc.field and exc.field in form.fields and not isinstance(exc, Conflict):
            form.add_error(exc.field, str(exc.message))
            return _case_page(request, pk, decision_form=form, status=400)
        _service_error_message(request, exc)
        return redirect("awards:case_detail", pk=pk)
    messages.success(
        request,
        _("%(ref)s 已办理：%(status)s")
        % {"ref": case.reference, "status": case.get_status_display()},
    )
    return redirect("awards:case_detail", pk=pk)


def _award_setting(
    request: HttpRequest,
    pk: int,
    *,
    form_class: type[forms.Form],
    form_name: str,
    service: Callable[..., object],
    done: str,
) -> HttpResponse:
    """Post one form about the award (its amount, its quota exemption) to its service."""
    case_get_for(_user(request), pk)
    form = form_class(request.POST)
    if not form.is_valid():
        return _case_page(request, pk, status=400, **{form_name: form})
    try:
        service(application_id=pk, actor=_user(request), **form.cleaned_data)
    except ServiceError as exc:
        _service_error_message(request, exc)
    else:
        messages.success(request, done)
    return redirect("awards:case_detail", pk=pk)


@require_POST
@official_required
def award_override_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _award_setting(
        request,
        pk,
        form_class=OverrideForm,
        form_name="override_form",
        service=award_override,
        done=_("批准金额已调整。"),
    )


@require_POST
@official_required
def award_exempt_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _award_setting(
        request,
        pk,
        form_class=ExemptForm,
        form_name="exempt_form",
        service=award_quota_exempt,
        done=_("年度名额设置已更新。"),
    )


@require_POST
@official_required
def award_reprice_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The city takes or dismisses the new price of a top-up whose deducted award changed."""
    return _award_setting(
        request,
        pk,
        form_class=RepriceForm,
        form_name="reprice_form",
        service=award_reprice_decide,
        done=_("已按您的决定处理重新计算的金额。"),
    )


# --- notifications (any signed-in user) -------------------------------------------------------


@require_http_methods(["GET", "POST"])
@login_required
def notifications(request: HttpRequest) -> HttpResponse:
    """The user's own notifications; POST marks them all read."""
    if request.method == "POST":
        notifications_mark_all_read(user=_user(request))
        return redirect("awards:notifications")
    mine = selectors.notifications_for(user=_user(request))
    page = Paginator(mine, 30).get_page(request.GET.get("page"))
    return render(
        request,
        "awards/notifications.html",
        {"page": page, "query": "", "user_is_official": (_user(request).role in OFFICIAL_ROLES)},
    )


@require_GET
@login_required
def notification_open(request: HttpRequest, pk: int) -> HttpResponse:
    """Open one's notification: it is read now, and its case opens (another's is a 404)."""
    notification = notification_mark_read(user=_user(request), notification_id=pk)
    if notification is None:
        raise Http404
    if notification.application_id is None:
        if _user(request).is_enterprise_user:
            # A message about several cases (a payout plan) opens the enterprise's own list.
            return redirect("applicants:home")
        return redirect("awards:notifications")
    if _user(request).role in OFFICIAL_ROLES:
        return redirect("awards:case_detail", notification.application_id)
    return redirect("applicants:detail", notification.application_id)
