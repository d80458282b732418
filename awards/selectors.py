"""Reads for awards: review queues, the case page, the public announcement and dashboards.

Every read of cases starts from `applicants.selectors.cases_visible_to` (or `case_get_for`), so
access is decided in one place. Querysets carry the `select_related` that keep query counts flat.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

from django.db.models import Count, DecimalField, Prefetch, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from applicants import policy
from applicants.history import HistoryEntry, case_history
from applicants.models import (
    Application,
    CaseEvent,
    EvidenceFile,
    Notification,
    Status,
    User,
)
from applicants.roles import Role
from applicants.selectors import (
    case_get_for,
    cases_visible_to,
    credit_code_division_warning,
    similar_applications,
)
from applicants.text import achievement_key
from applicants.workflow import (
    GRANTED_STATES,
    TRANSITIONS,
    Transition,
    transitions_from,
)
from awards.models import Award, Objection
from rules import Quote, RulesInputError, load_rulebook, quote

# The states in which a case waits for each official role.
PENDING_STATES: dict[str, tuple[str, ...]] = {
    Role.COUNTY_REVIEWER: (Status.SUBMITTED,),
    Role.CITY_REVIEWER: (Status.RECOMMENDED, Status.REVIEWED, Status.APPROVED, Status.ANNOUNCED),
    Role.FINANCE: (Status.CONFIRMED, Status.SCHEDULED),
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
    `overridden` whether the city approved a different amount.
    """
    return (
        cases_visible_to(user)
        .select_related("enterprise", "award")
        .annotate(
            amount=Coalesce("award__amount", "expected_amount", output_field=_MONEY),
            computed_amount=Coalesce(
                "award__computed_amount", "expected_amount", output_field=_MONEY
            ),
            overridden=Coalesce("award__overridden", Value(False)),
        )
    )


def pending_states_for(user: User) -> tuple[str, ...]:
    """The states in which a case waits for `user`'s role."""
    return PENDING_STATES.get(user.role, ())


# Where each official role starts to see a case (`cases_visible_to`): once filed, or once a
# county recommended it.
_FIRST_VISIBLE_STATE: dict[str, str] = {
    Role.COUNTY_REVIEWER: Status.SUBMITTED,
    Role.CITY_REVIEWER: Status.RECOMMENDED,
    Role.FINANCE: Status.RECOMMENDED,
    Role.ADMIN: Status.RECOMMENDED,
}


def visible_states_for(user: User | None) -> list[str]:
    """The states a case can be in while `user` sees it (for filters): never a draft.

    Read off the workflow table: every state reachable from where the role starts to see cases.
    """
    start = _FIRST_VISIBLE_STATE.get(getattr(user, "role", ""))
    if start is None:
        return []
    reachable = {start}
    frontier = [start]
    while frontier:
        state = frontier.pop()
        for transition in TRANSITIONS:
            if state in transition.sources and transition.target not in reachable:
                reachable.add(transition.target)
                frontier.append(transition.target)
    return [key for key in Status.values if key in reachable]


def filter_jurisdiction_choices_for(user: User | None) -> list[tuple[str, str]]:
    """The jurisdictions an official may filter by: a county reviewer only its own."""
    if getattr(user, "role", None) == Role.COUNTY_REVIEWER:
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


def earlier_awards_for(*, application: Application) -> QuerySet[Award]:
    """Awards the same enterprise was granted for the same achievement.

    The same achievement is the same `achievement_key` of its name: letter case, full-width forms,
    spaces, punctuation and invisible characters do not make a second project. Only awards of
    the same kind (同类, the rules version's overlap groups) count, and only those first approved
    before this case was: a top-up never counts against the award it topped up, even when that
    award is approved again after an objection.
    """
    earlier = Award.objects.filter(
        application__enterprise_id=application.enterprise_id,
        application__project_key=achievement_key(application.project_name),
        application__item__in=policy.same_kind_items(application.item, application.event_date),
        application__status__in=DEDUCTIBLE_STATES,
    ).exclude(application_id=application.pk)
    own = Award.objects.filter(application_id=application.pk).values_list("first_approved_at", "pk")
    for first_approved_at, pk in own:
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


# --- the case page ----------------------------------------------------------------------------


@dataclass(frozen=True)
class EvidenceRow:
    file: EvidenceFile
    label: str
    url: str


@dataclass(frozen=True)
class FactRow:
    label: str
    value: str


@dataclass(frozen=True)
class CaseLink:
    """Another case named on the case page; `url` is "" when it lies outside the official's scope
    (then neither its number nor its name is shown)."""

    application: Application
    url: str
    status_label: str

    @property
    def visible(self) -> bool:
        return bool(self.url)


@dataclass(frozen=True)
class CaseWarning:
    """One thing the official should look at before deciding, in the page's language."""

    kind: str  # duplicate, similar, first_time, credit_code_division, ineligible
    text: str
    cases: list[CaseLink] = field(default_factory=list)
    hidden_cases: int = 0  # how many more exist outside the official's scope


@dataclass(frozen=True)
class AwardRow:
    """An award the same enterprise holds (granted, or sent back by an objection)."""

    link: CaseLink
    award: Award
    item_title: str
    # Counted against this case under 从优、就高、不重复 (`earlier_awards_for`).
    same_achievement: bool


@dataclass(frozen=True)
class CaseDetail:
    application: Application
    facts: list[FactRow]
    evidence: list[EvidenceRow]
    amount: AmountView
    duplicate_of: Application | None
    # A duplicate exists but lies outside this official's scope: warn without naming it.
    duplicate_hidden: bool
    earlier_awards: list[Award]
    history: list[HistoryEntry]
    objections: list[Objection]
    actions: list[Transition]
    item_title: str = ""
    jurisdiction_name: str = ""
    item_titles: dict[str, str] = field(default_factory=dict)
    warnings: list[CaseWarning] = field(default_factory=list)
    enterprise_awards: list[AwardRow] = field(default_factory=list)


# Texts of the case page's warnings (tests reuse them).
WARNING_DUPLICATE = gettext_lazy("疑似重复申报：与以下申报为同一单位的同一事项和成果")
WARNING_DUPLICATE_HIDDEN = gettext_lazy(
    "疑似重复申报：同一单位已就同一事项和成果另行申报，该申报尚未进入您的审核范围。"
)
WARNING_SIMILAR = gettext_lazy("名称相近的同类申报（可能为同一成果）")
WARNING_FIRST_TIME = gettext_lazy(
    "“首次”类事项：该单位已有同一事项的申报在办或已获奖励，每个单位只能获得一次"
)
WARNING_INELIGIBLE = gettext_lazy("按规则不符合奖励条件：%(reasons)s")

# A first-time item is taken while another case of it is in review or granted (not refused,
# withdrawn or a draft).
_FIRST_TIME_BLOCKING = frozenset(Status.values) - {
    Status.DRAFT,
    Status.WITHDRAWN,
    Status.REJECTED,
}


def case_detail_for(*, user: User, application_id: object) -> CaseDetail:
    """Everything the case page shows; 404 unless `user` may see the case.

    A fixed number of queries whatever the number of events, files, awards or warnings.
    """
    application = case_get_for(user, application_id)  # type: ignore[arg-type]
    application = (
        Application.objects.select_related(
            "enterprise", "award", "award__approved_by", "possible_duplicate_of"
        )
        .prefetch_related(
            Prefetch(
                "events",
                queryset=CaseEvent.objects.select_related("actor", "actor__enterprise").order_by(
                    "id"
                ),
            ),
            "evidence_files",
            "objections",
        )
        .get(pk=application.pk)
    )
    facts = [
        FactRow(policy.fact_label(application.item, code), _fact_value(application, code, value))
        for code, value in (application.facts or {}).items()
    ]
    evidence = [
        EvidenceRow(
            f,
            policy.evidence_label(application.item, f.kind),
            reverse("applicants:evidence", args=[f.pk]),
        )
        for f in application.evidence_files.all()
    ]
    history = case_history(application.events.all(), application=application)
    earlier = list(earlier_awards_for(application=application))
    # The enterprise's other filed cases, with their awards: one read for the award list and
    # the first-time check.
    others = list(
        Application.objects.filter(enterprise_id=application.enterprise_id)
        .exclude(pk=application.pk)
        .exclude(status__in=(Status.DRAFT, Status.WITHDRAWN))
        .select_related("award")
        .order_by("submitted_at", "id")
    )
    similar = similar_applications(application)
    duplicate = application.possible_duplicate_of
    named = {c.pk for c in others} | {c.pk for c in similar}
    if duplicate is not None:
        named.add(duplicate.pk)
    visible_ids = (
        set(cases_visible_to(user).filter(pk__in=named).values_list("pk", flat=True))
        if named
        else set()
    )
    amount = case_amount(application=application)
    earlier_ids = {a.application_id for a in earlier}
    award_rows = [
        AwardRow(
            link=_case_link(other, visible_ids),
            award=other.award,
            item_title=policy.item_title(other.item),
            same_achievement=other.pk in earlier_ids,
        )
        for other in others
        if (other.status in GRANTED_STATES or other.pk in earlier_ids)
        and getattr(other, "award", None) is not None
    ]
    duplicate_visible = duplicate is not None and duplicate.pk in visible_ids
    return CaseDetail(
        application=application,
        facts=facts,
        evidence=evidence,
        amount=amount,
        duplicate_of=duplicate if duplicate_visible else None,
        duplicate_hidden=duplicate is not None and not duplicate_visible,
        earlier_awards=earlier,
        history=history,
        objections=list(application.objections.all()),
        actions=transitions_from(application.status, user.role),
        item_title=policy.item_title(application.item),
        jurisdiction_name=policy.jurisdiction_name(application.jurisdiction),
        item_titles={a.application.item: policy.item_title(a.application.item) for a in earlier},
        warnings=_case_warnings(
            application=application,
            duplicate=duplicate,
            similar=similar,
            others=others,
            amount=amount,
            visible_ids=visible_ids,
        ),
        enterprise_awards=award_rows,
    )


def _case_link(case: Application, visible_ids: set[int]) -> CaseLink:
    url = reverse("awards:case_detail", args=[case.pk]) if case.pk in visible_ids else ""
    return CaseLink(application=case, url=url, status_label=str(case.get_status_display()))


def _linked(cases: list[Application], visible_ids: set[int]) -> tuple[list[CaseLink], int]:
    links = [_case_link(c, visible_ids) for c in cases]
    return [link for link in links if link.visible], sum(1 for link in links if not link.visible)


def _case_warnings(
    *,
    application: Application,
    duplicate: Application | None,
    similar: list[Application],
    others: list[Application],
    amount: AmountView,
    visible_ids: set[int],
) -> list[CaseWarning]:
    """Every warning of the case page, most serious first; reads nothing from the database."""
    warnings = []
    if duplicate is not None:
        links, _hidden = _linked([duplicate], visible_ids)
        duplicate_text = WARNING_DUPLICATE if links else WARNING_DUPLICATE_HIDDEN
        warnings.append(CaseWarning("duplicate", str(duplicate_text), links))
    near = [c for c in similar if duplicate is None or c.pk != duplicate.pk]
    if near:
        links, hidden = _linked(near, visible_ids)
        warnings.append(CaseWarning("similar", str(WARNING_SIMILAR), links, hidden))
    rule = policy.item_rule(application.item)
    if rule is not None and rule.first_time:
        taken = [
            c for c in others if c.item == application.item and c.status in _FIRST_TIME_BLOCKING
        ]
        if taken:
            links, hidden = _linked(taken, visible_ids)
            warnings.append(CaseWarning("first_time", str(WARNING_FIRST_TIME), links, hidden))
    division = credit_code_division_warning(
        credit_code=application.enterprise.credit_code, jurisdiction=application.jurisdiction
    )
    if division:
        warnings.append(CaseWarning("credit_code_division", division))
    if not amount.eligible and amount.reasons:
        reasons = _("；").join(amount.reasons)
        warnings.append(CaseWarning("ineligible", str(WARNING_INELIGIBLE % {"reasons": reasons})))
    return warnings


def _fact_value(application: Application, code: str, value: object) -> str:
    return policy.fact_value_label(application.item, code, str(value))


# --- the public announcement (公示) -----------------------------------------------------------


def announcements_current(*, today: date | None = None) -> QuerySet[Award]:
    """Awards in their announcement period today (Beijing time): the public list."""
    today = today or timezone.localdate()
    return (
        Award.objects.filter(
            application__status=Status.ANNOUNCED,
            announcement_starts_on__lte=today,
            announcement_ends_on__gte=today,
        )
        .select_related("application__enterprise")
        .order_by("announcement_ends_on", "application__enterprise__name", "id")
    )


def announcement_get(*, application_id: int, today: date | None = None) -> Award | None:
    """The award of a case in its announcement period today, or None."""
    return announcements_current(today=today).filter(application_id=application_id).first()


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
