"""免申即享 pages for the city's reviewers: upload a winners list (or preview it), read each
import's report, download it. Thin: the form, one service, the report."""

import csv
import io
from typing import Any, cast

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from applicants.models import User
from applicants.policy import item_title
from applicants.roles import Role
from applicants.winners import errors
from applicants.winners.forms import WinnersUploadForm
from applicants.winners.models import WinnerImport
from applicants.winners.reading import WinnersFileError
from applicants.winners.services import winners_import
from awards.spreadsheets import safe_cell
from awards.views import role_required

# A winners list is a few hundred rows: a page upload far larger is not one.
MAX_UPLOAD_MB = 20


city_reviewer_required = role_required(Role.CITY_REVIEWER, errors.NOT_CITY_REVIEWER)


def _rows(report: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """The report's rows with words beside the codes (item titles, reason labels)."""
    created = [{**c, "item_title": item_title(c["item"])} for c in report.get("created", [])]
    skipped = [
        {**s, "label": errors.REASON_LABELS.get(s["reason"], s["reason"])}
        for s in report.get("skipped", [])
    ]
    return {"created": created, "skipped": skipped}


@city_reviewer_required
@require_http_methods(["GET", "POST"])
def winners_imports(request: HttpRequest) -> HttpResponse:
    form = WinnersUploadForm(request.POST or None, request.FILES or None)
    preview = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_MB * 1024 * 1024:
            form.add_error("file", errors.FILE_TOO_LARGE % {"max": MAX_UPLOAD_MB})
        else:
            try:
                report, record = winners_import(
                    name=upload.name or "",
                    content=upload.read(),
                    actor=cast(User, request.user),
                    via="page",
                    dry_run=form.cleaned_data["dry_run"],
                )
            except WinnersFileError as refused:
                form.add_error("file", str(refused.message))
            else:
                if record is not None:
                    return redirect("winners:detail", pk=record.pk)
                preview = {
                    "would_create": [
                        {**w, "item_title": item_title(w["item"])} for w in report.would_create
                    ],
                    **_rows({"skipped": report.skipped}),
                    "file_name": upload.name,
                }
    imports = WinnerImport.objects.select_related("created_by").order_by("-created_at", "-id")[:50]
    return render(
        request,
        "applicants/winners/imports.html",
        {"form": form, "imports": imports, "preview": preview},
    )


@require_GET
@city_reviewer_required
def winners_import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    record = get_object_or_404(WinnerImport.objects.select_related("created_by"), pk=pk)
    return render(
        request,
        "applicants/winners/detail.html",
        {"record": record, **_rows(record.report)},
    )


REPORT_HEADER = ["行号", "结果", "申报编号", "单位", "统一社会信用代码", "奖励事项", "原因", "说明"]


@require_GET
@city_reviewer_required
def winners_import_report(request: HttpRequest, pk: int) -> HttpResponse:
    """The import's report as CSV (UTF-8 with BOM, so Excel opens it in Chinese); every cell
    neutralised as the other exports are (a name beginning with "=" is not a formula)."""
    record = get_object_or_404(WinnerImport, pk=pk)
    rows = _rows(record.report)
    lines: list[list[object]] = [list(REPORT_HEADER)]
    lines += [
        [
            c["row"],
            "已生成草稿",
            c["case"],
            c["enterprise"],
            c.get("credit_code", ""),
            c["item_title"],
            "",
            "",
        ]
        for c in rows["created"]
    ]
    lines += [[s["row"], "跳过", "", "", "", "", s["label"], s["message"]] for s in rows["skipped"]]
    lines.sort(key=lambda line: line[0] if isinstance(line[0], int) else 0)
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    for line in lines:
        writer.writerow([safe_cell(str(cell)) for cell in line])
    stamp = timezone.localtime(record.created_at).strftime("%Y%m%d-%H%M")
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    filename = f"winners-import-{record.pk}-{stamp}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
