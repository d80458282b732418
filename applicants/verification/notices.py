"""Notifications of identity checks: stored as a code and parameters, worded when read."""

from collections.abc import Iterable, Mapping

from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from applicants.models import Notification, User

IDENTITY = "identity"

# event → the sentence (the enterprise's name and, where there is one, a masked account).
_EVENTS = {
    "registered": gettext_lazy("新的单位身份核验待处理：%(enterprise)s。"),
    "licence_resubmitted": gettext_lazy("%(enterprise)s 重新上传了营业执照，待县区核验。"),
    "verified": gettext_lazy("贵单位“%(enterprise)s”已通过县区身份核验，现在可以提交申报。"),
    "refused": gettext_lazy(
        "贵单位“%(enterprise)s”身份核验未通过，可在工作台重新上传营业执照后再次申请核验。"
    ),
    "claim_opened": gettext_lazy("有人认领已注册的单位“%(enterprise)s”，待县区处理。"),
    "claim_upheld": gettext_lazy(
        "您对“%(enterprise)s”的认领已成立：您现在可以代表该单位办理申报。"
    ),
    "claim_dismissed": gettext_lazy("您对“%(enterprise)s”的认领不成立。"),
    "bank_change_requested": gettext_lazy("“%(enterprise)s”申请变更收款账户，待县区确认。"),
    "bank_change_confirmed": gettext_lazy(
        "贵单位“%(enterprise)s”的收款账户已变更为 %(bank)s %(account)s，"
        "此后新建的拨付批次付至该账户。"
    ),
    "bank_change_refused": gettext_lazy(
        "贵单位“%(enterprise)s”的收款账户变更申请未予确认，仍使用原账户。"
    ),
}


def identity_text(params: Mapping[str, object]) -> str:
    """The notification worded in the active language (KeyError for an unknown event)."""
    text = str(_EVENTS[str(params["event"])]) % {
        "enterprise": params["enterprise"],
        "bank": params.get("bank", ""),
        "account": params.get("account", ""),
    }
    if params.get("reason"):
        text += _("理由：%(reason)s") % {"reason": params["reason"]}
    return text


def identity_notify(
    *,
    users: Iterable[User],
    event: str,
    enterprise: str,
    reason: str = "",
    bank: str = "",
    account: str = "",
) -> None:
    """A portal notification to each active user, and one mail each once the change commits."""
    # Imported here: that module imports applicants.notices, which imports this one.
    from applicants.services.notifications import mail_on_commit

    recipients = [u for u in users if u.is_active]
    if not recipients:
        return
    params = {
        "event": event,
        "enterprise": enterprise,
        "reason": reason,
        "bank": bank,
        "account": account,
    }
    with translation.override("zh-hans"):
        message = identity_text(params)
        subject = _("【信阳数据产业奖补平台】单位身份核验")
    with transaction.atomic():
        Notification.objects.bulk_create(
            [
                Notification(recipient=u, message=message, code=IDENTITY, params=params)
                for u in recipients
            ]
        )
        mail_on_commit([(u.email, subject, message) for u in recipients if u.email])
