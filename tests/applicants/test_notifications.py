"""Notifications: one per step and recipient, worded in the reader's language, linked in the nav."""

from collections import Counter

import pytest
from django.core import mail
from django.db import transaction
from django.urls import reverse

from applicants.models import Notification, Status
from applicants.notices import CASE_STATUS
from applicants.roles import Role
from awards.services.decisions import case_decide
from tests.awards.helpers import city_user
from tests.factories import ApplicationFactory, make_user, sign_in

pytestmark = pytest.mark.django_db

PAGE = reverse("awards:notifications")


def test_steps_taken_in_one_transaction_each_tell_their_own_state(
    django_capture_on_commit_callbacks,
):
    """The demo (and any caller) may take several steps before commit: one announcement of a case
    used to make five identical "公示中" notifications, each step reading the final status."""
    case = ApplicationFactory(status=Status.SUBMITTED)
    county = make_user(Role.COUNTY_REVIEWER, jurisdiction=case.jurisdiction)
    city = city_user()
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        case_decide(application_id=case.pk, action="recommend", actor=county)
        case_decide(application_id=case.pk, action="review", actor=city)
        case_decide(application_id=case.pk, action="approve", actor=city)
        case_decide(application_id=case.pk, action="announce", actor=city)
    member = case.created_by
    told = Notification.objects.filter(recipient=member)
    assert [n.params["status"] for n in told.order_by("id")] == [
        Status.RECOMMENDED,
        Status.REVIEWED,
        Status.APPROVED,
        Status.ANNOUNCED,
    ]
    per_text = Counter((n.recipient_id, n.message) for n in Notification.objects.all())
    assert max(per_text.values()) == 1, per_text
    assert told.filter(message__contains="公示中").count() == 1
    # Mail stays one message per recipient and step, each to one address.
    assert len(mail.outbox) == Notification.objects.exclude(recipient__email="").count()
    assert {len(m.to) for m in mail.outbox} == {1}


def test_a_notification_is_worded_in_the_page_language(client, enterprise_user):
    case = ApplicationFactory(status=Status.SUBMITTED, enterprise=enterprise_user.enterprise)
    Notification.objects.create(
        recipient=enterprise_user,
        application=case,
        message="申报 XY「项目」状态更新为：退回补正。",
        code=CASE_STATUS,
        params={
            "ref": "XY-2025-000001",
            "project": "茶园数据",
            "status": "returned",
            "reason": "缺证书",
        },
    )
    sign_in(client, enterprise_user)
    html = client.get(PAGE).content.decode()
    assert "申报 XY-2025-000001「茶园数据」状态更新为：退回补正。理由：缺证书" in html
    client.cookies["django_language"] = "en"
    html = client.get(PAGE).content.decode()
    assert "XY-2025-000001" in html
    assert "Returned for revision" in html
    assert "退回补正" not in html
    assert "缺证书" in html  # a person's own words are not translated
    # A row written before codes keeps showing its stored text.
    Notification.objects.create(recipient=enterprise_user, message="旧的通知文字")
    assert "旧的通知文字" in client.get(PAGE).content.decode()


def test_the_enterprise_reaches_its_notifications_from_the_navigation_with_the_unread_count(
    client, enterprise_user
):
    case = ApplicationFactory(status=Status.SUBMITTED, enterprise=enterprise_user.enterprise)
    for _ in range(3):
        Notification.objects.create(recipient=enterprise_user, application=case, message="已受理")
    Notification.objects.create(recipient=make_user(Role.CITY_REVIEWER), message="别人的")
    sign_in(client, enterprise_user)
    html = client.get(reverse("home")).content.decode()
    assert f'href="{PAGE}" id="nav-notifications"' in html
    assert '<span class="badge rounded-pill bg-danger" id="nav-unread-count">3' in html
    page = client.get(PAGE).content.decode()
    # The enterprise's notification opens (and reads) its own case page.
    first = Notification.objects.filter(recipient=enterprise_user).first()
    assert reverse("awards:notification_open", args=[first.pk]) in page
    opened = client.get(reverse("awards:notification_open", args=[first.pk]))
    assert opened["Location"] == reverse("applicants:detail", args=[case.pk])
    assert '<span class="badge rounded-pill bg-danger" id="nav-unread-count">2' in (
        client.get(reverse("home")).content.decode()
    )
    client.post(PAGE)
    assert 'id="nav-unread-count"' not in client.get(reverse("home")).content.decode()


def test_officials_see_the_unread_count_in_the_navigation_too(client, county_reviewer):
    Notification.objects.create(recipient=county_reviewer, message="待初审")
    sign_in(client, county_reviewer)
    html = client.get(reverse("awards:queue")).content.decode()
    assert 'id="nav-notifications"' in html
    assert 'id="nav-unread-count">1' in html
