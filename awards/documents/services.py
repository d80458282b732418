"""Render, sign and store documents; each state of a case renders once, a change supersedes.

A document row is written once and never updated except to point at its successor (or to be
voided when the award it approves is undone). Files go through Django's storage API only, so an
S3-compatible store shared by several machines works by configuration.
"""

import hashlib
import json
import secrets
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone, translation

from applicants.audit import audit_append
from applicants.models import CITY_PROGRAMME, Application, ApplicationRevision, User
from awards.documents import selectors
from awards.documents.models import Document, DocumentKind
from awards.documents.qr import qr_svg
from awards.documents.rendering import render_pdf
from awards.documents.signing import sign_pdf
from awards.models import Award

# Crockford-style: no 0/O or 1/I/L to misread from paper; 20 characters ≈ 100 bits.
_CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 20


def document_code() -> str:
    """An unguessable verification code (never derived from ids)."""
    return "".join(secrets.choice(_CODE_ALPHABET) for _ in range(CODE_LENGTH))


def verify_url(code: str) -> str:
    return f"{settings.SITE_BASE_URL.rstrip('/')}/verify/{code}/"


def _fingerprint(value: Any) -> str:
    text = json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def _store(
    *,
    kind: str,
    template: str,
    context: dict[str, Any],
    subject: dict[str, str],
    content_key: str,
    current: Document | None,
    actor: User | None,
    application: Application | None = None,
    pay_year: int | None = None,
    revision: int | None = None,
    programme: str = CITY_PROGRAMME,
) -> Document:
    code = document_code()
    with translation.override("zh-hans"):
        rendered = render_pdf(
            template,
            {
                **context,
                "code": code,
                "verify_url": verify_url(code),
                "qr": qr_svg(verify_url(code)),
            },
        )
    content = sign_pdf(rendered.content, reason=str(DocumentKind(kind).label))
    document = Document(
        kind=kind,
        code=code,
        application=application,
        pay_year=pay_year,
        revision=revision,
        programme=application.programme if application is not None else programme,
        sha256=hashlib.sha256(content).hexdigest(),
        size=len(content),
        pages=rendered.pages,
        subject=subject,
        content_key=content_key,
        created_by=actor,
    )
    document.file.save(f"{kind}-{code}.pdf", ContentFile(content), save=False)
    document.save()
    if current is not None:
        Document.objects.filter(pk=current.pk).update(superseded_by=document)
    audit_append(
        action="document_rendered",
        actor=actor,
        application=application,
        data={
            "kind": kind,
            "code": code,
            "sha256": document.sha256,
            "pages": document.pages,
            "pay_year": pay_year,
            "programme": document.programme,
            "supersedes": current.code if current else None,
        },
    )
    return document


def _current(**filters: object) -> Document | None:
    return (
        Document.objects.filter(superseded_by__isnull=True, voided_at__isnull=True, **filters)
        .order_by("-id")
        .first()
    )


@transaction.atomic
def document_render_approval(*, application_id: int, actor: User | None = None) -> Document:
    """The 审批表 of an approved case: the current one if nothing it states has changed."""
    # The case row orders two renders of one case (the second finds the first's document).
    Application.objects.select_for_update().get(pk=application_id)
    with translation.override("zh-hans"):
        sheet = selectors.approval_sheet(application_id=application_id)
        key = _fingerprint(
            {
                "subject": sheet.subject(),
                "facts": sheet.facts,
                "trace": sheet.trace,
                "override": sheet.override,
                "exemption": sheet.exemption,
                "county": sheet.county_opinion,
                "announcement": [sheet.announcement, sheet.announcement_outcome],
                "version": sheet.rules_version,
            }
        )
    current = _current(application_id=application_id, kind=DocumentKind.APPROVAL)
    if current is not None and current.content_key == key:
        return current
    return _store(
        kind=DocumentKind.APPROVAL,
        template="awards/documents/approval.html",
        context={"sheet": sheet},
        subject=sheet.subject(),
        content_key=key,
        current=current,
        actor=actor,
        application=sheet.application,
    )


@transaction.atomic
def document_render_batch(
    *, year: int, programme: str = CITY_PROGRAMME, actor: User | None = None
) -> Document:
    """The batch list (兑现资金汇总表) of one programme's pay year as it stands."""
    with translation.override("zh-hans"):
        batch = selectors.batch_list(year=year, programme=programme)
    key = selectors.batch_fingerprint(batch)
    current = _current(kind=DocumentKind.BATCH, pay_year=year, programme=programme)
    if current is not None and current.content_key == key:
        return current
    return _store(
        kind=DocumentKind.BATCH,
        template="awards/documents/batch.html",
        context={"batch": batch},
        subject=batch.subject(),
        content_key=key,
        current=current,
        actor=actor,
        pay_year=year,
        programme=programme,
    )


@transaction.atomic
def document_render_receipt(
    *, application_id: int, revision: int | None = None, actor: User | None = None
) -> Document:
    """The receipt (申报回执) of one submission; one per submission, never re-rendered."""
    Application.objects.select_for_update().get(pk=application_id)
    with translation.override("zh-hans"):
        slip = selectors.receipt(application_id=application_id, revision=revision)
    existing = _current(
        application_id=application_id, kind=DocumentKind.RECEIPT, revision=slip.revision.number
    )
    if existing is not None:
        return existing
    return _store(
        kind=DocumentKind.RECEIPT,
        template="awards/documents/receipt.html",
        context={"slip": slip},
        subject=slip.subject(),
        content_key=_fingerprint(slip.revision.snapshot),
        current=None,
        actor=actor,
        application=slip.application,
        revision=slip.revision.number,
    )


@transaction.atomic
def documents_void_approval(*, application_id: int, reason: str) -> int:
    """Mark a case's current 审批表 void (its award was undone); returns how many were."""
    return Document.objects.filter(
        application_id=application_id,
        kind=DocumentKind.APPROVAL,
        superseded_by__isnull=True,
        voided_at__isnull=True,
    ).update(voided_at=timezone.now(), void_reason=reason[:200])


def documents_refresh_case(*, application_id: int) -> Document | None:
    """Bring a case's 审批表 up to date with its award (render, supersede or void)."""
    award = (
        Award.objects.filter(application_id=application_id).select_related("application").first()
    )
    if award is None:
        return None
    if award.application.status in {"rejected", "withdrawn", "returned"}:
        documents_void_approval(application_id=application_id, reason=award.application.status)
        return None
    return document_render_approval(application_id=application_id)


def receipt_for_latest_submission(*, application_id: int) -> Document | None:
    if not ApplicationRevision.objects.filter(application_id=application_id).exists():
        return None
    return document_render_receipt(application_id=application_id)
