"""Top-ups follow the awards they deducted (从优、就高、不重复, REWARDS.md §2.5).

A top-up is priced at approval against the earlier awards of the same achievement; each one it
deducted is stored (`AwardDeduction`). When one of those changes before the top-up is paid —
rejected after an objection, overridden, approved again at another amount — the top-up is
priced again by the rules: changed at once while only approved, flagged to the city with old and
new amounts once announced or later. A paid award never changes: a shortfall becomes a new
top-up case for the city, an excess a recovery (追回) for finance. Every change is audited.
Texts stored here (notes, the top-up case's description) are records, kept in Chinese.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from applicants.audit import audit_append
from applicants.errors import NOT_ALLOWED, Conflict, NotAllowed
from applicants.models import Application, Status, User
from applicants.roles import Role
from applicants.services.cases import actor_may_act_on
from applicants.text import clean_text
from applicants.workflow import GRANTED_STATES
from awards.errors import REPRICE_NOT_NOW, REPRICE_NOTHING
from awards.models import Award, AwardDeduction, AwardRecovery
from awards.selectors import case_quote, earlier_awards_for, later_awards_of_same_achievement
from awards.services.plan_state import plan_mark_stale
from rules import RulesInputError

ZERO = Decimal("0.00")
# States in which a changed price is flagged rather than applied: the public (or finance) has
# seen the amount, so the city decides.
_FLAG_STATES = frozenset({Status.ANNOUNCED, Status.HELD, Status.CONFIRMED, Status.SCHEDULED})


def deductions_record(*, award: Award, application: Application) -> None:
    """Store the earlier awards of the same achievement that this award's price deducted."""
    AwardDeduction.objects.filter(award=award).delete()
    AwardDeduction.objects.bulk_create(
        AwardDeduction(award=award, deducted_award=earlier, amount=earlier.amount)
        for earlier in earlier_awards_for(application=application)
    )


@dataclass(frozen=True)
class RepriceOutcome:
    """What happened to one dependent award."""

    application_id: int
    outcome: str  # "repriced", "flagged", "topup_case", "recovery", "unchanged"
    from_amount: Decimal
    to_amount: Decimal


def dependents_reprice(*, award_id: int, actor: User | None) -> list[RepriceOutcome]:
    """Price again every award of the same achievement and kind approved after `award_id`.

    Runs in the caller's transaction, after the change to `award_id` was saved.
    """
    outcomes = []
    # Found by the achievement, not only by the stored deductions: a top-up priced while this
    # award did not count (returned for 补正 after an objection) depends on it again now.
    changed = Award.objects.select_related("application").get(pk=award_id)
    later = later_awards_of_same_achievement(award=changed).values_list("application_id", flat=True)
    for application_id in list(later):
        outcome = _reprice_one(application_id=application_id, actor=actor, because=award_id)
        if outcome is not None:
            outcomes.append(outcome)
    return outcomes


def _reprice_one(*, application_id: int, actor: User | None, because: int) -> RepriceOutcome | None:
    application = Application.objects.select_for_update().get(pk=application_id)
    award = Award.objects.get(application=application)
    if application.status not in GRANTED_STATES:
        return None
    try:
        result = case_quote(application=application)
    except RulesInputError:
        return None  # facts the rules no longer read: left to the officials, as it stands
    new_computed = result.amount if result.eligible else ZERO
    old = award.amount
    because_case = Award.objects.filter(pk=because).values_list("application_id", flat=True).first()
    data = {
        "from_amount": f"{old:.2f}",
        "amount": f"{new_computed:.2f}",
        "computed_amount": f"{new_computed:.2f}",
        "because_case": because_case,
    }
    if new_computed == award.computed_amount and (award.overridden or new_computed == old):
        return RepriceOutcome(application_id, "unchanged", old, old)

    if application.status == Status.PAID:
        return _after_payment(application, award, new_computed, actor, data)
    if application.status == Status.APPROVED and not award.overridden:
        award.amount = new_computed
        award.computed_amount = new_computed
        award.computed_eligible = result.eligible
        award.rules_version = result.rules_version
        award.trace = result.trace_record()
        award.reasons = [{"zh": r.text("zh"), "en": r.text("en")} for r in result.reasons]
        award.save()
        deductions_record(award=award, application=application)
        audit_append(action="reprice", actor=actor, application=application, data=data)
        return RepriceOutcome(application_id, "repriced", old, new_computed)
    # Announced or later, or an override: the city decides on the new amount.
    award.reprice_to = new_computed
    award.reprice_note = f"同一成果的其他奖励（申报 #{because_case}）已变更，按规则重新计算。"
    award.save(update_fields=["reprice_to", "reprice_note"])
    audit_append(action="reprice_flagged", actor=actor, application=application, data=data)
    return RepriceOutcome(application_id, "flagged", old, new_computed)


def _after_payment(
    application: Application,
    award: Award,
    new_amount: Decimal,
    actor: User | None,
    data: dict,
) -> RepriceOutcome:
    """A paid award stays as paid: the difference becomes a top-up case or a recovery."""
    old = award.amount
    if new_amount > old:
        topup = _topup_case_create(application, shortfall=new_amount - old)
        audit_append(
            action="topup_case_created",
            actor=actor,
            application=application,
            data={**data, "topup_case": topup.pk, "shortfall": f"{new_amount - old:.2f}"},
        )
        return RepriceOutcome(application.pk, "topup_case", old, new_amount)
    AwardRecovery.objects.create(
        award=award,
        amount=old - new_amount,
        reason=f"同一成果的其他奖励已变更，按规则应得 {new_amount:,.2f} 元，已兑付 {old:,.2f} 元。",
    )
    audit_append(
        action="recovery_recorded",
        actor=actor,
        application=application,
        data={**data, "recovery": f"{old - new_amount:.2f}"},
    )
    return RepriceOutcome(application.pk, "recovery", old, new_amount)


def _topup_case_create(paid: Application, *, shortfall: Decimal) -> Application:
    """A new case for the same achievement, at the city's desk: the enterprise files nothing.

    Priced like any case at approval: the rules deduct what the same achievement was paid.
    """
    now = timezone.now()
    case = Application.objects.create(
        enterprise_id=paid.enterprise_id,
        item=paid.item,
        project_name=paid.project_name,
        description=(
            f"补差申报：{paid.reference} 已兑付后，同一成果的其他奖励变更，"
            f"按规则尚差 {shortfall:,.2f} 元。"
        ),
        event_date=paid.event_date,
        facts=dict(paid.facts or {}),
        jurisdiction=paid.jurisdiction,
        applicant_type=paid.applicant_type,
        status=Status.REVIEWED,
        declaration_accepted=paid.declaration_accepted,
        created_by_id=paid.created_by_id,
        submitted_at=now,
        recommended_at=now,
        status_changed_at=now,
    )
    audit_append(
        action="topup_case_opened",
        actor=None,
        application=case,
        to_status=Status.REVIEWED,
        data={"from_case": paid.pk, "shortfall": f"{shortfall:.2f}"},
    )
    return case


@transaction.atomic
def award_reprice_decide(
    *, application_id: int, actor: User, accept: bool, reason: str = ""
) -> Award:
    """The city takes (or keeps the approved amount against) a flagged new price."""
    reason = clean_text(reason, multiline=True)
    if actor.role != Role.CITY_REVIEWER:
        raise NotAllowed(NOT_ALLOWED)
    application = Application.objects.select_for_update().get(pk=application_id)
    if not actor_may_act_on(actor=actor, application=application):
        raise NotAllowed(NOT_ALLOWED)
    award = Award.objects.filter(application=application).first()
    if award is None or award.reprice_to is None:
        raise Conflict(REPRICE_NOTHING)
    if application.status not in _FLAG_STATES | {Status.APPROVED}:
        raise Conflict(REPRICE_NOT_NOW)
    old, new = award.amount, award.reprice_to
    if accept:
        # Priced once more, so the stored trace explains the amount taken.
        result = case_quote(application=application)
        new = result.amount if result.eligible else ZERO
        award.amount = award.computed_amount = new
        award.computed_eligible = result.eligible
        award.rules_version = result.rules_version
        award.trace = result.trace_record()
        award.reasons = [{"zh": r.text("zh"), "en": r.text("en")} for r in result.reasons]
        award.overridden = False
        award.override_reason = ""
        deductions_record(award=award, application=application)
    award.reprice_to = None
    award.reprice_note = ""
    award.save()
    if accept and application.status in {Status.CONFIRMED, Status.SCHEDULED}:
        plan_mark_stale(reason="reprice", programme=application.programme)
    audit_append(
        action="reprice_accepted" if accept else "reprice_dismissed",
        actor=actor,
        application=application,
        reason=reason,
        data={"from_amount": f"{old:.2f}", "amount": f"{(new if accept else old):.2f}"},
    )
    if accept:
        dependents_reprice(award_id=award.pk, actor=actor)
    return award
