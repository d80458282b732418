"""Reads for awards: review queues, the case page, the public announcement and dashboards.

Every read of cases starts from `applicants.selectors.cases_visible_to` (or `case_get_for`), so
access is decided in one place. Querysets carry the `select_related` that keep query counts flat.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db.models import Count, DecimalField, Prefetch, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from applicants import policy
from applicants.models import (
    Application,
    CaseEvent,
    EvidenceFile,
    Notification,
    Status,
    User,
)
from applicants.roles import Role
from applicants.selectors import case_get_for, cases_visible_to
from applicants.text import achievement_key
from applicants.workflow import BY_ACTION, GRANTED_STATES, Transition, transitions_from
from awards.models import Award, Budget, Objection
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

    `amount` is the approved amount once there is one, else the enterprise's expected amount.
    """
    return (
        cases_visible_to(user)
        .select_related("enterprise", "award")
        .annotate(amount=Coalesce("award__amount", "expected_amount", output_field=_MONEY))
    )


def pending_states_for(user: User) -> tuple[str, ...]:
    """The states in which a case waits for `user`'s role."""
    return PENDING_STATES.get(user.role, ())


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
class HistoryRow:
    event: CaseEvent
    label: str
    from_label: str
    to_label: str
    details: list[tuple[str, str]] = field(default_factory=list)


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
    history: list[HistoryRow]
    objections: list[Objection]
    actions: list[Transition]
    item_title: str = ""
    jurisdiction_name: str = ""
    item_titles: dict[str, str] = field(default_factory=dict)


# Audit entries that are not transitions of the table, with their labels.
def _extra_action_labels() -> dict[str, str]:
    return {
        "override": _("调整批准金额"),
        "quota_exempt": _("设为不占年度名额"),
        "quota_exempt_revoked": _("取消不占年度名额"),
        "reschedule": _("调整兑付年度"),
        "budget_set": _("设置年度预算"),
        "payouts_requested": _("发起兑付安排"),
        "evidence_added": _("上传证明材料"),
    }


def _data_labels() -> dict[str, str]:
    return {
        "amount": _("批准金额"),
        "computed_amount": _("规则计算金额"),
        "from_amount": _("原批准金额"),
        "rules_version": _("规则版本"),
        "overridden": _("已调整金额"),
        "quota_exempt": _("不占年度名额"),
        "announcement_days": _("公示天数"),
        "announcement_starts_on": _("公示开始日期"),
        "announcement_ends_on": _("公示截止日期"),
        "pay_year": _("兑付年度"),
        "from_pay_year": _("原兑付年度"),
        "paid_at": _("兑付日期"),
        "payment_reference": _("支付凭证号"),
        "objection_id": _("异议编号"),
        "year": _("年度"),
        "evidence_id": _("材料编号"),
        "kind": _("材料类型"),
        "version": _("版本"),
        "original_name": _("原文件名"),
        "size": _("大小（字节）"),
        "content_type": _("文件类型"),
    }


def audit_details(data: dict) -> list[tuple[str, str]]:
    """An audit entry's data as (label, value) lines; false flags and empty values are left out."""
    labels = _data_labels()
    lines = []
    for key, value in (data or {}).items():
        if value in (None, "", False):
            continue
        shown = _("是") if value is True else str(value)
        lines.append((labels.get(key, key), shown))
    return lines


def audit_action_label(action: str) -> str:
    """The label of an audit entry's action key (the transition's label where there is one)."""
    transition = BY_ACTION.get(action)
    if transition is not None:
        return str(transition.label)
    return _extra_action_labels().get(action, action)


def _status_label(key: str) -> str:
    return str(Status(key).label) if key in Status.values else key


def case_detail_for(*, user: User, application_id: object) -> CaseDetail:
    """Everything the case page shows; 404 unless `user` may see the case."""
    application = case_get_for(user, application_id)  # type: ignore[arg-type]
    application = (
        Application.objects.select_related("enterprise", "award", "possible_duplicate_of")
        .prefetch_related(
            Prefetch(
                "events",
                queryset=CaseEvent.objects.select_related("actor").order_by("id"),
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
    history = [
        HistoryRow(
            e,
            audit_action_label(e.action),
            _status_label(e.from_status),
            _status_label(e.to_status),
            audit_details(e.data),
        )
        for e in application.events.all()
    ]
    earlier = list(earlier_awards_for(application=application))
    duplicate = application.possible_duplicate_of
    duplicate_visible = (
        duplicate is not None and cases_visible_to(user).filter(pk=duplicate.pk).exists()
    )
    return CaseDetail(
        application=application,
        facts=facts,
        evidence=evidence,
        amount=case_amount(application=application),
        duplicate_of=duplicate if duplicate_visible else None,
        duplicate_hidden=duplicate is not None and not duplicate_visible,
        earlier_awards=earlier,
        history=history,
        objections=list(application.objections.all()),
        actions=transitions_from(application.status, user.role),
        item_title=policy.item_title(application.item),
        jurisdiction_name=policy.jurisdiction_name(application.jurisdiction),
        item_titles={a.application.item: policy.item_title(a.application.item) for a in earlier},
    )


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


# --- payouts ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class YearRow:
    year: int
    budget: Decimal | None
    scheduled: Decimal
    paid: Decimal
    count: int


def payout_overview() -> list[YearRow]:
    """Per budget year: the budget, what is scheduled and what is paid (finance page)."""
    budgets = {b.year: b.amount for b in Budget.objects.all()}
    sums = (
        Award.objects.filter(
            application__status__in=(Status.SCHEDULED, Status.PAID), pay_year__isnull=False
        )
        .values("pay_year")
        .annotate(
            scheduled=Sum("amount", filter=Q(application__status=Status.SCHEDULED)),
            paid=Sum("amount", filter=Q(application__status=Status.PAID)),
            count=Count("id"),
        )
        .order_by()
    )
    by_year: dict[int, dict[str, Any]] = {
        row["pay_year"]: dict(row) for row in sums if row["pay_year"] is not None
    }
    zero = Decimal("0.00")
    rows = []
    for year in sorted(set(budgets) | set(by_year)):
        sums_of_year = by_year.get(year, {})
        rows.append(
            YearRow(
                year=year,
                budget=budgets.get(year),
                scheduled=sums_of_year.get("scheduled") or zero,
                paid=sums_of_year.get("paid") or zero,
                count=sums_of_year.get("count") or 0,
            )
        )
    return rows


def payout_cases(*, user: User) -> QuerySet[Application]:
    """Confirmed, scheduled and paid cases with their awards, in payment order."""
    return (
        review_queue(user=user)
        .filter(status__in=PAYOUT_STATES)
        .order_by("award__pay_year", "award__first_approved_at", "id")
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
