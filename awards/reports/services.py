"""Writes of payout reports: an export now (small), an export job (large), and the job's run.

Every export, whichever way it is made, is one audit entry `payouts_exported` with who asked,
the filter and the rows written. The entry is appended after the file is written, in a short
transaction of its own: the audit chain's head is locked only for the append, never for the
seconds a large file takes.
"""

import io
import logging
import tempfile
from dataclasses import dataclass
from typing import Any

from django.core.files import File
from django.db import transaction
from django.utils import timezone

from applicants.audit import audit_append
from applicants.errors import NotAllowed, ServiceError
from applicants.models import User
from awards.reports import errors as E
from awards.reports.exports import CONTENT_TYPES, ExportTotals, file_name, write_report
from awards.reports.filters import PayoutReportFilter
from awards.reports.models import ExportFormat, ExportState, PayoutExport
from awards.reports.selectors import report_cases, report_lines

logger = logging.getLogger(__name__)

AUDIT_ACTION = "payouts_exported"


@dataclass(frozen=True)
class ExportFile:
    content: bytes
    file_name: str
    content_type: str
    rows: int
    totals: ExportTotals


def _check_format(file_format: str) -> None:
    if file_format not in ExportFormat.values:
        raise ServiceError(E.UNKNOWN_EXPORT_FORMAT, field="format")


def report_filter(*, user: User | None, filters: dict[str, Any]) -> PayoutReportFilter:
    """The report's filter over what `user` may see; a bad value raises with its field."""
    filterset = PayoutReportFilter(filters, report_cases(user), user=user)
    if not filterset.is_valid():
        name, messages = next(iter(filterset.form.errors.items()))
        raise ServiceError(messages[0], field=name)
    return filterset


def _audit(*, actor: User | None, file_format: str, filters: dict[str, Any], rows: int) -> None:
    with transaction.atomic():
        audit_append(
            action=AUDIT_ACTION,
            actor=actor,
            data={"format": file_format, "filters": filters, "rows": rows},
        )


def payouts_export_write(
    *, actor: User | None, filters: dict[str, Any], file_format: str, target: Any
) -> ExportTotals:
    """Write the report `actor` may see (None: every case) to the binary file `target`.

    For the command line and the page's small exports; audited like every export.
    """
    _check_format(file_format)
    filterset = report_filter(user=actor, filters=filters)
    totals = write_report(
        report_lines(filterset.qs, group_by=filterset.group_by),
        file_format=file_format,
        target=target,
    )
    rows = totals.total.count
    _audit(actor=actor, file_format=file_format, filters=filterset.stored(), rows=rows)
    return totals


def payouts_export_now(*, actor: User, filters: dict[str, Any], file_format: str) -> ExportFile:
    """A small report as a file to download at once."""
    buffer = io.BytesIO()
    totals = payouts_export_write(
        actor=actor, filters=filters, file_format=file_format, target=buffer
    )
    return ExportFile(
        content=buffer.getvalue(),
        file_name=file_name(file_format),
        content_type=CONTENT_TYPES[file_format],
        rows=totals.total.count,
        totals=totals,
    )


@transaction.atomic
def payout_export_request(
    *, actor: User, filters: dict[str, Any], file_format: str, rows: int
) -> PayoutExport:
    """Record a large export for a worker to write; the job is queued once this commits."""
    from awards.reports.tasks import run_payout_export

    _check_format(file_format)
    filterset = report_filter(user=actor, filters=filters)
    export = PayoutExport.objects.create(
        requested_by=actor, format=file_format, filters=filterset.stored(), rows=rows
    )
    transaction.on_commit(lambda: run_payout_export.delay(export.pk))
    return export


def _progress(export_id: int) -> Any:
    def report(rows_done: int) -> None:
        # Outside any transaction: the page that polls sees it at once.
        PayoutExport.objects.filter(pk=export_id).update(rows_done=rows_done)

    return report


def payout_export_run(*, export_id: int) -> PayoutExport:
    """Write a queued export's file to storage, reporting progress; a rerun starts it afresh.

    A finished export is left as it is, so a redelivered task changes nothing.
    """
    with transaction.atomic():
        export = (
            PayoutExport.objects.select_for_update()
            .select_related("requested_by")
            .get(pk=export_id)
        )
        if export.state == ExportState.DONE:
            return export
        export.state, export.rows_done, export.error = ExportState.RUNNING, 0, ""
        export.save(update_fields=["state", "rows_done", "error"])
    try:
        filterset = report_filter(user=export.requested_by, filters=export.filters)
        with tempfile.TemporaryFile() as spool:
            totals = write_report(
                report_lines(filterset.qs, group_by=filterset.group_by),
                file_format=export.format,
                target=spool,
                progress=_progress(export.pk),
            )
            spool.seek(0)
            name = f"payouts-{export.pk}.{export.format}"
            export.file.save(name, File(spool, name=name), save=False)
    except ServiceError as exc:
        return _failed(export, str(exc.message))
    except Exception:
        logger.exception("payout export %s failed", export.pk)
        _failed(export, str(E.EXPORT_FAILED))
        raise
    with transaction.atomic():
        export.state = ExportState.DONE
        export.rows = export.rows_done = totals.total.count
        export.finished_at = timezone.now()
        export.save(update_fields=["state", "rows", "rows_done", "finished_at", "file"])
        audit_append(
            action=AUDIT_ACTION,
            actor=export.requested_by,
            data={
                "format": export.format,
                "filters": export.filters,
                "rows": export.rows,
                "export": export.pk,
            },
        )
    return export


def _failed(export: PayoutExport, message: str) -> PayoutExport:
    export.state, export.error, export.finished_at = ExportState.FAILED, message, timezone.now()
    export.save(update_fields=["state", "error", "finished_at"])
    return export


def payout_export_file(*, actor: User, export: PayoutExport) -> File:
    """The finished file of an export its requester (or an administrator) downloads."""
    if export.state != ExportState.DONE or not export.file:
        raise NotAllowed(E.EXPORT_NOT_READY)
    return export.file.open("rb")
