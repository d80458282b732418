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
