"""Tell the enterprise and the next reviewer about each step, in the portal and by email.

The portal notifications are written here, in the after-commit step of the change; the mail
leaves the request: one Celery task per recipient, enqueued once the notifications commit.
"""

from functools import partial

from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from applicants.models import Application, Notification, Status, User
from applicants.notices import CASE_STATUS, PAYOUT_PLAN, notice_params_for_case, notice_text
from applicants.roles import COUNTY_ROLES, Role
from applicants.tasks import send_notification_mail

# Who acts next once a case reaches a state.
_NEXT_ROLE: dict[str, Role] = {
    Status.SUBMITTED: Role.COUNTY_REVIEWER,
    Status.PROPOSED: Role.COUNTY_REVIEWER,
    Status.RECOMMENDED: Role.CITY_REVIEWER,
    Status.REVIEWED: Role.CITY_REVIEWER,
    Status.APPROVED: Role.CITY_REVIEWER,
    # An objection holds the case: the city checks it.
    Status.HELD: Role.CITY_REVIEWER,
    Status.CONFIRMED: Role.FINANCE,
    Status.SCHEDULED: Role.FINANCE,
}


def _recipients(application: Application, status: str) -> list[User]:
    members = Q(enterprise_id=application.enterprise_id)
    next_role = _NEXT_ROLE.get(status)
    if application.is_match and next_role == Role.FINANCE:
        # A county's matching reward is paid by that county's finance, not the city's.
        next_role = Role.COUNTY_FINANCE
    reviewers = Q(pk__in=[])
    if next_role in COUNTY_ROLES:
        reviewers = Q(role=next_role, jurisdiction=application.jurisdiction)
    elif next_role is not None:
        reviewers = Q(role=next_role)
    return list(User.objects.filter(members | reviewers, is_active=True).distinct())


# Actions whose reason is text from the public (an objection): shown in the portal, never mailed
# from the portal's address, so the form cannot be used to send anyone a message "from" us.
_PUBLIC_TEXT_ACTIONS = frozenset({"object", "objection_added"})


def notify_case_transition(
    *, application_id: int, action: str, status: str, reason: str = ""
) -> None:
    """Write a portal notification for everyone concerned and queue a mail to each (after commit).

    `status` is the state this transition reached. The case is read after commit, when several
    steps taken in one transaction have all happened: its status then is the last step's, and
    reading it made every step announce the last one (five identical "公示中" for one case).
    """
    application = Application.objects.select_related("enterprise").get(pk=application_id)
    params = notice_params_for_case(
        reference=application.reference,
        project_name=application.project_name,
        status=status,
        reason=reason,
    )
    # Stored in Chinese for search and the admin; the page words it in the reader's language.
    with translation.override("zh-hans"):
        message = notice_text(CASE_STATUS, params)
        mail_body = message
        if reason and action in _PUBLIC_TEXT_ACTIONS:
            mail_body = notice_text(CASE_STATUS, {**params, "reason": ""}) + _(
                "详情请登录平台查看。"
            )
        subject = _("【信阳数据产业奖补平台】申报状态更新")
    recipients = _recipients(application, status)
    emails = sorted({u.email for u in recipients if u.email})
    with transaction.atomic():
        Notification.objects.bulk_create(
            [
                Notification(
                    recipient=u,
                    application=application,
                    message=message,
                    code=CASE_STATUS,
                    params=params,
                )
                for u in recipients
            ]
        )
        mail_on_commit([(email, subject, mail_body) for email in emails])


def mail_on_commit(mails: list[tuple[str, str, str]]) -> None:
    """Queue one mail task per (address, subject, body) once the notifications are committed.

    Robust: a broker that refuses the message is logged and must neither turn the committed step
    into an error page nor keep the other recipients' mail from being queued.
    """
    for recipient, subject, body in mails:
        transaction.on_commit(
            partial(send_notification_mail.delay, recipient, subject, body), robust=True
        )


PLAN_NOTICE_CASES = 10


def notify_enterprises_of_plan(changes: dict[int, list[dict]]) -> int:
    """One notification per enterprise member for a payout plan run, and one queued mail each.

    `changes` maps an enterprise id to its cases whose pay year changed:
    [{"id", "ref", "project", "year"}] (year None: queued). Returns the notifications written.
    """
    if not changes:
        return 0
    members = User.objects.filter(enterprise_id__in=list(changes), is_active=True).order_by("pk")
    notifications = []
    mails = []
    with translation.override("zh-hans"):
        subject = _("【信阳数据产业奖补平台】兑付安排更新")
        for user in members:
            cases = changes[user.enterprise_id]  # type: ignore[index]
            # A long list is cut: the message names the first cases and counts the rest.
            params = {
                "cases": [
                    {k: c[k] for k in ("ref", "project", "year")} for c in cases[:PLAN_NOTICE_CASES]
                ],
                "total": len(cases),
            }
            message = notice_text(PAYOUT_PLAN, params)
            notifications.append(
                Notification(
                    recipient=user,
                    # One case opens that case; several open the enterprise's list.
                    application_id=cases[0]["id"] if len(cases) == 1 else None,
                    message=message,
                    code=PAYOUT_PLAN,
                    params=params,
                )
            )
            if user.email:
                mails.append((user.email, subject, message))
    with transaction.atomic():
        Notification.objects.bulk_create(notifications, batch_size=2000)
        mail_on_commit(mails)
    return len(notifications)


def notification_mark_read(*, user: User, notification_id: int) -> Notification | None:
    """The user's own notification, read now if it was not (None: not theirs, or not there)."""
    notification = (
        Notification.objects.filter(recipient=user, pk=notification_id)
        .select_related("application")
        .first()
    )
    if notification is not None and notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


def notifications_mark_all_read(*, user: User) -> int:
    """Mark every unread notification of the user read; how many were unread."""
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )
