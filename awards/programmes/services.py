"""县区同步奖励, writes: propose a county's matching case when the city confirms an award.

免申即享: the enterprise files nothing more. When the city confirms an award (公示期满无异议) for
an applicant whose county runs a matching programme for that item, the portal creates the
county's case, priced by the county's rules version, in the same transaction as the
confirmation; the county's reviewer then confirms it into the county's payout plan (an Award of
the county's programme) or rejects it with a reason.
"""

from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from applicants import policy
from applicants.audit import audit_append
from applicants.errors import ServiceError
from applicants.models import Application, Enterprise, Status, User
from applicants.services.notifications import notify_case_transition
from applicants.signals import case_transitioned
from applicants.text import achievement_key
from applicants.workflow import GRANTED_STATES
from awards.errors import MATCH_NO_AMOUNT
from awards.models import Award
from rules import ProgrammeVersion, RulesInputError, quote, quote_match

ZERO = Decimal("0.00")
# A county's earlier matches of the same achievement that count against a new one: proposed
# (awaiting the county) or granted.
_MATCHED_STATES = GRANTED_STATES | {Status.PROPOSED}


def matches_propose(*, application: Application) -> list[Application]:
    """The county matching cases a city confirmation creates (inside its transaction).

    Nothing for a county's own case, for a county without a programme in force on the event
    date, or for an item the county does not match. A match priced at nothing (the county
    already matched the achievement: 从优、就高、不重复) is recorded on the city case, not created.
    Idempotent: a second call finds the match already there.
    """
    if application.is_match or application.event_date is None:
        return []
    version = policy.programme_version_for(application.jurisdiction, application.event_date)
    if version is None or application.item not in version.items:
        return []
    if Application.objects.filter(
        matched_application=application, programme=version.programme
    ).exists():
        return []
    award = Award.objects.get(application=application)
    # The enterprise's row orders this read of its other matches against a concurrent one.
    Enterprise.objects.select_for_update().filter(pk=application.enterprise_id).get()
    try:
        city_quote = quote(application.item, award.facts, today=timezone.localdate())
    except RulesInputError as exc:
        zh, en = exc.messages("zh"), exc.messages("en")
        reasons = [
            {"zh": f"{field}：{' '.join(zh[field])}", "en": f"{field}: {' '.join(en[field])}"}
            for field in zh
        ]
        _record_no_match(application, version, reasons=reasons)
        return []
    match = quote_match(
        version,
        city_quote,
        city_amount=award.amount,
        prior_matched=_already_matched(application, version.programme),
        city_reference=application.reference,
    )
    if not match.eligible or match.amount <= ZERO:
        _record_no_match(
            application,
            version,
            reasons=[{"zh": r.text("zh"), "en": r.text("en")} for r in match.reasons],
            amount=match.amount,
        )
        return []
    now = timezone.now()
    case = Application.objects.create(
        programme=version.programme,
        matched_application=application,
        enterprise_id=application.enterprise_id,
        item=application.item,
        project_name=application.project_name,
        description=application.description,
        event_date=application.event_date,
        facts=application.facts,
        jurisdiction=application.jurisdiction,
        applicant_type=application.applicant_type,
        status=Status.PROPOSED,
        expected_amount=match.amount,
        quote_rules_version=match.rules_version,
        quote_trace=match.trace_record(),
        declaration_accepted=application.declaration_accepted,
        created_by=application.created_by,
        submitted_at=now,
        status_changed_at=now,
    )
    data = {
        "programme": version.programme,
        "city_case": application.pk,
        "city_reference": application.reference,
        "city_amount": f"{award.amount:.2f}",
        "amount": f"{match.amount:.2f}",
        "rules_version": match.rules_version,
    }
    audit_append(
        action="match_propose", actor=None, application=case, to_status=Status.PROPOSED, data=data
    )
    audit_append(
        action="match_proposed",
        actor=None,
        application=application,
        data={**data, "match_case": case.pk, "match_reference": case.reference},
    )
    transaction.on_commit(
        lambda: notify_case_transition(
            application_id=case.pk, action="match_propose", status=Status.PROPOSED
        )
    )
    transaction.on_commit(
        lambda: case_transitioned.send(
            sender=Application, application_id=case.pk, action="match_propose"
        )
    )
    return [case]


def _already_matched(application: Application, programme: str) -> Decimal:
    """What the county already matched (or proposes to) for the same achievement and kind."""
    earlier = Application.objects.filter(
        programme=programme,
        enterprise_id=application.enterprise_id,
        project_key=achievement_key(application.project_name),
        item__in=policy.same_kind_items(application.item, application.event_date),
        status__in=_MATCHED_STATES,
    )
    # A granted match counts what the county confirmed; a proposed one what it was offered.
    total = earlier.aggregate(total=Sum(Coalesce("award__amount", "expected_amount")))["total"]
    return total or ZERO


def _record_no_match(
    application: Application,
    version: ProgrammeVersion,
    *,
    reasons: list[dict[str, str]],
    amount: Decimal = ZERO,
) -> None:
    """Why a county with a programme for this item creates no match: on the city case's record."""
    audit_append(
        action="match_none",
        actor=None,
        application=application,
        data={
            "programme": version.programme,
            "rules_version": version.version,
            "amount": f"{amount:.2f}",
            "reasons": reasons,
        },
    )


def match_confirm_before_save(application: Application, *, actor: User | None, **_: object) -> dict:
    """The county confirms its match: the Award of the county's programme, as proposed."""
    amount = application.expected_amount
    if amount is None or amount <= ZERO:
        raise ServiceError(MATCH_NO_AMOUNT)
    assert actor is not None
    now = timezone.now()
    city_award = Award.objects.filter(application__matches=application).first()
    award, _created = Award.objects.update_or_create(
        application=application,
        defaults={
            "amount": amount,
            "computed_amount": amount,
            "computed_eligible": True,
            "rules_version": application.quote_rules_version,
            "trace": application.quote_trace,
            "facts": city_award.facts if city_award is not None else {},
            "approved_by": actor,
            "approved_at": now,
            "first_approved_at": now,
        },
    )
    return {
        "programme": application.programme,
        "amount": f"{award.amount:.2f}",
        "rules_version": award.rules_version,
        "city_case": application.matched_application_id,
    }


__all__ = ["match_confirm_before_save", "matches_propose"]
