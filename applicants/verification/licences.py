"""Storing a business licence (营业执照): the evidence checks, a hash, a random file name."""

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from applicants.errors import ServiceError
from applicants.models import Enterprise, User
from applicants.services.evidence import evidence_open, upload_for_storage
from applicants.verification.errors import LICENCE_REQUIRED
from applicants.verification.models import BusinessLicence

LICENCE_FIELD = "licence"


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
    stored = upload_for_storage(upload=upload, checked=checked, fallback_stem="licence")
    licence = BusinessLicence(
        enterprise=enterprise,
        original_name=stored.original_name,
        content_type=stored.content_type,
        size=stored.size,
        sha256=stored.sha256,
        uploaded_by=actor,
    )
    licence.file.save(stored.storage_name, stored.content, save=False)
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
