"""Each step tells the enterprise and the next reviewer; each user reads their own notifications."""

import pytest
from django.urls import reverse

from applicants.errors import Conflict
from applicants.models import Notification, Status
from applicants.roles import Role
from awards.services.decisions import case_decide
from tests.factories import ApplicationFactory, make_user, sign_in

pytestmark = pytest.mark.django_db

PAGE = reverse("awards:notifications")


def test_a_recommendation_tells_the_enterprise_and_the_city(
    county_reviewer, django_capture_on_commit_callbacks
):
    case = ApplicationFactory(status=Status.SUBMITTED)
    city = make_user(Role.CITY_REVIEWER)
    finance = make_user(Role.FINANCE)
    with django_capture_on_commit_callbacks(execute=True):
        case_decide(application_id=case.pk, action="recommend", actor=county_reviewer)
    told = set(Notification.objects.values_list("recipient_id", flat=True))
    assert told == {case.created_by_id, city.pk}
    assert finance.pk not in told


def test_nothing_is_told_when_a_decision_is_refused(
    city_reviewer, django_capture_on_commit_callbacks
):
    case = ApplicationFactory(status=Status.RECOMMENDED)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(Conflict):
        case_decide(application_id=case.pk, action="approve", actor=city_reviewer)
    assert not Notification.objects.exists()


def test_users_see_only_their_own_notifications_and_can_mark_them_read(
    client, county_reviewer, city_reviewer
):
    case = ApplicationFactory(status=Status.SUBMITTED)
    Notification.objects.create(recipient=county_reviewer, application=case, message="给县区的通知")
    Notification.objects.create(recipient=city_reviewer, application=case, message="给市级的通知")
    sign_in(client, county_reviewer)
    html = client.get(PAGE).content.decode()
    assert "给县区的通知" in html
    assert "给市级的通知" not in html
    mine = Notification.objects.get(recipient=county_reviewer)
    assert reverse("awards:notification_open", args=[mine.pk]) in html
    client.post(PAGE)
    assert not Notification.objects.filter(recipient=county_reviewer, read_at__isnull=True).exists()
    assert Notification.objects.filter(recipient=city_reviewer, read_at__isnull=True).exists()


def test_enterprise_users_read_their_notifications_without_review_links(client, enterprise_user):
    case = ApplicationFactory(status=Status.SUBMITTED, enterprise=enterprise_user.enterprise)
    Notification.objects.create(recipient=enterprise_user, application=case, message="已受理")
    sign_in(client, enterprise_user)
    response = client.get(PAGE)
    assert response.status_code == 200
    html = response.content.decode()
    assert "已受理" in html
    assert "/review/cases/" not in html


def test_opening_a_notification_reads_it_and_opens_its_case(client, enterprise_user, city_reviewer):
    case = ApplicationFactory(status=Status.SUBMITTED, enterprise=enterprise_user.enterprise)
    notice = Notification.objects.create(
        recipient=enterprise_user, application=case, message="已受理"
    )
    other = Notification.objects.create(recipient=city_reviewer, application=case, message="市级")
    sign_in(client, enterprise_user)
    response = client.get(reverse("awards:notification_open", args=[notice.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("applicants:detail", args=[case.pk])
    notice.refresh_from_db()
    assert notice.read_at is not None
    # Another's notification: neither opened nor marked.
    assert client.get(reverse("awards:notification_open", args=[other.pk])).status_code == 404
    other.refresh_from_db()
    assert other.read_at is None
    sign_in(client, city_reviewer)
    opened = client.get(reverse("awards:notification_open", args=[other.pk]))
    assert opened["Location"] == reverse("awards:case_detail", args=[case.pk])


def test_the_dashboard_counts_unread_notifications(client, city_reviewer):
    Notification.objects.create(recipient=city_reviewer, message="一")
    Notification.objects.create(recipient=city_reviewer, message="二")
    sign_in(client, city_reviewer)
    response = client.get(reverse("home"))
    assert response.context["dashboard"].panels["unread_notifications"] == 2
    assert 'id="notifications-link"' in response.content.decode()
