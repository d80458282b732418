"""公示: the period, the public list, objections back to city review, confirmation after the end."""

import datetime
from unittest import mock

import pytest
from django.urls import reverse
from django.utils import timezone

from applicants.errors import ServiceError
from applicants.models import CaseEvent, Notification, Status
from applicants.roles import Role
from awards.errors import ANNOUNCEMENT_CLOSED, TOO_MANY_OBJECTIONS
from awards.models import Award, Objection
from awards.services.announcements import objection_file
from awards.services.decisions import case_decide
from rules import load_rulebook
from tests.awards.helpers import case_in, end_announcement
from tests.factories import make_user

pytestmark = pytest.mark.django_db

GONGSHI = reverse("gongshi:list")


def _objection_url(case) -> str:
    return reverse("gongshi:objection", args=[case.pk])


VALID_OBJECTION = {
    "name": "王五",
    "contact": "13800000000",
    "text": "该项目获奖证书与实际不符，请核查。",
}


@pytest.mark.parametrize("days", [7, 10])
def test_announcing_opens_the_configured_number_of_days(city_reviewer, settings, days):
    settings.ANNOUNCEMENT_DAYS = days
    case = case_in(Status.APPROVED)
    case_decide(application_id=case.pk, action="announce", actor=city_reviewer)
    award = Award.objects.get(application=case)
    today = timezone.localdate()
    assert award.announcement_days == days
    assert award.announcement_starts_on == today
    assert award.announcement_ends_on == today + datetime.timedelta(days=days - 1)
    event = CaseEvent.objects.get(application=case, action="announce")
    assert event.data["announcement_days"] == days


def test_the_public_list_shows_announced_awards_without_login(client):
    announced = case_in(Status.ANNOUNCED)
    approved = case_in(Status.APPROVED)
    over = case_in(Status.ANNOUNCED)
    end_announcement(over)
    response = client.get(GONGSHI)
    html = response.content.decode()
    assert response.status_code == 200
    assert announced.enterprise.name in html
    assert "¥100,000.00" in html
    assert load_rulebook().latest.items["contest_provincial"].title_zh in html
    assert approved.enterprise.name not in html
    assert over.enterprise.name not in html
    award = announced.award
    assert award.announcement_ends_on.isoformat() in html


def test_an_objection_sends_the_case_back_to_city_review_and_tells_the_city(
    client, django_capture_on_commit_callbacks
):
    case = case_in(Status.ANNOUNCED)
    city = make_user(Role.CITY_REVIEWER)
    Notification.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_objection_url(case), VALID_OBJECTION, REMOTE_ADDR="203.0.113.9")
    assert response.status_code == 302
    assert response.url == GONGSHI
    case.refresh_from_db()
    assert case.status == Status.REVIEWED
    objection = Objection.objects.get()
    assert (objection.name, objection.ip_address) == ("王五", "203.0.113.9")
    event = CaseEvent.objects.get(application=case, action="object")
    assert event.actor is None
    assert event.actor_role == "system"
    assert event.reason == VALID_OBJECTION["text"]
    assert event.data == {"objection_id": objection.pk}
    assert Notification.objects.filter(recipient=city, application=case).exists()
    assert Notification.objects.filter(recipient=case.created_by).exists()
    assert case.enterprise.name not in client.get(GONGSHI).content.decode()


@pytest.mark.parametrize(
    "data",
    [
        {},
        {**VALID_OBJECTION, "text": "太短"},
        {**VALID_OBJECTION, "name": "x" * 51},
        {**VALID_OBJECTION, "contact": ""},
        {**VALID_OBJECTION, "text": "x" * 2001},
        {**VALID_OBJECTION, "text": "含有空字符\x00的异议内容内容内容"},
    ],
)
def test_bad_objections_are_400_and_change_nothing(client, data):
    case = case_in(Status.ANNOUNCED)
    response = client.post(_objection_url(case), data)
    assert response.status_code == 400
    case.refresh_from_db()
    assert case.status == Status.ANNOUNCED
    assert not Objection.objects.exists()


def test_objections_outside_the_period_or_to_unknown_cases_are_404(client):
    approved = case_in(Status.APPROVED)
    over = case_in(Status.ANNOUNCED)
    end_announcement(over)
    for url in (_objection_url(approved), _objection_url(over), "/gongshi/999999/objection/"):
        assert client.get(url).status_code == 404
        assert client.post(url, VALID_OBJECTION).status_code == 404
    assert not Objection.objects.exists()
    with pytest.raises(ServiceError) as error:
        objection_file(application_id=over.pk, **VALID_OBJECTION)
    assert error.value.message == ANNOUNCEMENT_CLOSED


def test_objections_are_throttled_per_address(client, settings):
    settings.OBJECTIONS_PER_HOUR = 2
    cases = [case_in(Status.ANNOUNCED) for _ in range(3)]
    for case in cases[:2]:
        response = client.post(_objection_url(case), VALID_OBJECTION, REMOTE_ADDR="198.51.100.7")
        assert response.status_code == 302
    third = client.post(_objection_url(cases[2]), VALID_OBJECTION, REMOTE_ADDR="198.51.100.7")
    assert third.status_code == 400
    assert str(TOO_MANY_OBJECTIONS) in third.content.decode()
    other = client.post(_objection_url(cases[2]), VALID_OBJECTION, REMOTE_ADDR="198.51.100.8")
    assert other.status_code == 302


def test_confirm_is_refused_until_the_period_has_ended(city_reviewer):
    case = case_in(Status.ANNOUNCED)
    with pytest.raises(ServiceError) as error:
        case_decide(application_id=case.pk, action="confirm", actor=city_reviewer)
    assert "期满后方可确认" in str(error.value.message)
    # On the last day the period still runs (it ends with announcement_ends_on, Beijing time).
    Award.objects.filter(application=case).update(announcement_ends_on=timezone.localdate())
    with pytest.raises(ServiceError):
        case_decide(application_id=case.pk, action="confirm", actor=city_reviewer)
    end_announcement(case)
    case_decide(application_id=case.pk, action="confirm", actor=city_reviewer)
    case.refresh_from_db()
    assert case.status == Status.CONFIRMED


def test_the_period_uses_beijing_dates(city_reviewer, settings):
    """At 23:30 UTC it is already the next day in Beijing: the period starts on that day."""
    case = case_in(Status.APPROVED)
    utc_evening = datetime.datetime(2026, 3, 1, 23, 30, tzinfo=datetime.UTC)
    with mock.patch("django.utils.timezone.now", return_value=utc_evening):
        case_decide(application_id=case.pk, action="announce", actor=city_reviewer)
    award = Award.objects.get(application=case)
    assert award.announcement_starts_on == datetime.date(2026, 3, 2)


@pytest.mark.parametrize("address", ["not-an-ip", "unix:/run/gunicorn.sock", ""])
def test_objections_of_unknown_origin_share_one_allowance_and_never_crash(
    client, settings, address
):
    settings.OBJECTIONS_PER_HOUR = 1
    cases = [case_in(Status.ANNOUNCED) for _ in range(2)]
    first = client.post(_objection_url(cases[0]), VALID_OBJECTION, REMOTE_ADDR=address)
    assert first.status_code == 302
    assert Objection.objects.get().ip_address is None
    second = client.post(_objection_url(cases[1]), VALID_OBJECTION, REMOTE_ADDR=address)
    assert second.status_code == 400


def test_behind_a_proxy_the_configured_header_names_the_visitor(client, settings):
    settings.CLIENT_IP_HEADER = "HTTP_X_REAL_IP"
    case = case_in(Status.ANNOUNCED)
    client.post(
        _objection_url(case), VALID_OBJECTION, REMOTE_ADDR="10.0.0.1", HTTP_X_REAL_IP="203.0.113.5"
    )
    assert Objection.objects.get().ip_address == "203.0.113.5"
