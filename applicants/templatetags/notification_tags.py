"""Notifications in templates: each worded in the page's language, and the unread count."""

from django import template
from django.db.models import Count, QuerySet

from applicants.models import Notification, User
from applicants.notices import notice_text
from portal.compiled import fetch_compiled

register = template.Library()


@register.filter
def notice(notification: Notification) -> str:
    """The notification in the active language (its stored text when it has no code)."""
    return notice_text(notification.code, notification.params) or notification.message


@register.simple_tag
def unread_notification_count(user: User) -> int:
    """How many of the user's notifications are unread (one query; 0 when signed out)."""
    if not getattr(user, "is_authenticated", False):
        return 0
    counted = fetch_compiled("unread_notifications", _unread_count, user=user.pk)
    return counted[0] if counted else 0


def _unread_count(user: int) -> QuerySet[Notification, int]:
    # A count as a one-row list (none when nothing is unread), so it can be compiled once.
    return (
        Notification.objects.filter(recipient_id=user, read_at__isnull=True)
        .values("recipient_id")
        .annotate(unread=Count("pk"))
        .values_list("unread", flat=True)
    )
