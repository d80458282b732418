"""Notifications in templates: each worded in the page's language, and the unread count."""

from django import template

from applicants.models import Notification, User
from applicants.notices import notice_text

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
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()
