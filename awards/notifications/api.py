"""Notifications over the API: the caller's own, worded in the request's language, and marking
them read (one, or all). Another user's notification is a 404."""

from typing import Any, cast

import django_filters
from django.http import Http404
from django.urls import reverse
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from applicants.models import Notification, User
from applicants.notices import notice_text
from applicants.roles import OFFICIAL_ROLES
from applicants.services.notifications import notification_mark_read, notifications_mark_all_read
from awards.selectors import notifications_for


class NotificationFilter(django_filters.FilterSet):
    unread = django_filters.BooleanFilter(
        method="filter_unread", help_text="Only the unread (true) or only the read (false)."
    )

    class Meta:
        model = Notification
        fields = ["unread"]

    def filter_unread(self, queryset: Any, name: str, value: bool) -> Any:
        return queryset.filter(read_at__isnull=value)


class NotificationSerializer(serializers.ModelSerializer):
    text = serializers.SerializerMethodField()
    reference = serializers.SerializerMethodField()
    case_url = serializers.SerializerMethodField()

    class Meta:
        model = Notification
        fields = [
            "id",
            "code",
            "params",
            "text",
            "application",
            "reference",
            "case_url",
            "created_at",
            "read_at",
        ]
        read_only_fields = fields

    def get_text(self, notification: Notification) -> str:
        """The message in the request's language (as written, for rows older than codes)."""
        return notice_text(notification.code, notification.params) or notification.message

    def get_reference(self, notification: Notification) -> str | None:
        return notification.application.reference if notification.application else None

    def get_case_url(self, notification: Notification) -> str | None:
        """The case in this API: the review API for officials, the enterprise's own otherwise."""
        if notification.application_id is None:
            return None
        user = self.context["request"].user
        if user.role in OFFICIAL_ROLES:
            return reverse("case-detail", args=[notification.application_id])
        return reverse("applicants-api-application", args=[notification.application_id])


def _mine(request: Request) -> Any:
    return notifications_for(user=cast(User, request.user))


class NotificationListApi(generics.ListAPIView):
    """The caller's notifications, newest first."""

    serializer_class = NotificationSerializer
    filterset_class = NotificationFilter
    queryset = Notification.objects.none()

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return _mine(self.request)


class NotificationReadApi(APIView):
    """Mark one notification read (again: no change)."""

    @extend_schema(request=None, responses=NotificationSerializer)
    def post(self, request: Request, pk: int) -> Response:
        notification = notification_mark_read(user=cast(User, request.user), notification_id=pk)
        if notification is None:
            raise Http404
        return Response(NotificationSerializer(notification, context={"request": request}).data)


class ReadAllOutputSerializer(serializers.Serializer):
    marked = serializers.IntegerField(help_text="How many were unread until now.")


class NotificationReadAllApi(APIView):
    """Mark every unread notification of the caller read."""

    @extend_schema(request=None, responses=ReadAllOutputSerializer)
    def post(self, request: Request) -> Response:
        marked = notifications_mark_all_read(user=cast(User, request.user))
        return Response({"marked": marked})
