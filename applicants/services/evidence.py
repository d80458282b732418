"""Writes for evidence files (证明材料): checked by content, hashed, versioned, audited."""

import hashlib
import os
import uuid
from dataclasses import dataclass
from typing import IO

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max

from applicants import policy
from applicants.audit import audit_append
from applicants.errors import (
    EVIDENCE_BAD_TYPE,
    EVIDENCE_EMPTY,
    EVIDENCE_TOO_LARGE,
    EVIDENCE_UNKNOWN_KIND,
    ServiceError,
)
from applicants.evidence_checks import check_pdf, clean_image
from applicants.files import FileKind, sniff_evidence_kind
from applicants.models import EvidenceFile, User
from applicants.services.editing import application_lock_for_edit
from applicants.text import clean_text


@dataclass(frozen=True)
class CheckedEvidence:
    kind: FileKind
    # An image as re-encoded without its metadata; None for a PDF, which is stored as uploaded.
    content: bytes | None


def evidence_check(*, upload: UploadedFile, field: str | None = None) -> FileKind:
    """The file's kind if a PDF, JPEG or PNG within EVIDENCE_MAX_BYTES, else ServiceError.

    Cheap (size and magic bytes), so the form runs it on every post; evidence_open parses.
    """
    limit = settings.EVIDENCE_MAX_BYTES
    size = upload.size or 0
    if size == 0:
        raise ServiceError(EVIDENCE_EMPTY, field=field)
    if size > limit:
        raise ServiceError(EVIDENCE_TOO_LARGE % {"max": f"{limit / (1024 * 1024):g}"}, field=field)
    kind = sniff_evidence_kind(upload)  # type: ignore[arg-type]
    if kind is None:
        raise ServiceError(EVIDENCE_BAD_TYPE, field=field)
    return kind


def evidence_open(*, upload: UploadedFile, field: str | None = None) -> CheckedEvidence:
    """evidence_check, then the file opened: a PDF parsed and refused if encrypted or active
    (JavaScript, launch actions, embedded files); an image decoded and re-encoded without EXIF,
    XMP, ICC or text chunks.
    """
    kind = evidence_check(upload=upload, field=field)
    stream: IO[bytes] = upload  # type: ignore[assignment]
    if kind.content_type == "application/pdf":
        check_pdf(stream, field=field)
        return CheckedEvidence(kind=kind, content=None)
    return CheckedEvidence(kind=kind, content=clean_image(stream, kind, field=field))


def _sha256(upload: "UploadedFile | ContentFile[bytes]") -> str:
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


@dataclass(frozen=True)
class StoredUpload:
    """A checked upload as it is stored: what reviewers will open (the cleaned image, if any),
    its name as shown, its type, size and hash, and the random name it is saved under."""

    content: "UploadedFile | ContentFile[bytes]"
    original_name: str
    content_type: str
    size: int
    sha256: str
    storage_name: str


def upload_for_storage(
    *, upload: UploadedFile, checked: CheckedEvidence, fallback_stem: str
) -> StoredUpload:
    """What an evidence file, a business licence or an objection's evidence stores of `upload`.

    The shown name has no path and no invisible or bidi characters (a U+202E in
    "证书\u202efdp.exe" must not turn it around); the file is saved under a random name, so the
    original name is data, never a path.
    """
    stored = upload if checked.content is None else ContentFile(checked.content)
    name = clean_text(os.path.basename((upload.name or "").replace("\\", "/")))[:255]
    return StoredUpload(
        content=stored,
        original_name=name or f"{fallback_stem}{checked.kind.extension}",
        content_type=checked.kind.content_type,
        size=stored.size or 0,
        sha256=_sha256(stored),
        storage_name=f"{uuid.uuid4().hex}{checked.kind.extension}",
    )


@transaction.atomic
def evidence_add(
    *, actor: User, application_id: int, kind: str, upload: UploadedFile
) -> EvidenceFile:
    """Add version n+1 of one evidence document of an editable case; never replaces a file."""
    field = f"evidence__{kind}"
    application = application_lock_for_edit(actor=actor, application_id=application_id)
    rule = policy.item_rule(application.item)
    if rule is None or kind not in {spec.code for spec in rule.evidence}:
        raise ServiceError(EVIDENCE_UNKNOWN_KIND, field=field)
    # Parsed here only (seconds for a 20 MB photo), not in the form as well: the view shows the
    # refusal on the file's field, and the transaction drops the draft it was part of.
    checked = evidence_open(upload=upload, field=field)
    stored = upload_for_storage(upload=upload, checked=checked, fallback_stem=kind)
    # The case row is locked, so the next version number cannot be taken by a concurrent upload.
    latest = application.evidence_files.filter(kind=kind).aggregate(n=Max("version"))["n"] or 0
    evidence = EvidenceFile(
        application=application,
        kind=kind,
        version=latest + 1,
        original_name=stored.original_name,
        content_type=stored.content_type,
        size=stored.size,
        sha256=stored.sha256,
        uploaded_by=actor,
    )
    evidence.file.save(stored.storage_name, stored.content, save=False)
    try:
        evidence.save()
        audit_append(
            action="evidence_added",
            actor=actor,
            application=application,
            data={
                "evidence_id": evidence.pk,
                "kind": kind,
                "version": evidence.version,
                "sha256": evidence.sha256,
                "size": evidence.size,
                "content_type": evidence.content_type,
                "original_name": evidence.original_name,
            },
        )
    except Exception:
        evidence.file.delete(save=False)
        raise
    return evidence
