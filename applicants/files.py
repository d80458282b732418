"""What an evidence file is, judged by its content (magic bytes), never by its name."""

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class FileKind:
    signature: bytes
    content_type: str
    extension: str


EVIDENCE_KINDS = (
    FileKind(b"%PDF-", "application/pdf", ".pdf"),
    FileKind(b"\xff\xd8\xff", "image/jpeg", ".jpg"),
    FileKind(b"\x89PNG\r\n\x1a\n", "image/png", ".png"),
)


class Seekable(Protocol):
    def tell(self) -> int: ...
    def seek(self, offset: int, whence: int = 0, /) -> int: ...
    def read(self, size: int = -1, /) -> bytes: ...


_HEAD = max(len(k.signature) for k in EVIDENCE_KINDS)


def sniff_evidence_kind(stream: Seekable) -> FileKind | None:
    """The accepted kind whose signature starts the stream, or None; the position is restored."""
    position = stream.tell()
    stream.seek(0)
    head = stream.read(_HEAD)
    stream.seek(position)
    return next((k for k in EVIDENCE_KINDS if head.startswith(k.signature)), None)


def download_name(original_name: str, content_type: str) -> str:
    """The name a file is served under: its own stem with the extension of what it really is."""
    kind = next((k for k in EVIDENCE_KINDS if k.content_type == content_type), None)
    if kind is None:
        return original_name
    stem, dot, extension = original_name.rpartition(".")
    if dot and f".{extension.lower()}" in {kind.extension, ".jpeg"}:
        return original_name
    return f"{stem or original_name}{kind.extension}"
