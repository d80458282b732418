"""The city reviewer's pages of rule revisions (规则修订): upload a candidate, read what it
changes, export the report, compare again, discard or adopt it. Thin: a form, one service."""

from typing import cast

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from applicants.downloads import private_attachment
from applicants.errors import ServiceError
from applicants.models import User
from applicants.roles import Role
from awards.revisions import errors as E
from awards.revisions import selectors, services
from awards.revisions.exports import XLSX_CONTENT_TYPE, report_xlsx
from awards.revisions.forms import AdoptForm, CandidateUploadForm
from awards.revisions.models import CandidateState, RulesCandidate
from awards.views import role_required

CASES_PER_PAGE = 50


city_reviewer_required = role_required(Role.CITY_REVIEWER, E.NOT_CITY_REVIEWER)


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


@city_reviewer_required
@require_http_methods(["GET", "POST"])
def candidates(request: HttpRequest) -> HttpResponse:
    form = CandidateUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            candidate = services.candidate_upload(
                actor=_user(request),
                file_name=upload.name or "",
                content=upload.read(services.MAX_FILE_KB * 1024 + 1),
            )
        except ServiceError as refused:
            form.add_error("file", str(refused.message))
        else:
            messages.success(
                request, _("修订草案已上传，尚未生效。影响分析正在计算，完成后本页自动显示。")
            )
            return redirect("revisions:detail", pk=candidate.pk)
    return render(
        request,
        "awards/revisions/candidates.html",
        {"form": form, "candidates": list(selectors.candidates()[:100])},
        status=400 if form.is_bound and not form.is_valid() else 200,
    )


def _detail(
    request: HttpRequest, candidate: RulesCandidate, adopt_form: AdoptForm, status: int = 200
) -> HttpResponse:
    report = candidate.report
    cases = Paginator(selectors.case_rows(report), CASES_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "awards/revisions/detail.html",
        {
            "candidate": candidate,
            "title": selectors.candidate_title(candidate),
            "is_pending": candidate.state == CandidateState.CANDIDATE,
            "report_ready": candidate.report_ready,
            "report_status": selectors.report_status(candidate),
            "report": report,
            "parameters": selectors.parameter_rows(report),
            "overall": selectors.overall(report),
            "page": cases,
            "query": "",
            "by_item": selectors.total_rows(report, "item"),
            "by_jurisdiction": selectors.total_rows(report, "jurisdiction"),
            "plan": selectors.plan_rows(report),
            "moved": report.get("plan_changes", {}).get("moved", []),
            "queued": report.get("plan_changes", {}).get("queued", {}),
            "adopt_form": adopt_form,
        },
        status=status,
    )


@city_reviewer_required
@require_GET
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    candidate = get_object_or_404(RulesCandidate, pk=pk)
    form = AdoptForm(initial={"effective_from": candidate.effective_from.isoformat()})
    return _detail(request, candidate, form)


@city_reviewer_required
@require_GET
def report_status(request: HttpRequest, pk: int) -> HttpResponse:
    """The comparison's progress alone: the page polls it (htmx) while a worker computes it."""
    candidate = get_object_or_404(RulesCandidate, pk=pk)
    status = selectors.report_status(candidate)
    response = render(
        request, "awards/revisions/_report_status.html", {"candidate": candidate, "status": status}
    )
    if not status.polling:
        # Done (or given up): the whole page shows the report, or what to do next.
        response["HX-Refresh"] = "true"
    return response


@city_reviewer_required
@require_GET
def export(request: HttpRequest, pk: int) -> HttpResponse:
    candidate = get_object_or_404(RulesCandidate, pk=pk)
    if not candidate.report_ready:
        messages.warning(request, str(E.REPORT_NOT_READY_TO_EXPORT))
        return redirect("revisions:detail", pk=pk)
    name = f"规则修订影响-{candidate.version}-{timezone.localdate():%Y%m%d}.xlsx"
    return private_attachment(
        report_xlsx(candidate.report), content_type=XLSX_CONTENT_TYPE, file_name=name
    )


@city_reviewer_required
@require_POST
def compare(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        services.candidate_compare(actor=_user(request), candidate_id=pk)
    except ServiceError as refused:
        messages.warning(request, str(refused.message))
    else:
        messages.success(request, _("正在按当前申报和兑付安排重新比对，完成后本页自动显示。"))
    return redirect("revisions:detail", pk=pk)


@city_reviewer_required
@require_POST
def discard(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        services.candidate_discard(actor=_user(request), candidate_id=pk)
    except ServiceError as refused:
        messages.warning(request, str(refused.message))
    else:
        messages.info(request, _("已放弃这份修订草案。"))
    return redirect("revisions:detail", pk=pk)


@city_reviewer_required
@require_POST
def adopt(request: HttpRequest, pk: int) -> HttpResponse:
    candidate = get_object_or_404(RulesCandidate, pk=pk)
    form = AdoptForm(request.POST)
    if form.is_valid():
        try:
            services.candidate_adopt(
                actor=_user(request),
                candidate_id=pk,
                effective_from=form.cleaned_data["effective_from"],
            )
        except ServiceError as refused:
            if refused.field == "effective_from":
                form.add_error("effective_from", str(refused.message))
            else:
                messages.warning(request, str(refused.message))
                return redirect("revisions:detail", pk=pk)
        else:
            messages.success(
                request,
                _("修订已采用：事件日期在 %(date)s 及以后的申报按新规则计算。")
                % {"date": form.cleaned_data["effective_from"].isoformat()},
            )
            return redirect("revisions:detail", pk=pk)
    return _detail(request, candidate, form, status=400)
