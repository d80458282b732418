"""Pages of payout reports: the grouped table, its exports, an export job's progress and file."""

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_GET, require_POST

from applicants.downloads import private_attachment
from applicants.errors import ServiceError
from awards.reports import errors as E
from awards.reports import selectors, services
from awards.reports.downloads import export_file_response
from awards.reports.filters import FILTER_KEYS, PayoutReportFilter
from awards.reports.models import PayoutExport
from awards.views import _service_error_message, _user, official_required

GROUPS_PER_PAGE = 50


def _filters(data: QueryDict) -> dict[str, Any]:
    """The report's filter as submitted: only its own keys, blanks left out."""
    return {key: data[key] for key in FILTER_KEYS if data.get(key)}


def _report_filter(request: HttpRequest, data: QueryDict) -> PayoutReportFilter:
    cases = selectors.report_cases(_user(request))
    return PayoutReportFilter(
        _filters(data), cases, user=_user(request), years=selectors.report_years(cases)
    )


def _page(request: HttpRequest, filterset: PayoutReportFilter) -> HttpResponse:
    valid = filterset.is_valid()
    groups = None
    totals = None
    if valid:
        summary = selectors.report_summary(filterset.qs, group_by=filterset.group_by)
        groups = Paginator(summary, GROUPS_PER_PAGE).get_page(request.GET.get("page"))
        totals = selectors.report_totals(filterset.qs)
    params = QueryDict(mutable=True)
    params.update(_filters(request.GET))
    return render(
        request,
        "awards/reports/report.html",
        {
            "filter": filterset,
            "group_by": filterset.group_by,
            "group_label": selectors.GroupBy(filterset.group_by).label,
            "groups": groups,
            "totals": totals,
            "query": params.urlencode(),
            "filter_values": _filters(request.GET if request.method == "GET" else request.POST),
            "exports": selectors.exports_of(_user(request)),
            "inline_rows": settings.REPORT_EXPORT_INLINE_ROWS,
        },
        status=200 if valid else 400,
    )


@require_GET
@official_required
def reports(request: HttpRequest) -> HttpResponse:
    """Awards planned, paid and queued, grouped, with subtotals and the total; exports."""
    return _page(request, _report_filter(request, request.GET))


@require_POST
@official_required
def report_export(request: HttpRequest) -> HttpResponse:
    """The report as XLSX or CSV: at once when small, else as a job the page follows."""
    filterset = _report_filter(request, request.POST)
    if not filterset.is_valid():
        return _page(request, filterset)
    back = reverse("awards:reports") + "?" + urlencode(_filters(request.POST))
    file_format = request.POST.get("format", "")
    rows = filterset.qs.count()
    try:
        if rows > settings.REPORT_EXPORT_INLINE_ROWS:
            services.payout_export_request(
                actor=_user(request), filters=filterset.stored(), file_format=file_format, rows=rows
            )
            messages.info(request, E.EXPORT_QUEUED % {"rows": rows})
            return redirect(back + "#exports")
        exported = services.payouts_export_now(
            actor=_user(request), filters=filterset.stored(), file_format=file_format
        )
    except ServiceError as exc:
        _service_error_message(request, exc)
        return redirect(back)
    return private_attachment(
        exported.content, content_type=exported.content_type, file_name=exported.file_name
    )


def _export_for(request: HttpRequest, pk: int) -> PayoutExport:
    export = selectors.export_for_download(_user(request), pk)
    if export is None:
        raise Http404
    return export


@require_GET
@official_required
def report_export_status(request: HttpRequest, pk: int) -> HttpResponse:
    """One export's progress (the page polls it with htmx until the file is ready)."""
    return render(
        request, "awards/reports/_export_status.html", {"export": _export_for(request, pk)}
    )


@require_GET
@official_required  # type: ignore[arg-type]  # typed for HttpResponse; a FileResponse streams
def report_export_download(request: HttpRequest, pk: int) -> FileResponse:
    """A finished export's file, for its requester or an administrator only (404 otherwise)."""
    return export_file_response(actor=_user(request), export=_export_for(request, pk))
