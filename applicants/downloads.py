"""The one way an evidence file leaves the server: inline, with the type sniffed at upload."""

import logging
from typing import IO, Protocol

from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.utils.http import content_disposition_header

from applicants.files import download_name
from applicants.models import EvidenceFile

logger = logging.getLogger(__name__)


class StoredUpload(Protocol):
    """An uploaded file as stored: evidence, or a business licence (applicants/verification)."""

    pk: int
    file: FieldFile
    original_name: str
    content_type: str


def evidence_response(evidence: "EvidenceFile | StoredUpload") -> FileResponse:
    """Stream the file; the caller has already checked access (`evidence_get_for`, or
    `licence_for_review` for a licence)."""
    try:
        stream = evidence.file.open("rb")
    except FileNotFoundError:
        logger.error("evidence file %s is missing from storage (%s)", evidence.pk, evidence.file)
        raise Http404 from None
    response = FileResponse(
        stream,
        content_type=evidence.content_type,
        as_attachment=False,
        # A PDF uploaded as "x.exe" is served as "x.pdf": the name never contradicts the type.
        filename=download_name(evidence.original_name, evidence.content_type),
    )
    response["X-Content-Type-Options"] = "nosniff"
    # Confidential business documents: no shared cache may keep them.
    response["Cache-Control"] = "private, no-store"
    return response


def _private[R: HttpResponseBase](response: R) -> R:
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def private_attachment(content: bytes, *, content_type: str, file_name: str) -> HttpResponse:
    """A file made for one reader (an export, a treasury form): downloaded, never cached."""
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=file_name
    )
    return _private(response)


def private_file(
    stream: IO[bytes], *, content_type: str, file_name: str, as_attachment: bool = True
) -> FileResponse:
    """A stored file for one reader (a document, an export job's file), streamed, never cached."""
    response = FileResponse(
        stream, content_type=content_type, as_attachment=as_attachment, filename=file_name
    )
    return _private(response)
