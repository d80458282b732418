"""The words of notifications, by code: stored as a code and parameters, worded when read.

A notification is read in whatever language its reader has chosen when they open the page, so it
keeps no translated text of its own; `notice_text` words it in the active language. People's own
words (a reason) stay as they typed them.
"""

from collections.abc import Mapping

from django.utils.translation import gettext as _

from applicants.models import Status
from applicants.verification.notices import IDENTITY, identity_text
from applicants.winners.notices import WINNER_DRAFT, winner_draft_text

CASE_STATUS = "case_status"
# One message per enterprise per payout plan run: each of its awards whose pay year changed.
PAYOUT_PLAN = "payout_plan"


def notice_params_for_case(
    *, reference: str, project_name: str, status: str, reason: str = ""
) -> dict[str, str]:
    """The parameters of a CASE_STATUS notification: the case, the state it reached, the reason."""
    return {"ref": reference, "project": project_name, "status": status, "reason": reason}


def _case_status(params: Mapping[str, str]) -> str:
    status = params["status"]
    text = _("申报 %(ref)s「%(project)s」状态更新为：%(status)s。") % {
        "ref": params["ref"],
        "project": params["project"],
        "status": Status(status).label if status in Status.values else status,
    }
    if params.get("reason"):
        text += _("理由：%(reason)s") % {"reason": params["reason"]}
    return text


def _payout_plan(params: Mapping[str, object]) -> str:
    parts = []
    for case in params["cases"]:  # type: ignore[attr-defined]
        names = {"ref": case["ref"], "project": case["project"], "year": case["year"]}
        if case["year"] is None:
            parts.append(_("申报 %(ref)s「%(project)s」排队等待后续年度预算") % names)
        else:
            parts.append(_("申报 %(ref)s「%(project)s」安排在 %(year)s 年度兑付") % names)
    text = _("兑付安排更新：%(cases)s。") % {"cases": _("；").join(parts)}
    listed, total = len(parts), int(params.get("total") or len(parts))  # type: ignore[call-overload]
    if total > listed:
        text += _("另有 %(more)s 项，详见“我的申报”。") % {"more": total - listed}
    return text


_TEXTS = {
    CASE_STATUS: _case_status,
    PAYOUT_PLAN: _payout_plan,
    IDENTITY: identity_text,
    WINNER_DRAFT: winner_draft_text,
}


def notice_text(code: str, params: Mapping[str, object]) -> str:
    """The notification worded in the active language; "" for an unknown code or broken params."""
    render = _TEXTS.get(code)
    if render is None:
        return ""
    try:
        return render(params)  # type: ignore[arg-type]
    except (KeyError, TypeError):
        return ""
