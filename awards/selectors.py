"""Reads for awards: review queues, the amount of a case and dashboards.

The case page's reads are in `awards.cases.selectors`, the finance desk's in
`awards.payouts.selectors`, the announcement's in `awards.announcements.selectors`.

Every read of cases starts from `applicants.selectors.cases_visible_to` (or `case_get_for`), so
access is decided in one place. Querysets carry the `select_related` that keep query counts flat.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db.models import Count, DecimalField, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from applicants import policy
from applicants.models import (
    LIST_DEFERRED_FIELDS,
    Application,
    Notification,
    Status,
    User,
)
from applicants.roles import COUNTY_ROLES, Role
from applicants.selectors import (
    cases_visible_to,
)
from applicants.text import achievement_key
from applicants.workflow import (
    GRANTED_STATES,
    TRANSITIONS,
)
from awards.announcements.selectors import open_objections_count
from awards.models import Award
from rules import Quote, RulesInputError, load_rulebook, quote

# The states in which a case waits for each official role.
PENDING_STATES: dict[str, tuple[str, ...]] = {
    Role.COUNTY_REVIEWER: (Status.SUBMITTED, Status.PROPOSED),
    Role.CITY_REVIEWER: (
        Status.RECOMMENDED,
        Status.REVIEWED,
        Status.APPROVED,
        Status.ANNOUNCED,
        Status.HELD,
    ),
    Role.FINANCE: (Status.CONFIRMED, Status.SCHEDULED),
    Role.COUNTY_FINANCE: (Status.CONFIRMED, Status.SCHEDULED),
    Role.ADMIN: (),
}
# Awards that count against a top-up of the same achievement: granted, or approved and sent
# back to review by an objection (its decision is pending, not undone).
DEDUCTIBLE_STATES = GRANTED_STATES | {Status.REVIEWED}
# The states a payout allocation looks at (paid ones stay where they were paid).
PAYOUT_STATES = (Status.CONFIRMED, Status.SCHEDULED, Status.PAID)

_MONEY = DecimalField(max_digits=14, decimal_places=2)


# --- queues -----------------------------------------------------------------------------------


def review_queue(*, user: User) -> QuerySet[Application]:
    """The cases `user` may review, with what a queue row shows, before filters and sorting.

    `amount` is the approved amount once there is one, else the enterprise's expected amount;
    `computed_amount` what the rules computed (the expected amount before approval), and
    `overridden` whether the city approved a different amount, `open_objections` how many
    public objections wait for the city.
    """
    return (
        cases_visible_to(user)
        .select_related("enterprise", "award")
        # A row shows none of the case's documents-worth of JSON (facts, trace, cited list).
        .defer(*LIST_DEFERRED_FIELDS)
        .annotate(
            amount=Coalesce("award__amount", "expected_amount", output_field=_MONEY),
            computed_amount=Coalesce(
                "award__computed_amount", "expected_amount", output_field=_MONEY
            ),
            overridden=Coalesce("award__overridden", Value(False)),
            open_objections=open_objections_count(),
        )
    )


def pending_states_for(user: User) -> tuple[str, ...]:
    """The states in which a case waits for `user`'s role."""
    return PENDING_STATES.get(user.role, ())


# Where each official role starts to see a case (`cases_visible_to`): once filed, or once a
# county recommended it; a county's matching case (同步奖励) from its proposal on.
_FIRST_VISIBLE_STATES: dict[str, tuple[str, ...]] = {
    Role.COUNTY_REVIEWER: (Status.SUBMITTED, Status.PROPOSED),
    Role.COUNTY_FINANCE: (Status.PROPOSED,),
    Role.CITY_REVIEWER: (Status.RECOMMENDED, Status.PROPOSED),
    Role.FINANCE: (Status.RECOMMENDED, Status.PROPOSED),
    Role.ADMIN: (Status.RECOMMENDED, Status.PROPOSED),
}


def visible_states_for(user: User | None) -> list[str]:
    """The states a case can be in while `user` sees it (for filters): never a draft.

    Read off the workflow table: every state reachable from where the role starts to see cases.
    """
    starts = _FIRST_VISIBLE_STATES.get(getattr(user, "role", ""), ())
    reachable = set(starts)
    frontier = list(starts)
    while frontier:
        state = frontier.pop()
        for transition in TRANSITIONS:
            if state in transition.sources and transition.target not in reachable:
                reachable.add(transition.target)
                frontier.append(transition.target)
    return [key for key in Status.values if key in reachable]


def filter_jurisdiction_choices_for(user: User | None) -> list[tuple[str, str]]:
    """The jurisdictions an official may filter by: a county reviewer only its own."""
    if getattr(user, "role", None) in COUNTY_ROLES:
        code = user.jurisdiction  # type: ignore[union-attr]
        return [(code, policy.jurisdiction_name(code))]
    return policy.jurisdiction_choices()


# --- the amount of a case ---------------------------------------------------------------------


@dataclass(frozen=True)
class AmountView:
    """What the case page shows about the money: stored after approval, live before."""

    live: bool
    amount: Decimal | None = None
    computed_amount: Decimal | None = None
    eligible: bool = True
    rules_version: str = ""
    trace: list[dict[str, str]] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)
    errors: dict[str, list[str]] = field(default_factory=dict)
    award: Award | None = None
    # A county's matching case the county has not confirmed yet: the amount proposed to it.
    proposed: bool = False


_UNREAD: Any = object()


def earlier_awards_for(*, application: Application, own: Award | None = _UNREAD) -> QuerySet[Award]:
    """Awards the same enterprise was granted for the same achievement.

    The same achievement is the same `achievement_key` of its name: letter case, full-width forms,
    spaces, punctuation and invisible characters do not make a second project. Only awards of
    the same kind (同类, the rules version's overlap groups) count, and only those first approved
    before this case was: a top-up never counts against the award it topped up, even when that
    award is approved again after an objection.

    `own`: the case's award (or None), when the caller has read it; otherwise it is read here.
    """
    earlier = Award.objects.filter(
        # Each programme's 从优、就高、不重复 is its own: a county match never lowers a city award.
        application__programme=application.programme,
        application__enterprise_id=application.enterprise_id,
        application__project_key=achievement_key(application.project_name),
        application__item__in=policy.same_kind_items(application.item, application.event_date),
        application__status__in=DEDUCTIBLE_STATES,
    ).exclude(application_id=application.pk)
    mine: Iterable[tuple[datetime, int]]
    if own is _UNREAD:
        mine = Award.objects.filter(application_id=application.pk).values_list(
            "first_approved_at", "pk"
        )
    else:
        mine = [(own.first_approved_at, own.pk)] if own is not None else []
    for first_approved_at, pk in mine:
        earlier = earlier.filter(
            Q(first_approved_at__lt=first_approved_at)
            | Q(first_approved_at=first_approved_at, pk__lt=pk)
        )
    return earlier.select_related("application").order_by("first_approved_at", "id")


def later_awards_of_same_achievement(*, award: Award) -> QuerySet[Award]:
    """Awards of the same achievement and kind first approved after `award`: its dependents."""
    application = award.application
    return (
        Award.objects.filter(
            application__programme=application.programme,
            application__enterprise_id=application.enterprise_id,
            application__project_key=achievement_key(application.project_name),
            application__item__in=policy.same_kind_items(application.item, application.event_date),
        )
        .exclude(pk=award.pk)
        .filter(
            Q(first_approved_at__gt=award.first_approved_at)
            | Q(first_approved_at=award.first_approved_at, pk__gt=award.pk)
        )
        .order_by("first_approved_at", "id")
    )


def _money_or_zero(raw: object) -> Decimal:
    try:
        value = Decimal(str(raw)) if raw not in (None, "") else Decimal("0.00")
    except InvalidOperation:
        return Decimal("0.00")
    return value if value.is_finite() else Decimal("0.00")


def award_facts_for(*, application: Application) -> dict[str, object]:
    """The facts the rules price a case with: the enterprise's, checked against our records.

    从优、就高、不重复: what this portal already granted for the same achievement counts as a prior
    award even if the enterprise declared less; and a first-time item (首登记/首交易/首入表) that
    the enterprise was already granted is not first-time.
    """
    facts: dict[str, object] = dict(application.facts or {})
    facts["event_date"] = application.event_date.isoformat() if application.event_date else None
    facts["applicant_type"] = application.applicant_type
    facts["jurisdiction"] = application.jurisdiction
    granted_here = earlier_awards_for(application=application).aggregate(total=Sum("amount"))
    granted = granted_here["total"] or Decimal("0.00")
    if granted > _money_or_zero(facts.get("prior_awards_same_project")):
        facts["prior_awards_same_project"] = f"{granted:.2f}"
    rule = load_rulebook().latest.items.get(application.item)
    if rule is not None and rule.first_time:
        already = (
            Application.objects.filter(
                programme=application.programme,
                enterprise_id=application.enterprise_id,
                item=application.item,
                status__in=GRANTED_STATES,
            )
            .exclude(pk=application.pk)
            .exists()
        )
        if already:
            facts["first_time"] = "false"
    return {k: v for k, v in facts.items() if v is not None}


def case_quote(*, application: Application) -> Quote:
    """Price the case under the rules (Beijing date); raises RulesInputError on bad facts."""
    return quote(
        application.item, award_facts_for(application=application), today=timezone.localdate()
    )


def case_amount(*, application: Application) -> AmountView:
    """The stored decision once the case is granted, else a live quote under today's rules."""
    lang = policy.rules_lang()
    award = getattr(application, "award", None)
    if application.is_match and (award is None or application.status not in GRANTED_STATES):
        # Priced once from the city's confirmed award, by the county's rules: never re-quoted.
        return AmountView(
            live=False,
            proposed=True,
            amount=application.expected_amount,
            computed_amount=application.expected_amount,
            rules_version=application.quote_rules_version,
            trace=policy.stored_trace(application.quote_trace),
        )
    if award is not None and application.status in GRANTED_STATES:
        return AmountView(
            live=False,
            amount=award.amount,
            computed_amount=award.computed_amount,
            eligible=award.computed_eligible,
            rules_version=award.rules_version,
            trace=policy.stored_trace(award.trace),
            reasons=[r.get(lang, r.get("zh", "")) for r in award.reasons],
            award=award,
        )
    try:
        result = case_quote(application=application)
    except RulesInputError as exc:
        return AmountView(live=True, eligible=False, errors=exc.messages(lang))
    return AmountView(
        live=True,
        amount=result.amount,
        computed_amount=result.amount,
        eligible=result.eligible,
        rules_version=result.rules_version,
        trace=[step.to_dict(lang) for step in result.trace],
        reasons=[reason.text(lang) for reason in result.reasons],
    )


# --- notifications and dashboards -------------------------------------------------------------


def notifications_for(*, user: User) -> QuerySet[Notification]:
    """The user's own notifications, newest first."""
    return Notification.objects.filter(recipient=user).select_related("application")


def official_dashboard_panels(*, user: User) -> dict[str, object]:
    """How many visible cases wait in each state this official acts on."""
    pending = PENDING_STATES.get(user.role, ())
    counts = dict(
        cases_visible_to(user)
        .filter(status__in=pending)
        .values_list("status")
        .annotate(n=Count("id"))
        .order_by()
    )
    return {
        "pending_counts": [(Status(key).label, counts.get(key, 0)) for key in pending],
        "pending_links": [(key, Status(key).label, counts.get(key, 0)) for key in pending],
        "pending_total": sum(counts.values()),
        "jurisdiction_name": policy.jurisdiction_name(user.jurisdiction)
        if user.jurisdiction
        else "",
        "unread_notifications": Notification.objects.filter(
            recipient=user, read_at__isnull=True
        ).count(),
    }
