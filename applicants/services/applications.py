"""Writes for applications (申报): drafts, submission, resubmission after 补正, withdrawal."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Q
from django.utils import translation

from applicants import policy
from applicants.errors import (
    FIRST_TIME_ALREADY_GRANTED,
    FIRST_TIME_OTHER_CASE,
    PROJECT_NAME_REQUIRED,
    UNKNOWN_ITEM,
    ServiceError,
)
from applicants.models import Application, ApplicationRevision, Enterprise, Status, User
from applicants.selectors import (
    application_quote,
    first_time_already_granted,
    first_time_other_case,
    submission_blockers,
)
from applicants.services.cases import case_transition
from applicants.services.editing import application_lock_for_edit, enterprise_actor_check
from applicants.services.evidence import evidence_add
from applicants.text import achievement_key, clean_text
from rules import ItemRule, Quote, RulesInputError

# Facts the enterprise's registration supplies, never the form.
_FROM_ENTERPRISE = frozenset({"event_date", "applicant_type", "jurisdiction"})


@dataclass(frozen=True)
class ApplicationInput:
    """What the enterprise typed; facts are strings as stored ("0.00", "true", choice codes)."""

    project_name: str
    description: str = ""
    event_date: date | None = None
    facts: Mapping[str, str] = field(default_factory=dict)
    declaration_accepted: bool = False


def _rule_for(item: str) -> ItemRule:
    rule = policy.item_rule(item)
    if rule is None:
        raise ServiceError(UNKNOWN_ITEM, field="item")
    return rule


def _first_time_guard(*, enterprise_id: int, rule: ItemRule) -> None:
    if rule.first_time and first_time_already_granted(enterprise_id=enterprise_id, item=rule.code):
        raise ServiceError(
            FIRST_TIME_ALREADY_GRANTED % {"item": rule.title(policy.rules_lang())},
            field="item",
            code="first_time_granted",
        )


def _first_time_pending_guard(*, application: Application, rule: ItemRule) -> None:
    """首次: while another case of the item is in review or granted, this one is not filed."""
    if not rule.first_time:
        return
    # The enterprise's row serialises two submissions of its first-time cases (then each sees
    # the other); the order case row → enterprise row is the one approvals keep.
    Enterprise.objects.select_for_update().filter(pk=application.enterprise_id).get()
    other = first_time_other_case(
        enterprise_id=application.enterprise_id, item=rule.code, exclude_id=application.pk
    )
    if other is not None:
        raise ServiceError(
            FIRST_TIME_OTHER_CASE
            % {
                "item": rule.title(policy.rules_lang()),
                "reference": other.reference,
                "status": Status(other.status).label,
            },
            field="item",
            code="first_time_pending",
        )


def _item_facts(item: str, facts: Mapping[str, str]) -> dict[str, str]:
    """Only the facts the item takes, and only those typed (a draft may leave some empty)."""
    known = {s.code for s in policy.version_in_force().fact_specs(item)} - _FROM_ENTERPRISE
    cleaned = {k: clean_text(v) for k, v in facts.items() if k in known}
    return {k: v for k, v in cleaned.items() if v}


def _quote(application: Application, *, complete: bool) -> Quote | None:
    """Check the typed facts with the rules; a draft may miss facts, never have a wrong one."""
    try:
        return application_quote(
            item=application.item,
            event_date=application.event_date,
            facts=application.facts,
            applicant_type=application.applicant_type,
            jurisdiction=application.jurisdiction,
        )
    except RulesInputError as error:
        messages = error.messages(policy.rules_lang())
        for name, codes in error.codes.items():
            if complete or set(codes) != {"required"}:
                raise ServiceError(messages[name][0], field=name) from None
        return None


def _fill(application: Application, data: ApplicationInput, enterprise: Enterprise) -> None:
    application.project_name = clean_text(data.project_name)
    # Even a draft is named: it names the case in every list (invisible characters are no name).
    if not application.project_name:
        raise ServiceError(PROJECT_NAME_REQUIRED, field="project_name")
    application.description = clean_text(data.description, multiline=True)
    application.event_date = data.event_date
    application.facts = _item_facts(application.item, data.facts)
    application.declaration_accepted = data.declaration_accepted
    # Snapshot of the registration while the case is editable; frozen once submitted.
    application.jurisdiction = enterprise.jurisdiction
    application.applicant_type = enterprise.applicant_type


def _add_evidence(
    *, actor: User, application: Application, evidence: Mapping[str, UploadedFile] | None
) -> None:
    for kind, upload in (evidence or {}).items():
        evidence_add(actor=actor, application_id=application.pk, kind=kind, upload=upload)


@transaction.atomic
def application_create(
    *,
    actor: User,
    item: str,
    data: ApplicationInput,
    evidence: Mapping[str, UploadedFile] | None = None,
) -> Application:
    """Start a draft for one item (a first_* item the enterprise was granted is refused)."""
    enterprise = Enterprise.objects.get(pk=enterprise_actor_check(actor))
    rule = _rule_for(item)
    _first_time_guard(enterprise_id=enterprise.pk, rule=rule)
    application = Application(enterprise=enterprise, item=rule.code, created_by=actor)
    _fill(application, data, enterprise)
    _quote(application, complete=False)
    application.save()
    _add_evidence(actor=actor, application=application, evidence=evidence)
    return application


@transaction.atomic
def application_update(
    *,
    actor: User,
    application_id: int,
    data: ApplicationInput,
    evidence: Mapping[str, UploadedFile] | None = None,
) -> Application:
    """Save the draft (or the 补正 in progress); the case must still be editable."""
    application = application_lock_for_edit(actor=actor, application_id=application_id)
    _fill(application, data, application.enterprise)
    _quote(application, complete=False)
    application.save()
    _add_evidence(actor=actor, application=application, evidence=evidence)
    return application


def _check_complete(application: Application) -> None:
    blockers = submission_blockers(application)
    if blockers:
        field, message = blockers[0]
        raise ServiceError(message, field=field)


def _possible_duplicate(application: Application) -> Application | None:
    """An earlier filing of the same item and achievement by the same enterprise, if any.

    Same achievement: the same `achievement_key` of the project name, or the same event date.
    Drafts and withdrawn cases were never (or no longer) filed, so they do not count.
    """
    same = Q(project_key=achievement_key(application.project_name))
    if application.event_date:
        same |= Q(event_date=application.event_date)
    return (
        Application.objects.filter(same, enterprise_id=application.enterprise_id)
        .filter(item=application.item, programme=application.programme)
        .exclude(pk=application.pk)
        .exclude(status__in=[Status.DRAFT, Status.WITHDRAWN])
        .order_by("submitted_at", "id")
        .first()
    )


def _snapshot(application: Application, result: Quote) -> dict[str, object]:
    """What was submitted, as it read then: facts, evidence versions, declaration and quote."""
    with translation.override("zh-hans"):
        declaration = str(policy.DECLARATION_TEXT)
    return {
        "item": application.item,
        "project_name": application.project_name,
        "description": application.description,
        "event_date": application.event_date.isoformat() if application.event_date else None,
        "facts": dict(application.facts),
        "jurisdiction": application.jurisdiction,
        "applicant_type": application.applicant_type,
        "declaration_accepted": application.declaration_accepted,
        "declaration_text": declaration,
        "evidence": [
            {
                "id": e.pk,
                "kind": e.kind,
                "version": e.version,
                "original_name": e.original_name,
                "sha256": e.sha256,
                "size": e.size,
            }
            for e in application.evidence_files.order_by("kind", "version")
        ],
        "quote": {
            "eligible": result.eligible,
            "amount": f"{result.amount:.2f}",
            "rules_version": result.rules_version,
            "reasons": [r.text("zh") for r in result.reasons],
        },
    }


@transaction.atomic
def application_submit(*, actor: User, application_id: int) -> Application:
    """Submit a draft (提交) or a returned case (补正后重新提交): quote, snapshot, flag."""
    application = application_lock_for_edit(actor=actor, application_id=application_id)
    rule = _rule_for(application.item)
    _first_time_guard(enterprise_id=application.enterprise_id, rule=rule)
    _first_time_pending_guard(application=application, rule=rule)
    enterprise = application.enterprise
    application.jurisdiction = enterprise.jurisdiction
    application.applicant_type = enterprise.applicant_type
    _check_complete(application)
    result = _quote(application, complete=True)
    assert result is not None  # complete=True raises instead of returning None
    duplicate = _possible_duplicate(application)
    number = application.revision + 1
    action = "submit" if application.status == Status.DRAFT else "resubmit"

    def record_submission(case: Application) -> None:
        case.jurisdiction = enterprise.jurisdiction
        case.applicant_type = enterprise.applicant_type
        case.expected_amount = result.amount
        case.quote_rules_version = result.rules_version
        case.quote_trace = result.trace_record()
        case.revision = number
        case.possible_duplicate_of = duplicate

    submitted = case_transition(
        application_id=application.pk,
        action=action,
        actor=actor,
        before_save=record_submission,
        data={
            "revision": number,
            "expected_amount": f"{result.amount:.2f}",
            "eligible": result.eligible,
            "rules_version": result.rules_version,
            "possible_duplicate_of": duplicate.pk if duplicate else None,
        },
    )
    ApplicationRevision.objects.create(
        application=submitted,
        number=number,
        snapshot=_snapshot(submitted, result),
        submitted_by=actor,
    )
    return submitted


@transaction.atomic
def application_withdraw(*, actor: User, application_id: int, reason: str = "") -> Application:
    """Withdraw (撤回) a case the workflow table still lets the enterprise withdraw."""
    enterprise_actor_check(actor)
    return case_transition(
        application_id=application_id, action="withdraw", actor=actor, reason=reason
    )
