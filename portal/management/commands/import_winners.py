from pathlib import Path
from typing import Any

from django.core.management.base import CommandParser
from django.utils.translation import gettext as _

from applicants.winners.reading import WinnersFileError
from applicants.winners.services import winners_import
from portal.management.json_command import InvalidInput, JsonCommand

# A winners list is a few hundred rows; a file far larger is not one.
MAX_FILE_BYTES = 20 * 1024 * 1024


class Command(JsonCommand):
    help = (
        "免申即享: import_winners FILE [--dry-run] reads a published winners list (CSV or XLSX, "
        "header: credit_code, enterprise_name, item, prize_level, event_date, document_number, "
        "or 统一社会信用代码, 单位名称, 奖励事项, 获奖等次, 日期, 文号) and prepares a draft for "
        'each matched, verified enterprise. Prints {"created": [CASE_NUMBER…], "skipped": [{"row", '
        '"reason", "message"}…]} and exits 0; a file it cannot read prints {"errors": …}, exit 2. '
        "--dry-run stores nothing and adds the rows it would create under would_create."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="the winners list, .csv or .xlsx")
        parser.add_argument("--dry-run", action="store_true", help="report only, store nothing")

    def run(self, **options: Any) -> dict[str, Any]:
        path = Path(options["file"])
        try:
            if path.stat().st_size > MAX_FILE_BYTES:
                raise InvalidInput({"file": [_("文件过大：名单文件不能超过 20 MB。")]})
            content = path.read_bytes()
        except OSError as exc:
            message = _("无法读取文件 %(path)s：%(reason)s") % {
                "path": path,
                "reason": exc.strerror or exc,
            }
            raise InvalidInput({"file": [message]}) from None
        try:
            report, _record = winners_import(
                name=path.name,
                content=content,
                actor=None,
                via="command",
                dry_run=options["dry_run"],
            )
        except WinnersFileError as refused:
            raise InvalidInput({"file": [str(refused.message)]}) from None
        return report.as_command_output()
