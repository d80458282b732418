import hashlib
from pathlib import Path
from typing import Any

from django.core.management.base import CommandParser

from awards.documents.models import Document
from awards.documents.selectors import document_is_current
from awards.documents.services import CODE_LENGTH
from awards.documents.signing import signature_status
from portal.management.json_command import InvalidInput, JsonCommand

_CODE_CHARS = frozenset("23456789ABCDEFGHJKMNPQRSTUVWXYZ")


class Command(JsonCommand):
    help = (
        "Check a document by its verification code or a PDF file: "
        "{valid, current, signature} (exit 0; 2 if the input is neither)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("code_or_file")

    def run(self, **options: Any) -> dict[str, Any]:
        raw: str = options["code_or_file"]
        path = Path(raw)
        if path.is_file():
            try:
                content = path.read_bytes()
            except OSError as exc:
                raise InvalidInput({"file": [f"无法读取 {raw}: {exc.strerror}"]}) from None
            digest = hashlib.sha256(content).hexdigest()
            document = Document.objects.filter(sha256=digest).first()
        else:
            code = raw.strip().upper()
            if len(code) != CODE_LENGTH or not set(code) <= _CODE_CHARS:
                raise InvalidInput(
                    {"code_or_file": [f"{raw} 既不是文件，也不是 {CODE_LENGTH} 位验证码"]}
                )
            document = Document.objects.filter(code=code).first()
            content = b""
            if document is not None:
                with document.file.open("rb") as stored:
                    content = stored.read()
        signature = (
            signature_status(content)
            if content
            else {"signed": False, "intact": False, "trusted": False, "signer": ""}
        )
        valid = document is not None and bool(signature["intact"]) and bool(signature["trusted"])
        return {
            "valid": valid,
            "current": document_is_current(document) if document is not None else None,
            "code": document.code if document is not None else None,
            "kind": document.kind if document is not None else None,
            "signature": signature,
        }
