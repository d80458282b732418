"""Decisions on a case: each review step, the approved amount, overrides and quota exemptions."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from functools import partial

from django.db import transaction
from django.utils import timezone

from applicants.audit import audit_append
from applicants.errors import NOT_ALLOWED, UNKNOWN_ACTION, Conflict, NotAllowed, ServiceError
from applicants.models import Application, Enterprise, Status, User
from applicants.roles import Role
from applicants.selectors import cases_visible_to
from applicants.services.cases import actor_may_act_on, case_transition
from applicants.text import clean_text
from applicants.workflow import BY_ACTION, OBJECTION_ACTIONS
from awards.announcements.errors import OBJECTION_ACTION_ELSEWHERE
from awards.announcements.services import (
    announce_before_save,
    confirm_before_save,
    confirm_refuse_if_held,
)
from awards.errors import (
    AMOUNT_NEGATIVE,
    AMOUNT_OVER_CEILING,
    AMOUNT_OVER_CEILING_AFTER_PRIOR,
    EXEMPT_NOT_NOW,
    EXEMPT_REASON_REQUIRED,
    FACTS_INVALID,
    NO_AWARD,
    NOT_ELIGIBLE,
    OVERRIDE_NOT_NOW,
    OVERRIDE_REASON_REQUIRED,
)
from awards.models import Award
from awards.programmes.services import match_confirm_before_save, matches_propose
from awards.selectors import case_quote
from awards.services.dependents import deductions_record, dependents_reprice
from awards.services.payouts import pay_before_save
from awards.services.plan_state import plan_mark_stale
from rules import Ceiling, Quote, RulesInputError

ZERO = Decimal("0.00")
# 原则上: the quota may be lifted for an award until it is paid.
EXEMPTABLE_STATES = frozenset(
    {Status.APPROVED, Status.ANNOUNCED, Status.HELD, Status.CONFIRMED, Status.SCHEDULED}
)


@dataclass(frozen=True)
class Decision:
    """What an official submits with an action besides the reason; each action reads its own."""

    amount: Decimal | None = None
    override_reason: str = ""
    # None: keep what the award has (a re-approval after an objection carries it over).
    quota_exempt: bool | None = None
    exempt_reason: str = ""
    payment_reference: str = ""
    paid_at: date | None = None


@transaction.atomic
def case_decide(
    *,
    application_id: int,
    action: str,
    actor: User | None,
    reason: str = "",
    amount: Decimal | None = None,
    override_reason: str = "",
    quota_exempt: bool | None = None,
    exempt_reason: str = "",
    payment_reference: str = "",
    paid_at: date | None = None,
) -> Application:
    """Take one action of the workflow table on a case, with what that action needs.

    `approve` computes the amount with the rules and stores it (an override or a quota exemption
    needs a written reason and is audited on its own), `announce` opens the 公示 period, `confirm`
    is refused before it ends, `pay` records the payment. Raises ServiceError (NotAllowed,
    Conflict) when refused; nothing is changed then.
    """
    decision = Decision(
        amount=amount,
        override_reason=clean_text(override_reason, multiline=True),
        quota_exempt=quota_exempt,
        exempt_reason=clean_text(exempt_reason, multiline=True),
        payment_reference=clean_text(payment_reference),
        paid_at=paid_at,
    )
    if action in OBJECTION_ACTIONS:
        # They record or resolve an objection and move the 公示 dates: awards.announcements.
        raise ServiceError(OBJECTION_ACTION_ELSEWHERE, field="action")
    if action == "confirm" and getattr(actor, "role", None) in BY_ACTION[action].roles:
        # Who may confirm hears why not yet; anyone else hears only that they may not.
        confirm_refuse_if_held(application_id=application_id)
    hook = _BEFORE_SAVE.get(action)
    memo: dict[str, object] = {}
    if hook is _approve_before_save:
        hook = partial(hook, memo=memo)
    application = case_transition(
        application_id=application_id,
        action=action,
        actor=actor,
        reason=reason,
        before_save=partial(hook, actor=actor, decision=decision) if hook else None,
    )
    if action == "approve":
        _audit_override_and_exemption(
            application=application,
            actor=actor,
            previous=memo.get("previous"),  # type: ignore[arg-type]
        )
    if action == "confirm":
        # 县区同步奖励: the county's matching case, in the confirmation's transaction.
        matches_propose(application=application)
    if action in _CHANGES_THE_AMOUNT_THAT_COUNTS:
        award_id = Award.objects.filter(application=application).values_list("pk", flat=True)
        for pk in award_id:
            dependents_reprice(award_id=pk, actor=actor)
    return application


# After these, an award counts for a different amount (or not at all) against the top-ups of
# the same achievement priced from it (从优、就高、不重复).
_CHANGES_THE_AMOUNT_THAT_COUNTS = frozenset({"approve", "city_reject", "city_return"})


def _approve_before_save(
    application: Application, *, actor: User, decision: Decision, memo: dict[str, object]
) -> dict:
    """Price the locked case with the rules and write its Award, in the approval's transaction."""
    # The enterprise's row serialises approvals of its cases: pricing reads its other grants
    # (first-time items, top-ups for the same project), so two approvals at once must queue.
    Enterprise.objects.select_for_update().filter(pk=application.enterprise_id).get()
    result = _priced(application)
    computed = result.amount if result.eligible else ZERO
    # A case approved again (after a public objection sent it back) keeps its one Award row,
    # and what the city decided on it — an override, an exemption — unless changed now.
    award = Award.objects.filter(application=application).first()
    previous = _AwardSettings.of(award)
    if decision.amount is None and previous is not None and previous.overridden:
        amount, override_reason = previous.amount, previous.override_reason
    else:
        amount = computed if decision.amount is None else decision.amount
        override_reason = decision.override_reason
    if amount < 0:
        raise ServiceError(AMOUNT_NEGATIVE, field="amount")
    amount = amount.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    # A carried-over override is checked too: what the same achievement received may have grown.
    _check_ceiling(amount, result.ceiling)
    overridden = amount != computed
    if overridden and not override_reason:
        raise ServiceError(OVERRIDE_REASON_REQUIRED, field="override_reason")
    if not result.eligible and not overridden:
        reasons = "；".join(r.text("zh") for r in result.reasons)
        raise ServiceError(NOT_ELIGIBLE % {"reasons": reasons}, field="amount")
    kept_reason = previous.exempt_reason if previous is not None and previous.quota_exempt else ""
    exempt = bool(kept_reason) if decision.quota_exempt is None else decision.quota_exempt
    exempt_reason = decision.exempt_reason or kept_reason
    if exempt and not exempt_reason:
        raise ServiceError(EXEMPT_REASON_REQUIRED, field="exempt_reason")

    award = award or Award(application=application)
    award.amount = amount
    award.computed_amount = computed
    award.computed_eligible = result.eligible
    award.rules_version = result.rules_version
    award.trace = result.trace_record()
    award.reasons = [{"zh": r.text("zh"), "en": r.text("en")} for r in result.reasons]
    award.facts = {k: _fact_text(v) for k, v in result.facts.items()}
    award.overridden = overridden
    award.override_reason = override_reason if overridden else ""
    award.quota_exempt = exempt
    award.exempt_reason = exempt_reason if exempt else ""
    award.approved_by = actor
    award.approved_at = application.status_changed_at or timezone.now()
    # The queue position is the first approval's: an objection must not cost the year.
    award.first_approved_at = award.first_approved_at or award.approved_at
    award.announcement_days = award.announcement_starts_on = award.announcement_ends_on = None
    award.pay_year = award.paid_at = None
    award.payment_reference = ""
    award.reprice_to = None
    award.reprice_note = ""
    award.save()
    deductions_record(award=award, application=application)
    memo["previous"] = previous
    return {
        "amount": f"{amount:.2f}",
        "computed_amount": f"{computed:.2f}",
        "rules_version": result.rules_version,
        "overridden": overridden,
        "quota_exempt": exempt,
        "first_approved_at": award.first_approved_at.isoformat(),
    }


def _priced(application: Application) -> Quote:
    """The rules' answer for the case now; facts the rules cannot read are a refusal."""
    try:
        return case_quote(application=application)
    except RulesInputError as exc:
        problems = "；".join(f"{name}: {' '.join(msgs)}" for name, msgs in exc.errors.items())
        raise ServiceError(FACTS_INVALID % {"errors": problems}) from exc


def _check_ceiling(amount: Decimal, ceiling: Ceiling) -> None:
    """Refuse an amount above what the policy allows the case (最高…元, less 已获奖励)."""
    if amount <= ceiling.amount:
        return
    params = {
        "max": f"{ceiling.amount:,.2f}",
        "clause": ceiling.clause,
        "limit": f"{ceiling.limit:,.2f}",
        "prior": f"{ceiling.prior:,.2f}",
        "top_up_clause": ceiling.top_up_clause,
    }
    message = AMOUNT_OVER_CEILING_AFTER_PRIOR if ceiling.prior else AMOUNT_OVER_CEILING
    raise ServiceError(message % params, field="amount", code="over_ceiling")


@dataclass(frozen=True)
class _AwardSettings:
    """What the city set on an award, to tell on re-approval what was kept and what changed."""

    amount: Decimal
    overridden: bool
    override_reason: str
    quota_exempt: bool
    exempt_reason: str

    @classmethod
    def of(cls, award: Award | None) -> "_AwardSettings | None":
        if award is None:
            return None
        return cls(
            award.amount,
            award.overridden,
            award.override_reason,
            award.quota_exempt,
            award.exempt_reason,
        )


def _fact_text(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _audit_override_and_exemption(
    *, application: Application, actor: User | None, previous: _AwardSettings | None
) -> None:
    """An override or an exemption set (or lifted) by this approval is an entry of its own."""
    award = Award.objects.get(application=application)
    now = _AwardSettings.of(award)
    assert now is not None
    if now.overridden and (
        previous is None
        or (previous.overridden, previous.amount, previous.override_reason)
        != (now.overridden, now.amount, now.override_reason)
    ):
        audit_append(
            action="override",
            actor=actor,
            application=application,
            reason=award.override_reason,
            data={
                "computed_amount": f"{award.computed_amount:.2f}",
                "amount": f"{award.amount:.2f}",
            },
        )
    was_reason = previous.exempt_reason if previous is not None and previous.quota_exempt else ""
    if now.quota_exempt and was_reason != now.exempt_reason:
        audit_append(
            action="quota_exempt",
            actor=actor,
            application=application,
            reason=award.exempt_reason,
            data={"amount": f"{award.amount:.2f}"},
        )
    elif was_reason and not now.quota_exempt:
        audit_append(
            action="quota_exempt_revoked",
            actor=actor,
            application=application,
            reason=was_reason,
            data={"amount": f"{award.amount:.2f}", "quota_exempt": False},
        )


_BEFORE_SAVE: dict[str, Callable[..., dict]] = {
    "approve": _approve_before_save,
    "announce": announce_before_save,
    "confirm": confirm_before_save,
    "pay": pay_before_save,
    "match_confirm": match_confirm_before_save,
}


def _locked_award(*, application_id: int, actor: User) -> tuple[Application, Award]:
    """Lock the case (as a transition would) and return it with its award; city reviewers only."""
    if actor.role != Role.CITY_REVIEWER:
        raise NotAllowed(NOT_ALLOWED)
    application = Application.objects.select_for_update().get(pk=application_id)
    if not actor_may_act_on(actor=actor, application=application):
        raise NotAllowed(NOT_ALLOWED)
    award = Award.objects.filter(application=application).first()
    if award is None:
        raise Conflict(NO_AWARD)
    return application, award


@transaction.atomic
def award_override(*, application_id: int, actor: User, amount: Decimal, reason: str) -> Award:
    """Change the approved amount before announcement, with a written reason (audited).

    Never above what the policy allows the case (its cap, fixed or level amount, less what the
    same achievement already received): the rules price the case again to tell.
    """
    reason = clean_text(reason, multiline=True)
    if not reason:
        raise ServiceError(OVERRIDE_REASON_REQUIRED, field="override_reason")
    if amount < 0:
        raise ServiceError(AMOUNT_NEGATIVE, field="amount")
    application, award = _locked_award(application_id=application_id, actor=actor)
    if application.status != Status.APPROVED:
        raise Conflict(OVERRIDE_NOT_NOW)
    amount = amount.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    # As at approval: the enterprise's row orders this read of its other grants.
    Enterprise.objects.select_for_update().filter(pk=application.enterprise_id).get()
    _check_ceiling(amount, _priced(application).ceiling)
    previous = award.amount
    award.amount = amount
    award.overridden = award.amount != award.computed_amount
    award.override_reason = reason if award.overridden else ""
    award.save(update_fields=["amount", "overridden", "override_reason"])
    audit_append(
        action="override",
        actor=actor,
        application=application,
        reason=reason,
        data={
            "computed_amount": f"{award.computed_amount:.2f}",
            "from_amount": f"{previous:.2f}",
            "amount": f"{award.amount:.2f}",
        },
    )
    # Top-ups priced against this award follow it (从优、就高、不重复).
    dependents_reprice(award_id=award.pk, actor=actor)
    return award


@transaction.atomic
def award_quota_exempt(*, application_id: int, actor: User, exempt: bool, reason: str) -> Award:
    """Exempt an award from the five-per-item-per-year quota (or revoke it), with a reason."""
    reason = clean_text(reason, multiline=True)
    if not reason:
        raise ServiceError(EXEMPT_REASON_REQUIRED, field="exempt_reason")
    application, award = _locked_award(application_id=application_id, actor=actor)
    if application.status not in EXEMPTABLE_STATES:
        raise Conflict(EXEMPT_NOT_NOW)
    award.quota_exempt = exempt
    award.exempt_reason = reason if exempt else ""
    award.save(update_fields=["quota_exempt", "exempt_reason"])
    if application.status in {Status.CONFIRMED, Status.SCHEDULED}:
        # The plan counted this award's quota place as it was: plan again before paying.
        plan_mark_stale(reason="quota_exempt", programme=application.programme)
    audit_append(
        action="quota_exempt" if exempt else "quota_exempt_revoked",
        actor=actor,
        application=application,
        reason=reason,
        data={"amount": f"{award.amount:.2f}", "pay_year": award.pay_year},
    )
    return award


@dataclass(frozen=True)
class BulkOutcome:
    """What happened to one selected case of a bulk decision."""

    application_id: int
    reference: str
    ok: bool
    message: str = ""


def cases_bulk_decide(
    *, application_ids: Iterable[int], action: str, actor: User
) -> list[BulkOutcome]:
    """Take one bulk action on each selected case, each on its own; report every case's outcome.

    Deliberately not one transaction: a case someone else decided first must not undo the others.
    """
    transition = BY_ACTION.get(action)
    if transition is None or not transition.bulk:
        raise ServiceError(UNKNOWN_ACTION, field="action")
    ids = sorted(set(application_ids))
    visible = {
        case.pk: case.reference
        for case in cases_visible_to(actor).filter(pk__in=ids).only("id", "created_at")
    }
    outcomes = []
    for application_id in ids:
        if application_id not in visible:
            outcomes.append(
                BulkOutcome(application_id, f"#{application_id}", False, str(NOT_ALLOWED))
            )
            continue
        try:
            case_decide(application_id=application_id, action=action, actor=actor)
        except ServiceError as exc:
            outcomes.append(
                BulkOutcome(application_id, visible[application_id], False, str(exc.message))
            )
        else:
            outcomes.append(BulkOutcome(application_id, visible[application_id], True))
    return outcomes
