"""The case's life as data: one table of transitions and nothing else.

Each row says which action moves a case from which states to which state, who may take it, and
whether a written reason is required, and which timestamp of the case it stamps.
`applicants.services.cases.case_transition` is the one function that applies a row: it checks role
and jurisdiction, locks the case, changes state and audits.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from applicants.models import Status
from applicants.roles import Role

S = Status


@dataclass(frozen=True)
class Transition:
    action: str
    label: object  # lazy translated label
    sources: frozenset[str]
    target: str
    roles: frozenset[str]
    needs_reason: bool = False
    stamps: str = ""  # a DateTimeField of Application set to now when this transition happens
    bulk: bool = False  # may be applied to many selected cases at once from a queue


def _t(
    action, label, sources, target, roles, *, needs_reason=False, stamps="", bulk=False
) -> Transition:
    return Transition(
        action, label, frozenset(sources), target, frozenset(roles), needs_reason, stamps, bulk
    )


ENTERPRISE = {Role.ENTERPRISE}
COUNTY = {Role.COUNTY_REVIEWER}
CITY = {Role.CITY_REVIEWER}
FINANCE = {Role.FINANCE}
# Who pays a case is decided by its programme (applicants.services.cases.actor_may_act_on).
ANY_FINANCE = {Role.FINANCE, Role.COUNTY_FINANCE}
# "system" is the actor of automatic steps (the allocation job, a public objection).
SYSTEM = "system"

TRANSITIONS: tuple[Transition, ...] = (
    _t("submit", _("提交申报"), {S.DRAFT}, S.SUBMITTED, ENTERPRISE, stamps="submitted_at"),
    _t(
        "resubmit",
        _("补正后重新提交"),
        {S.RETURNED},
        S.SUBMITTED,
        ENTERPRISE,
        stamps="submitted_at",
    ),
    _t("withdraw", _("撤回申报"), {S.DRAFT, S.SUBMITTED, S.RETURNED}, S.WITHDRAWN, ENTERPRISE),
    _t(
        "recommend",
        _("初审推荐"),
        {S.SUBMITTED},
        S.RECOMMENDED,
        COUNTY,
        stamps="recommended_at",
        bulk=True,
    ),
    _t("county_return", _("退回补正"), {S.SUBMITTED}, S.RETURNED, COUNTY, needs_reason=True),
    _t("county_reject", _("初审不予推荐"), {S.SUBMITTED}, S.REJECTED, COUNTY, needs_reason=True),
    _t("review", _("复审通过"), {S.RECOMMENDED}, S.REVIEWED, CITY, bulk=True),
    _t(
        "city_return",
        _("退回补正"),
        {S.RECOMMENDED, S.REVIEWED},
        S.RETURNED,
        CITY,
        needs_reason=True,
    ),
    _t(
        "city_reject",
        _("不予支持"),
        {S.RECOMMENDED, S.REVIEWED},
        S.REJECTED,
        CITY,
        needs_reason=True,
    ),
    _t("approve", _("批准奖励"), {S.REVIEWED}, S.APPROVED, CITY, bulk=True),
    # Announced together (the 公示 is published as a list) for ANNOUNCEMENT_WORKING_DAYS days.
    _t("announce", _("发布公示"), {S.APPROVED}, S.ANNOUNCED, CITY, bulk=True),
    # A public objection holds the case (the 公示 clock stops) until the city resolves it
    # (awards.announcements.services): dismissed, the 公示 resumes with its end moved by the
    # working days held; upheld, the case goes back to review or is rejected.
    _t("object", _("收到公示异议，暂停公示"), {S.ANNOUNCED}, S.HELD, {SYSTEM}, needs_reason=True),
    _t(
        "objection_dismiss",
        _("异议不成立，恢复公示"),
        {S.HELD},
        S.ANNOUNCED,
        CITY,
        needs_reason=True,
    ),
    _t("objection_uphold", _("异议成立，退回复审"), {S.HELD}, S.REVIEWED, CITY, needs_reason=True),
    _t("objection_reject", _("异议成立，不予支持"), {S.HELD}, S.REJECTED, CITY, needs_reason=True),
    # In bulk, a case whose period has not ended is refused on its own; the others go through.
    _t("confirm", _("公示期满确认"), {S.ANNOUNCED}, S.CONFIRMED, CITY, bulk=True),
    # Pay years come from the allocation over the budget and the quota, never from a hand choice:
    # finance sets budgets and starts the planning job (awards.services.payouts).
    _t("schedule", _("安排兑付年度"), {S.CONFIRMED}, S.SCHEDULED, {SYSTEM}),
    _t("unschedule", _("撤销兑付安排"), {S.SCHEDULED}, S.CONFIRMED, {SYSTEM}),
    _t("pay", _("登记兑付"), {S.SCHEDULED}, S.PAID, ANY_FINANCE),
    # 县区同步奖励: the portal proposes a county's matching case when the city confirms an award
    # (免申即享); the county's reviewer confirms it into the county's payout plan, or rejects it.
    _t("match_propose", _("生成县级同步奖励"), set(), S.PROPOSED, {SYSTEM}),
    _t("match_confirm", _("确认同步奖励"), {S.PROPOSED}, S.CONFIRMED, COUNTY, bulk=True),
    _t(
        "match_reject",
        _("不予同步奖励"),
        {S.PROPOSED},
        S.REJECTED,
        COUNTY,
        needs_reason=True,
    ),
)

BY_ACTION: dict[str, Transition] = {t.action: t for t in TRANSITIONS}
# Taken only through the objection service (its form and its page), never as a plain decision:
# it records the objection and moves the 公示 dates in the same transaction.
OBJECTION_ACTIONS = frozenset(
    {"object", "objection_dismiss", "objection_uphold", "objection_reject"}
)

# States in which the enterprise may edit its case.
EDITABLE_STATES = frozenset({S.DRAFT, S.RETURNED})
# States from which a case counts as granted (used by the first-time guard).
GRANTED_STATES = frozenset({S.APPROVED, S.ANNOUNCED, S.HELD, S.CONFIRMED, S.SCHEDULED, S.PAID})
# The actions of a county's matching case alone, and every action such a case takes: it never
# goes through the city's review steps, and a city case never through these.
MATCH_ONLY_ACTIONS = frozenset({"match_propose", "match_confirm", "match_reject"})
MATCH_ACTIONS = MATCH_ONLY_ACTIONS | {"schedule", "unschedule", "pay"}


def action_fits_programme(action: str, *, is_match: bool) -> bool:
    """Whether a case of this kind (a county match, or a city case) takes this action at all."""
    return action in MATCH_ACTIONS if is_match else action not in MATCH_ONLY_ACTIONS


FINAL_STATES = frozenset({S.PAID, S.REJECTED, S.WITHDRAWN})
# The 审批表 reaches the enterprise once its award is public (公示, or a county's match of a
# public award); its receipts at once.
APPROVAL_SHEET_PUBLIC_STATES = frozenset({S.ANNOUNCED, S.HELD, S.CONFIRMED, S.SCHEDULED, S.PAID})


def enterprise_sees_document(kind: str, status: str) -> bool:
    """Whether the case's enterprise may read a document of `kind` while the case is in `status`."""
    return kind == "receipt" or (kind == "approval" and status in APPROVAL_SHEET_PUBLIC_STATES)


def transitions_from(status: str, role: str, *, is_match: bool = False) -> list[Transition]:
    """The actions a person of `role` may take on a case in `status` (for buttons).

    The objection's steps are not among them: they are taken on the objection's own page.
    """
    return [
        t
        for t in TRANSITIONS
        if status in t.sources
        and role in t.roles
        and t.action not in OBJECTION_ACTIONS
        and action_fits_programme(t.action, is_match=is_match)
    ]


def bulk_actions_for(role: str) -> list[Transition]:
    """The actions a person of `role` may apply to several selected cases at once."""
    return [t for t in TRANSITIONS if t.bulk and role in t.roles]
