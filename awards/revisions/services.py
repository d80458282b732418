"""Writes of rule revisions: upload a candidate (validated; compared by a worker), compare it
again, discard it, or adopt it with an effective date. Each is an audit entry; adoption keeps the
report's fingerprint and totals with it (the report itself stays on the candidate, unchanged).

The comparison re-prices every unpaid case (tens of seconds at 100,000 cases): a request only
asks for it; `candidate_report_compute` (a Celery task, in-process without Redis) writes it.
"""

import hashlib
import json
import logging
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
from awards.revisions.models import CandidateState, ReportState, RulesCandidate
from rules import RulesDataError, RulesVersion
from rules.loader import load_rulebook, load_version_text, reload_rulebook, rulebook_of

logger = logging.getLogger(__name__)

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


def _request_report(candidate: RulesCandidate) -> None:
    """Mark the comparison as being computed and hand it to a worker once this commits."""
    candidate.report_state = ReportState.COMPUTING
    candidate.report_generation += 1
    candidate.report_requested_at = timezone.now()
    candidate.save(update_fields=["report_state", "report_generation", "report_requested_at"])
    from awards.revisions.tasks import compare_rules_candidate

    pk, generation = candidate.pk, candidate.report_generation
    transaction.on_commit(lambda: compare_rules_candidate.delay(pk, generation))


def candidate_report_compute(*, candidate_id: int, generation: int) -> RulesCandidate | None:
    """Compute and store the comparison a request asked for; None when there is nothing to do
    (the candidate was decided, or compared again since: only the newest request is kept).

    Computed outside any transaction (it reads; tens of seconds), stored under the row's lock.
    Run twice for one request (a redelivery), it stores the same report twice.
    """
    candidate = RulesCandidate.objects.filter(pk=candidate_id).first()
    if not _still_wanted(candidate, generation):
        return None
    assert candidate is not None
    try:
        report = _report(candidate_version(candidate))
    except Exception:
        logger.exception("rules candidate %s: the comparison failed", candidate_id)
        report = None
    with transaction.atomic():
        candidate = RulesCandidate.objects.select_for_update().get(pk=candidate_id)
        if not _still_wanted(candidate, generation):
            return None
        if report is None:
            candidate.report_state = ReportState.FAILED
            candidate.save(update_fields=["report_state"])
            return candidate
        candidate.report, candidate.report_at = report, timezone.now()
        candidate.report_state = ReportState.READY
        candidate.save(update_fields=["report", "report_at", "report_state"])
    return candidate


def _still_wanted(candidate: RulesCandidate | None, generation: int) -> bool:
    return (
        candidate is not None
        and candidate.state == CandidateState.CANDIDATE
        and candidate.report_generation == generation
    )


@transaction.atomic
def candidate_upload(*, actor: User, file_name: str, content: bytes) -> RulesCandidate:
    """Store a candidate and ask for its comparison with the rules in force (nothing adopted)."""
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
    )
    _request_report(candidate)
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
    """Ask for the comparison again, with the cases and the plan as they are now."""
    _require_city(actor)
    candidate = _pending(candidate_id)
    _request_report(candidate)
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
    if not candidate.report_ready:
        # The adoption keeps the report it was decided on: there must be one, and current.
        raise Conflict(E.REPORT_NOT_READY)
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
