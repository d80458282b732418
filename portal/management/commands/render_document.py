import re
from pathlib import Path
from typing import Any

from django.core.management.base import CommandParser

from applicants.models import Application
from awards.documents.models import Document
from awards.documents.services import (
    document_render_approval,
    document_render_batch,
    document_render_receipt,
)
from awards.models import Award
from portal.management.json_command import InvalidInput, JsonCommand

_CASE_NUMBER = re.compile(r"XY-(\d{4})-(\d{1,12})")


def case_id(raw: str) -> int:
    """A case number such as XY-2026-000006, or the case's id."""
    text = raw.strip().upper()
    match = _CASE_NUMBER.fullmatch(text)
    if match:
        pk = int(match.group(2))
        case = Application.objects.filter(pk=pk).only("created_at").first()
        if case is None or case.reference != text:
            raise InvalidInput({"case": [f"没有编号为 {raw} 的申报"]})
        return pk
    if text.isdigit() and len(text) <= 12 and Application.objects.filter(pk=int(text)).exists():
        return int(text)
    raise InvalidInput({"case": [f"没有编号为 {raw} 的申报（请用 XY-年份-编号 或申报 id）"]})


class Command(JsonCommand):
    help = (
        "Render (or return the current stored) document: approval CASE | receipt CASE | "
        "batch YEAR [--out FILE] → {code, sha256, pages, path} (exit 0; 2 if invalid)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=["approval", "batch", "receipt"])
        parser.add_argument(
            "subject", help="a case number (XY-2026-000006) or id; a year for batch"
        )
        parser.add_argument("--out", help="also write the PDF to this file")

    def run(self, **options: Any) -> dict[str, Any]:
        kind, subject = options["kind"], options["subject"]
        document: Document
        if kind == "batch":
            if not (subject.isdigit() and 2020 <= int(subject) <= 2100):
                raise InvalidInput({"year": ["年度应为 2020 至 2100 之间的四位数字"]})
            document = document_render_batch(year=int(subject))
        elif kind == "approval":
            pk = case_id(subject)
            if not Award.objects.filter(application_id=pk).exists():
                raise InvalidInput({"case": ["该申报尚无奖励决定，不能生成审批表"]})
            document = document_render_approval(application_id=pk)
        else:
            pk = case_id(subject)
            try:
                document = document_render_receipt(application_id=pk)
            except Exception:  # no submission yet
                raise InvalidInput({"case": ["该申报尚未提交，没有申报回执"]}) from None
        path = document.file.name
        if options.get("out"):
            out = Path(options["out"])
            try:
                with document.file.open("rb") as source:
                    out.write_bytes(source.read())
            except OSError as exc:
                raise InvalidInput({"out": [f"无法写入 {out}: {exc.strerror}"]}) from None
            path = str(out)
        return {
            "code": document.code,
            "sha256": document.sha256,
            "pages": document.pages,
            "path": path,
        }
