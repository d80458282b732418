"""Writes of rule revisions: upload a candidate (validated and compared), compare it again,
discard it, or adopt it with an effective date. Each is an audit entry; adoption keeps the
report's fingerprint and totals with it (the report itself stays on the candidate, unchanged).
"""

import hashlib
import json
import os
import re
import tempfile
from datetime import date
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from applicants.audit import audit_append
from applicants.errors import Conflict, NotAllowed, ServiceError
from applicants.models import User
from applicants.roles import Role
from awards.revisions import errors as E
from awards.revisions.impact import rules_impact
from awards.revisions.models import CandidateState, RulesCandidate
from rules import RulesDataError, RulesVersion
from rules.loader import load_rulebook, load_version_text, reload_rulebook, rulebook_of

MAX_FILE_KB = 512
_EFFECTIVE_RE = re.compile(r"^effective_from\s*=\s*[0-9-]+\s*$", re.MULTILINE)


def _require_city(actor: User) -> None:
    if actor.role != Role.CITY_REVIEWER:
        raise NotAllowed(E.NOT_CITY_REVIEWER)


def candidate_parse(*, file_name: str, content: bytes) -> tuple[str, RulesVersion]:
    """The candidate's text and version, validated as an adopted version is: the strict loader,
    then a name and an effective date no version in force already has."""
    if len(content) > MAX_FILE_KB * 1024:
        raise ServiceError(E.FILE_TOO_LARGE % {"max": MAX_FILE_KB}, field="file")
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ServiceError(E.FILE_NOT_UTF8, field="file") from None
    try:
        version = load_version_text(text, source=file_name or "candidate.toml")
    except RulesDataError as invalid:
        message = E.FILE_INVALID if invalid.line else E.FILE_INVALID_NO_LINE
        params = {"line": invalid.line, "key": invalid.key_path or "-", "problem": invalid.problem}
        raise ServiceError(message % params, field="file", code="rules_invalid") from None
    for existing in load_rulebook().versions:
        if existing.version == version.version:
            raise ServiceError(E.VERSION_EXISTS % {"version": version.version}, field="file")
    return text, version


def _report(version: RulesVersion) -> dict:
    return rules_impact(version, as_of=timezone.localdate())


@transaction.atomic
def candidate_upload(*, actor: User, file_name: str, content: bytes) -> RulesCandidate:
    """Store a candidate with its comparison against the rules in force (nothing adopted)."""
    _require_city(actor)
    text, version = candidate_parse(file_name=file_name, content=content)
    if RulesCandidate.objects.filter(
        version=version.version, state__in=[CandidateState.CANDIDATE, CandidateState.ADOPTED]
    ).exists():
        raise ServiceError(E.VERSION_EXISTS % {"version": version.version}, field="file")
    candidate = RulesCandidate.objects.create(
        version=version.version,
        title=version.title[:300],
        file_name=Path(file_name).name[:255],
        text=text,
        sha256=hashlib.sha256(content).hexdigest(),
        effective_from=version.effective_from,
        uploaded_by=actor,
        report=_report(version),
        report_at=timezone.now(),
    )
    audit_append(
        action="rules_candidate_uploaded",
        actor=actor,
        data={"candidate": candidate.pk, "version": candidate.version, "sha256": candidate.sha256},
    )
    return candidate


def candidate_version(candidate: RulesCandidate) -> RulesVersion:
    return load_version_text(candidate.text, source=candidate.file_name)


def _pending(candidate_id: int) -> RulesCandidate:
    candidate = RulesCandidate.objects.select_for_update().get(pk=candidate_id)
    if candidate.state != CandidateState.CANDIDATE:
        raise Conflict(E.NOT_PENDING)
    return candidate


@transaction.atomic
def candidate_compare(*, actor: User, candidate_id: int) -> RulesCandidate:
    """Compare the candidate again with the cases and the plan as they are now."""
    _require_city(actor)
    candidate = _pending(candidate_id)
    candidate.report = _report(candidate_version(candidate))
    candidate.report_at = timezone.now()
    candidate.save(update_fields=["report", "report_at"])
    return candidate


@transaction.atomic
def candidate_discard(*, actor: User, candidate_id: int) -> RulesCandidate:
    _require_city(actor)
    candidate = _pending(candidate_id)
    candidate.state = CandidateState.DISCARDED
    candidate.decided_by, candidate.decided_at = actor, timezone.now()
    candidate.save(update_fields=["state", "decided_by", "decided_at"])
    audit_append(
        action="rules_candidate_discarded",
        actor=actor,
        data={"candidate": candidate.pk, "version": candidate.version},
    )
    return candidate


def _fingerprint(report: dict) -> str:
    text = json.dumps(report, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def _write_adopted(text: str, name: str) -> Path:
    directory = Path(settings.RULES_ADOPTED_DIR)
    directory.mkdir(parents=True, exist_ok=True)
    target = directory / name
    # Written whole, then renamed: a process reading the directory never sees half a file.
    with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=directory, delete=False) as out:
        out.write(text)
    os.replace(out.name, target)
    return target


@transaction.atomic
def candidate_adopt(*, actor: User, candidate_id: int, effective_from: date) -> RulesCandidate:
    """Adopt the candidate from `effective_from`: cases whose event is on or after it are priced
    by it from now on; decisions already taken keep the version and trace they were made under.
    """
    _require_city(actor)
    candidate = _pending(candidate_id)
    version = candidate_version(candidate)
    if effective_from < version.retroactive_from:
        raise ServiceError(
            E.DATE_BEFORE_RETROACTIVE % {"date": version.retroactive_from.isoformat()},
            field="effective_from",
        )
    book = load_rulebook()
    for existing in book.versions:
        if existing.effective_from == effective_from:
            raise ServiceError(
                E.DATE_TAKEN % {"date": effective_from.isoformat(), "version": existing.version},
                field="effective_from",
            )
        if existing.version == version.version:
            raise ServiceError(E.VERSION_EXISTS % {"version": version.version}, field="file")
    text = _EFFECTIVE_RE.sub(f"effective_from = {effective_from.isoformat()}", candidate.text, 1)
    name = f"{effective_from.isoformat()}-{re.sub(r'[^A-Za-z0-9_.-]', '_', version.version)}.toml"
    adopted = load_version_text(text, source=name)
    rulebook_of([*book.versions, adopted])  # the book it makes is valid
    candidate.state = CandidateState.ADOPTED
    candidate.decided_by, candidate.decided_at = actor, timezone.now()
    candidate.adopted_effective_from = effective_from
    candidate.save(update_fields=["state", "decided_by", "decided_at", "adopted_effective_from"])
    report = candidate.report
    audit_append(
        action="rules_adopted",
        actor=actor,
        data={
            "candidate": candidate.pk,
            "version": candidate.version,
            "effective_from": effective_from.isoformat(),
            "sha256": candidate.sha256,
            "report_sha256": _fingerprint(report),
            "report_at": candidate.report_at.isoformat() if candidate.report_at else None,
            "parameters": report.get("parameters", []),
            "totals": report.get("totals", {}).get("all", {}),
        },
    )
    _write_adopted(text, name)
    transaction.on_commit(reload_rulebook)
    reload_rulebook()
    return candidate
