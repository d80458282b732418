"""The finance desk (预算与兑付), one programme at a time: the city's or a county's (同步奖励)."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from applicants import programmes
from applicants.errors import ServiceError
from awards.documents.selectors import batch_documents_by_year, document_is_current
from awards.forms import BudgetForm
from awards.payouts import selectors as payout_selectors
from awards.payouts.rows import payout_rows_html, payout_rows_of
from awards.payouts.selectors import FinanceProgramme
from awards.payouts.services import payout_run_request
from awards.services.payouts import budget_set
from awards.views import _service_error_message, _user, official_required
from portal.pagination import LargeListPaginator


def _programme_for(request: HttpRequest, requested: str | None) -> FinanceProgramme:
    """The programme the desk shows: the one asked for if this user may see it, else 403."""
    available = payout_selectors.finance_programmes_for(_user(request))
    if not available:
        raise PermissionDenied
    if not requested:
        return available[0]
    for programme in available:
        if programme.code == requested:
            return programme
    raise PermissionDenied


def finance_url(programme: str) -> str:
    return f"{reverse('awards:finance')}?programme={programme}"


@require_http_methods(["GET", "POST"])
@official_required
def finance(request: HttpRequest) -> HttpResponse:
    """One programme's budgets per year, its payout plan, and its cases to pay."""
    programme = _programme_for(
        request, request.POST.get("programme") or request.GET.get("programme")
    )
    form = BudgetForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if not programme.can_write:
            raise PermissionDenied
        if form.is_valid():
            try:
                budget_set(actor=_user(request), programme=programme.code, **form.cleaned_data)
            except ServiceError as exc:
                _service_error_message(request, exc)
            else:
                messages.success(
                    request,
                    _("%(programme)s %(year)s 年度预算已保存。")
                    % {"programme": programme.name, "year": form.cleaned_data["year"]},
                )
                return redirect(finance_url(programme.code))
    runs = payout_selectors.runs_of(programme.code)
    batch_documents = batch_documents_by_year(programme.code)
    cases = payout_selectors.payout_cases(user=_user(request), programme=programme.code)
    to_count = payout_selectors.payout_cases_to_count(user=_user(request), programme=programme.code)
    page = LargeListPaginator(
        payout_rows_of(cases),
        settings.REVIEW_QUEUE_PAGE_SIZE,
        count_from=to_count,
        ids_from=cases,
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "awards/finance.html",
        {
            "form": form,
            "programme": programme,
            "programmes": payout_selectors.finance_programmes_for(_user(request)),
            "plan_state": payout_selectors.plan_state(programme.code),
            "recoveries": list(payout_selectors.recoveries_open(programme.code)[:100]),
            "batch_documents": batch_documents,
            # A batch list rendered before the year changed (a payment, a re-plan) is outdated.
            "stale_batches": {d.pk for d in batch_documents.values() if not document_is_current(d)},
            "unplanned_count": payout_selectors.confirmed_without_year_count(programme.code),
            "years": payout_selectors.payout_overview(programme.code),
            "page": page,
            "rows": payout_rows_html(page.object_list),
            "query": f"programme={programme.code}",
            "can_write": programme.can_write,
            "runs": runs,
            "run": runs[0] if runs else None,
        },
        status=400 if form.is_bound and not form.is_valid() else 200,
    )


@require_POST
@official_required
def finance_schedule(request: HttpRequest) -> HttpResponse:
    """Ask for one programme's payout plan: a run the page then follows until it is done."""
    programme = _programme_for(request, request.POST.get("programme"))
    try:
        payout_run_request(actor=_user(request), programme=programme.code)
    except ServiceError as exc:
        _service_error_message(request, exc)
    else:
        messages.success(request, _("已发起兑付年度安排，进度见下方。"))
    return redirect(f"{finance_url(programme.code)}#plan-run")


def _run_for(request: HttpRequest, pk: int):  # type: ignore[no-untyped-def]
    run = payout_selectors.run_visible_to(user=_user(request), pk=pk)
    if run is None:
        raise Http404
    return run


@require_GET
@official_required
def payout_run_panel(request: HttpRequest, pk: int) -> HttpResponse:
    """The run's progress card alone: the page polls it (htmx) while the run is active."""
    run = _run_for(request, pk)
    response = render(request, "awards/payouts/_run_panel.html", {"run": run, "polling": True})
    if not run.is_active:
        # Once finished, the whole desk reloads: budgets and the payout list changed with it.
        response["HX-Refresh"] = "true"
    return response


@require_GET
@official_required
def payout_run_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One run: its result per year and against the quota, the queue, and every change it made."""
    run = _run_for(request, pk)
    changes = Paginator(payout_selectors.run_changes(run), 100).get_page(request.GET.get("page"))
    queued = run.result.get("queued", {}) if run.result else {}
    head = queued.get("head", [])
    cases = payout_selectors.cases_by_id([entry["case"] for entry in head])
    return render(
        request,
        "awards/payouts/run_detail.html",
        {
            "run": run,
            "programme_name": programmes.programme_name(run.programme),
            "years": run.result.get("years", []) if run.result else [],
            "queued": queued,
            "queue_head": [(entry, cases.get(entry["case"])) for entry in head],
            "page": changes,
            "query": "",
        },
    )
