"""Tell the enterprise and the next reviewer about each step, in the portal and by email."""

import logging

from django.core.mail import send_mass_mail
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext as _

from applicants.models import Application, Notification, Status, User
from applicants.roles import Role

logger = logging.getLogger(__name__)

# Who acts next once a case reaches a state.
_NEXT_ROLE: dict[str, Role] = {
    Status.SUBMITTED: Role.COUNTY_REVIEWER,
    Status.RECOMMENDED: Role.CITY_REVIEWER,
    Status.REVIEWED: Role.CITY_REVIEWER,
    Status.APPROVED: Role.CITY_REVIEWER,
    Status.CONFIRMED: Role.FINANCE,
    Status.SCHEDULED: Role.FINANCE,
}


def _recipients(application: Application) -> list[User]:
    members = Q(enterprise_id=application.enterprise_id)
    next_role = _NEXT_ROLE.get(application.status)
    reviewers = Q(pk__in=[])
    if next_role == Role.COUNTY_REVIEWER:
        reviewers = Q(role=next_role, jurisdiction=application.jurisdiction)
    elif next_role is not None:
        reviewers = Q(role=next_role)
    return list(User.objects.filter(members | reviewers, is_active=True))


# Actions whose reason is text from the public (an objection): shown in the portal, never mailed
# from the portal's address, so the form cannot be used to send anyone a message "from" us.
_PUBLIC_TEXT_ACTIONS = frozenset({"object"})


def notify_case_transition(*, application_id: int, action: str, reason: str = "") -> None:
    """Write a portal notification and send an email to everyone concerned (after commit)."""
    application = Application.objects.select_related("enterprise").get(pk=application_id)
    with translation.override("zh-hans"):
        message = _("申报 %(ref)s「%(project)s」状态更新为：%(status)s。") % {
            "ref": application.reference,
            "project": application.project_name,
            "status": Status(application.status).label,
        }
        mail_body = message
        if reason:
            message += _("理由：%(reason)s") % {"reason": reason}
            if action not in _PUBLIC_TEXT_ACTIONS:
                mail_body = message
            else:
                mail_body += _("详情请登录平台查看。")
        subject = _("【信阳数据产业奖补平台】申报状态更新")
    recipients = _recipients(application)
    Notification.objects.bulk_create(
        [Notification(recipient=u, application=application, message=message) for u in recipients]
    )
    emails = sorted({u.email for u in recipients if u.email})
    if emails:
        try:
            # One message per recipient: nobody learns the other recipients' addresses.
            send_mass_mail([(subject, mail_body, None, [email]) for email in emails])
        except OSError:
            # The portal notification is written; a mail server outage must not undo the step.
            logger.exception("notification email for case %s not sent", application_id)
