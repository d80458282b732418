from pathlib import Path
from typing import Any

from django.core.management.base import CommandParser

from applicants.errors import ServiceError
from awards.reports import errors as E
from awards.reports.models import ExportFormat
from awards.reports.services import payouts_export_write, report_filter
from portal.management.json_command import InvalidInput, JsonCommand


class Command(JsonCommand):
    help = (
        "兑付报表: export_payouts --format xlsx|csv --out FILE [--year Y] [--programme P] writes "
        "the reports page's file over every case (grouped by pay year) and prints one JSON object "
        '{"out", "format", "rows", "totals"} (exit 0); invalid input prints {"errors": {field: '
        "[message]}} and exits 2. The export is an audit entry of the system."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        # Checked in run(), not by argparse choices, so a bad value names its field.
        parser.add_argument("--format", dest="file_format", required=True, help="xlsx or csv")
        parser.add_argument("--out", required=True, help="the file to write")
        parser.add_argument("--year", help="a pay year, e.g. 2026 (queued awards have none)")
        parser.add_argument("--programme", help='"city" or a county programme\'s code')

    def run(self, **options: Any) -> dict[str, Any]:
        file_format = options["file_format"]
        if file_format not in ExportFormat.values:
            raise InvalidInput({"format": [str(E.UNKNOWN_EXPORT_FORMAT)]})
        filters = {
            key: options[key] for key in ("year", "programme") if options[key] not in (None, "")
        }
        try:
            report_filter(user=None, filters=filters)
        except ServiceError as exc:
            raise InvalidInput({exc.field or "arguments": [str(exc.message)]}) from None
        out = Path(options["out"])
        try:
            target = out.open("wb")
        except OSError as exc:
            message = E.OUT_NOT_WRITABLE % {"path": out, "reason": exc.strerror or exc}
            raise InvalidInput({"out": [str(message)]}) from None
        with target:
            totals = payouts_export_write(
                actor=None, filters=filters, file_format=file_format, target=target
            )
        return {
            "out": str(out),
            "format": file_format,
            "rows": totals.total.count,
            "totals": totals.as_dict(),
        }
