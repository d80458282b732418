"""办理记录: each audit entry of a case as one sentence in the page's language.

One builder for every page that shows a case's history (the enterprise's case page and the
officials'), so both read the same words. Entries written by the awards app (approval, 公示,
payment, adjustments) are read from their plain JSON data by key: applicants never imports awards.
What a person reads is words; ids, hashes and raw keys are kept aside (`HistoryEntry.details`) for
a folded "record details" view.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation

from django.template.defaultfilters import filesizeformat
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from applicants import policy
from applicants.models import Application, CaseEvent, status_label
from applicants.programmes import programme_name
from applicants.roles import Role
from applicants.trace import rules_version_label
from applicants.workflow import BY_ACTION, SYSTEM


@dataclass(frozen=True)
class HistoryActor:
    """Who acted, by the role recorded with the entry (never by what the person calls themself)."""

    name: str  # "" for the system, and for officials when the reader is the enterprise
    role: str
    organisation: str = ""
    # The whole line in the language it was built in: "张三（县区初审人员 · 浉河区）".
    text: str = field(init=False, default="")

    def __post_init__(self) -> None:
        shown = self.title
        if self.name:
            shown = _("%(name)s（%(title)s）") % {"name": self.name, "title": self.title}
        object.__setattr__(self, "text", shown)

    @property
    def title(self) -> str:
        """The role and organisation, e.g. "县区初审人员 · 浉河区"."""
        return " · ".join(part for part in (self.role, self.organisation) if part)

    def __str__(self) -> str:
        return self.text


@dataclass(frozen=True)
class HistoryEntry:
    """One audit entry as people read it."""

    event: CaseEvent
    label: str  # the action in a few words, e.g. 退回补正
    text: str  # the sentence without the reason, e.g. 批准奖励 300,000.00 元（规则版本 …）
    reason: str
    actor: HistoryActor
    status: str = ""  # the state the case moved to (its key), "" when the state did not change
    status_label: str = ""
    details: list[tuple[str, str]] = field(default_factory=list)

    @property
    def action(self) -> str:
        return self.event.action

    @property
    def at(self) -> datetime:
        return self.event.created_at

    @property
    def sentence(self) -> str:
        """The whole line: the text and, after a colon, the reason (退回补正：理由…)."""
        if not self.reason:
            return self.text
        return _("%(text)s：%(reason)s") % {"text": self.text, "reason": self.reason}


def case_history(
    events: Iterable[CaseEvent], *, application: Application, show_official_names: bool = True
) -> list[HistoryEntry]:
    """The case's audit entries as sentences, oldest first, in the active language.

    Reads no rows: pass events fetched with `select_related("actor")`. The enterprise reads its
    own members by name and officials by role and organisation only (`show_official_names`).
    """
    return [
        _entry(event, application=application, show_official_names=show_official_names)
        for event in events
    ]


def _entry(
    event: CaseEvent, *, application: Application, show_official_names: bool
) -> HistoryEntry:
    data = event.data if isinstance(event.data, dict) else {}
    label = action_label(event.action)
    builder = _SENTENCES.get(event.action)
    text = label
    if builder is not None:
        try:
            text = builder(data, application) or label
        except (KeyError, TypeError, ValueError):
            # An entry written before its data had today's keys still reads as its label.
            text = label
    moved = event.to_status and event.to_status != event.from_status
    return HistoryEntry(
        event=event,
        label=label,
        text=text,
        reason=event.reason,
        actor=_actor(event, application=application, show_official_names=show_official_names),
        status=event.to_status if moved else "",
        status_label=status_label(event.to_status, is_match=application.is_match) if moved else "",
        details=_details(event, data),
    )


# --- labels -----------------------------------------------------------------------------------


def _other_action_labels() -> dict[str, str]:
    """Audit entries that are not transitions of the workflow table.

    In their own context: the same words are a button elsewhere ("调整批准金额": adjust it).
    """
    return {
        # Identity checks (applicants/verification): entries about an enterprise, not a case.
        "identity_requested": pgettext("history action", "提交单位身份核验"),
        "identity_verified": pgettext("history action", "单位身份核验通过"),
        "identity_refused": pgettext("history action", "单位身份核验未通过"),
        "claim_opened": pgettext("history action", "提交单位认领"),
        "claim_upheld": pgettext("history action", "单位认领成立"),
        "claim_dismissed": pgettext("history action", "单位认领不成立"),
        "bank_change_requested": pgettext("history action", "申请变更收款账户"),
        "bank_change_confirmed": pgettext("history action", "确认变更收款账户"),
        "bank_change_refused": pgettext("history action", "不予确认收款账户变更"),
        "evidence_added": pgettext("history action", "上传证明材料"),
        "override": pgettext("history action", "调整批准金额"),
        "quota_exempt": pgettext("history action", "设为不占年度名额"),
        "quota_exempt_revoked": pgettext("history action", "恢复占用年度名额"),
        "reschedule": pgettext("history action", "调整兑付年度"),
        "budget_set": pgettext("history action", "设置年度预算"),
        "payouts_requested": pgettext("history action", "发起兑付安排"),
        "reprice": pgettext("history action", "按规则重新计算金额"),
        "reprice_flagged": pgettext("history action", "金额待重新核定"),
        "reprice_accepted": pgettext("history action", "采用重新计算的金额"),
        "reprice_dismissed": pgettext("history action", "维持原批准金额"),
        "topup_case_created": pgettext("history action", "另立补差申报"),
        "topup_case_opened": pgettext("history action", "补差申报"),
        "recovery_recorded": pgettext("history action", "登记追回"),
        "document_rendered": pgettext("history action", "生成文书"),
        "match_proposed": pgettext("history action", "生成县级同步奖励"),
        "match_none": pgettext("history action", "县级同步奖励不适用"),
        "batch_created": pgettext("history action", "建立拨付批次"),
        "batch_exported": pgettext("history action", "导出财政直接支付申请书"),
        "batch_cancelled": pgettext("history action", "撤销拨付批次"),
        "batch_settled": pgettext("history action", "拨付批次结清"),
        "bank_return_imported": pgettext("history action", "导入银行回单"),
        "payment_failed": pgettext("history action", "银行支付失败"),
        "payouts_exported": pgettext("history action", "导出兑付报表"),
        "rules_candidate_uploaded": pgettext("history action", "上传规则修订草案"),
        "rules_candidate_discarded": pgettext("history action", "放弃规则修订草案"),
        "rules_adopted": pgettext("history action", "采用规则修订"),
        "login_unlocked": pgettext("history action", "解除登录锁定"),
        "objection_added": pgettext("history action", "又收到公示异议"),
        "objection_dismissed": pgettext("history action", "一件异议不成立"),
        "two_factor_enrolled": pgettext("history action", "启用两步验证"),
        "two_factor_backup_codes_regenerated": pgettext("history action", "重新生成备用码"),
        "two_factor_reset": pgettext("history action", "重置两步验证"),
        "api_token_created": pgettext("history action", "创建 API 令牌"),
        "winner_draft_created": pgettext("history action", "按公布名单预填申报（免申即享）"),
        "winners_imported": pgettext("history action", "导入免申即享名单"),
        "api_token_revoked": pgettext("history action", "撤销 API 令牌"),
    }


def action_label(action: str) -> str:
    """An audit action's label: the transition's, or the portal's own entries' (never the key)."""
    transition = BY_ACTION.get(action)
    if transition is not None:
        return str(transition.label)
    return _other_action_labels().get(action, pgettext("history action", "其他操作"))


def _role_title(role: str) -> str:
    return str(Role(role).label) if role in Role.values else _("系统")


def _actor(
    event: CaseEvent, *, application: Application, show_official_names: bool
) -> HistoryActor:
    role = event.actor_role
    user = event.actor
    if user is None or role == SYSTEM:
        return HistoryActor(name="", role=_("系统"))
    name = user.display_name or user.username
    if role == Role.ENTERPRISE:
        # The case's enterprise is loaded with the case; another one's name only if fetched.
        if user.enterprise_id == application.enterprise_id:
            organisation = application.enterprise.name
        else:
            organisation = user.enterprise.name if user.enterprise else ""
        return HistoryActor(name=name, role=_role_title(role), organisation=organisation)
    # City and finance roles name their organisation already (市发展改革委…, 市财政局…).
    organisation = policy.jurisdiction_name(user.jurisdiction) if user.jurisdiction else ""
    return HistoryActor(
        name=name if show_official_names else "",
        role=_role_title(role),
        organisation=organisation if role == Role.COUNTY_REVIEWER else "",
    )


# --- sentences --------------------------------------------------------------------------------


def _money(raw: object) -> str:
    """300000 → 300,000.00; what is not a number is shown as it is."""
    try:
        return f"{Decimal(str(raw)):,.2f}"
    except (InvalidOperation, ValueError):
        return str(raw)


def _submitted(data: dict, application: Application) -> str:
    return _("提交申报（第 %(revision)s 次提交，预计奖励 %(amount)s 元）") % {
        "revision": data["revision"],
        "amount": _money(data["expected_amount"]),
    }


def _resubmitted(data: dict, application: Application) -> str:
    return _("补正后重新提交（第 %(revision)s 次提交，预计奖励 %(amount)s 元）") % {
        "revision": data["revision"],
        "amount": _money(data["expected_amount"]),
    }


def _approved(data: dict, application: Application) -> str:
    params = {
        "amount": _money(data["amount"]),
        "computed": _money(data.get("computed_amount", data["amount"])),
        "version": rules_version_label(data["rules_version"]),
    }
    if data.get("overridden"):
        return (
            _("批准奖励 %(amount)s 元（规则计算 %(computed)s 元，规则版本 %(version)s）") % params
        )
    return _("批准奖励 %(amount)s 元（规则版本 %(version)s）") % params


def _announced(data: dict, application: Application) -> str:
    params = {
        "starts": data["announcement_starts_on"],
        "ends": data["announcement_ends_on"],
        "days": data["announcement_days"],
        "number": data.get("announcement_number", ""),
    }
    if not data.get("working_days"):  # written when the period counted calendar days
        return _("发布公示：%(starts)s 至 %(ends)s（%(days)s 天）") % params
    if params["number"]:
        return _("发布公示（%(number)s）：%(starts)s 至 %(ends)s（%(days)s 个工作日）") % params
    return _("发布公示：%(starts)s 至 %(ends)s（%(days)s 个工作日）") % params


def _objection_dismissed(data: dict, application: Application) -> str:
    """The 公示 resumed: its end moved by the working days the case was held."""
    return _(
        "异议不成立，恢复公示：暂停 %(held)s 个工作日，公示截止日期由 %(from)s 顺延至 %(ends)s"
    ) % {
        "held": data["held_working_days"],
        "from": data["from_announcement_ends_on"],
        "ends": data["announcement_ends_on"],
    }


def _objection_one_dismissed(data: dict, application: Application) -> str:
    return _("一件异议不成立；尚有 %(open)s 件异议待核实，继续暂停公示") % {
        "open": data["open_objections"]
    }


def _confirmed(data: dict, application: Application) -> str:
    return _("公示期满无异议，确认奖励 %(amount)s 元") % {"amount": _money(data["amount"])}


def _scheduled(data: dict, application: Application) -> str:
    return _("安排兑付年度：%(year)s 年") % {"year": data["pay_year"]}


def _unscheduled(data: dict, application: Application) -> str:
    return _("撤销兑付安排（原兑付年度 %(year)s 年）") % {"year": data["from_pay_year"]}


def _rescheduled(data: dict, application: Application) -> str:
    return _("调整兑付年度：%(from)s 年 → %(to)s 年") % {
        "from": data["from_pay_year"],
        "to": data["pay_year"],
    }


def _paid(data: dict, application: Application) -> str:
    return _("登记兑付：%(date)s，凭证号 %(reference)s") % {
        "date": data["paid_at"],
        "reference": data["payment_reference"],
    }


def _evidence(data: dict, application: Application) -> str:
    return _("上传证明材料：%(label)s v%(version)s（%(size)s）") % {
        "label": policy.evidence_label(application.item, data["kind"]),
        "version": data["version"],
        "size": filesizeformat(data["size"]),
    }


def _overridden(data: dict, application: Application) -> str:
    params = {
        "computed": _money(data["computed_amount"]),
        "amount": _money(data["amount"]),
    }
    if "from_amount" in data:
        return _("调整批准金额：%(from)s 元 → %(amount)s 元（规则计算 %(computed)s 元）") % {
            **params,
            "from": _money(data["from_amount"]),
        }
    return _("批准金额调整为 %(amount)s 元（规则计算 %(computed)s 元）") % params


def _repriced(data: dict, application: Application) -> str:
    return _("同一成果的其他奖励已变更，按规则重新计算：%(from)s 元 → %(amount)s 元") % {
        "from": _money(data["from_amount"]),
        "amount": _money(data["amount"]),
    }


def _reprice_flagged(data: dict, application: Application) -> str:
    return _(
        "同一成果的其他奖励已变更，按规则应为 %(amount)s 元（现批准 %(from)s 元），待市级核定"
    ) % {"from": _money(data["from_amount"]), "amount": _money(data["amount"])}


def _reprice_accepted(data: dict, application: Application) -> str:
    return _("采用重新计算的金额：%(from)s 元 → %(amount)s 元") % {
        "from": _money(data["from_amount"]),
        "amount": _money(data["amount"]),
    }


def _reprice_dismissed(data: dict, application: Application) -> str:
    return _("维持原批准金额 %(amount)s 元") % {"amount": _money(data["amount"])}


def _topup_created(data: dict, application: Application) -> str:
    return _("已兑付金额少于按规则应得，另立补差申报（差额 %(amount)s 元）") % {
        "amount": _money(data["shortfall"])
    }


def _topup_opened(data: dict, application: Application) -> str:
    return _("补差申报：原申报已兑付，差额 %(amount)s 元") % {"amount": _money(data["shortfall"])}


def _recovery(data: dict, application: Application) -> str:
    return _("已兑付金额多于按规则应得，登记追回 %(amount)s 元") % {
        "amount": _money(data["recovery"])
    }


# Document kinds as the documents package names them (applicants does not import awards).
def _document_kinds() -> dict[str, str]:
    return {
        "approval": _("奖励资金审批表"),
        "batch": _("兑现资金汇总表"),
        "receipt": _("申报回执"),
    }


def _document(data: dict, application: Application) -> str:
    kind = _document_kinds().get(data.get("kind", ""), _("文书"))
    if data.get("supersedes"):
        return _("生成%(kind)s（验证码 %(code)s，取代 %(old)s）") % {
            "kind": kind,
            "code": data.get("code", ""),
            "old": data["supersedes"],
        }
    return _("生成%(kind)s（验证码 %(code)s）") % {"kind": kind, "code": data.get("code", "")}


def _budget(data: dict, application: Application) -> str:
    return _("设置 %(year)s 年度预算 %(amount)s 元") % {
        "year": data["year"],
        "amount": _money(data["amount"]),
    }


def _programme(data: dict) -> str:
    return programme_name(str(data.get("programme", "")))


def _match_proposed_here(data: dict, application: Application) -> str:
    return _("平台依据市级奖励 %(ref)s（%(city)s 元）生成%(programme)s %(amount)s 元，免申即享") % {
        "ref": data["city_reference"],
        "city": _money(data["city_amount"]),
        "programme": _programme(data),
        "amount": _money(data["amount"]),
    }


def _match_proposed_on_city_case(data: dict, application: Application) -> str:
    return _("已生成%(programme)s %(amount)s 元（%(ref)s），待县区确认") % {
        "programme": _programme(data),
        "amount": _money(data["amount"]),
        "ref": data["match_reference"],
    }


def _match_none(data: dict, application: Application) -> str:
    lang = "en" if (translation.get_language() or "").startswith("en") else "zh"
    reasons = [
        str(r.get(lang, r.get("zh", ""))) if isinstance(r, dict) else str(r)
        for r in data.get("reasons") or []
    ]
    text = _("%(programme)s不适用") % {"programme": _programme(data)}
    return f"{text}：{'；'.join(reasons)}" if reasons else text


def _match_confirmed(data: dict, application: Application) -> str:
    return _("县区确认%(programme)s %(amount)s 元") % {
        "programme": _programme(data),
        "amount": _money(data["amount"]),
    }


def _fixed(text: Callable[[], str]) -> Callable[[dict, Application], str]:
    return lambda data, application: text()


# Each action's sentence from its data; an action without an entry reads as its label.
_SENTENCES: dict[str, Callable[[dict, Application], str]] = {
    "submit": _submitted,
    "resubmit": _resubmitted,
    # Its own context: "县区初审推荐" is also a permission's name, which reads differently.
    "recommend": _fixed(lambda: pgettext("history", "县区初审推荐")),
    "county_reject": _fixed(lambda: _("县区初审不予推荐")),
    "review": _fixed(lambda: _("市级复审通过")),
    "approve": _approved,
    "announce": _announced,
    "object": _fixed(lambda: _("公示期间收到异议，暂停公示，异议核实中")),
    "objection_added": _fixed(lambda: _("公示异议核实期间又收到一件异议")),
    "objection_dismiss": _objection_dismissed,
    "objection_dismissed": _objection_one_dismissed,
    "objection_uphold": _fixed(lambda: _("异议成立，退回市级复审")),
    "objection_reject": _fixed(lambda: _("异议成立，不予支持")),
    "confirm": _confirmed,
    "schedule": _scheduled,
    "unschedule": _unscheduled,
    "reschedule": _rescheduled,
    "pay": _paid,
    "evidence_added": _evidence,
    "override": _overridden,
    "reprice": _repriced,
    "reprice_flagged": _reprice_flagged,
    "reprice_accepted": _reprice_accepted,
    "reprice_dismissed": _reprice_dismissed,
    "topup_case_created": _topup_created,
    "topup_case_opened": _topup_opened,
    "recovery_recorded": _recovery,
    "budget_set": _budget,
    "document_rendered": _document,
    "match_propose": _match_proposed_here,
    "match_proposed": _match_proposed_on_city_case,
    "match_none": _match_none,
    "match_confirm": _match_confirmed,
    "match_reject": _fixed(lambda: _("县区不予同步奖励")),
}


def _details(event: CaseEvent, data: dict) -> list[tuple[str, str]]:
    """The record itself, for the folded view: number, action key, states, data, hashes."""
    lines = [
        (_("记录编号"), f"#{event.pk}"),
        (_("操作代码"), event.action),
    ]
    if event.from_status or event.to_status:
        lines.append((_("状态代码"), f"{event.from_status or '—'} → {event.to_status or '—'}"))
    lines.extend((key, "" if value is None else str(value)) for key, value in data.items())
    lines.append((_("本条哈希"), event.hash))
    lines.append((_("上一条哈希"), event.prev_hash))
    return lines
