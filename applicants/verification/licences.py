"""Storing a business licence (营业执照): the evidence checks, a hash, a random file name."""

import hashlib
import os
import uuid

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from applicants.errors import ServiceError
from applicants.models import Enterprise, User
from applicants.services.evidence import evidence_open
from applicants.text import clean_text
from applicants.verification.errors import LICENCE_REQUIRED
from applicants.verification.models import BusinessLicence

LICENCE_FIELD = "licence"


def _sha256(stored: "UploadedFile | ContentFile[bytes]") -> str:
    digest = hashlib.sha256()
    stored.seek(0)
    for chunk in stored.chunks():
        digest.update(chunk)
    stored.seek(0)
    return digest.hexdigest()


def licence_store(
    *, enterprise: Enterprise, upload: UploadedFile | None, actor: User
) -> BusinessLicence:
    """Check the licence as evidence is checked (a PDF parsed and refused if active, an image
    re-encoded without metadata) and store it for `enterprise`; ServiceError on field "licence".
    """
    if upload is None:
        raise ServiceError(LICENCE_REQUIRED, field=LICENCE_FIELD)
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("licence_store must run inside a transaction")
    checked = evidence_open(upload=upload, field=LICENCE_FIELD)
    kind = checked.kind
    stored = upload if checked.content is None else ContentFile(checked.content)
    licence = BusinessLicence(
        enterprise=enterprise,
        # Shown to the county: no path, no bidi override turning "执照\u202efdp.exe" around.
        original_name=clean_text(os.path.basename((upload.name or "").replace("\\", "/")))[:255]
        or f"licence{kind.extension}",
        content_type=kind.content_type,
        size=stored.size or 0,
        sha256=_sha256(stored),
        uploaded_by=actor,
    )
    # Stored under a random name: the original name is data, never a path.
    licence.file.save(f"{uuid.uuid4().hex}{kind.extension}", stored, save=False)
    try:
        licence.save()
    except Exception:
        licence.file.delete(save=False)
        raise
    return licence


def licence_audit_data(licence: BusinessLicence) -> dict[str, object]:
    """What the audit trail records of a licence (the file itself is identified by its hash)."""
    return {
        "licence_id": licence.pk,
        "sha256": licence.sha256,
        "size": licence.size,
        "content_type": licence.content_type,
        "original_name": licence.original_name,
    }
