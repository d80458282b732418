"""公示 and 公示期满确认 in bulk for the city: each case on its own, each outcome reported."""

import pytest
from django.urls import reverse
from django.utils import timezone

from applicants.models import Status
from applicants.roles import Role
from applicants.workflow import bulk_actions_for
from awards.announcements.calendar import working_days_end
from awards.errors import ANNOUNCEMENT_NOT_OVER
from awards.models import Award
from awards.services.decisions import cases_bulk_decide
from tests.awards.helpers import case_in, end_announcement
from tests.factories import sign_in

pytestmark = pytest.mark.django_db

BULK = reverse("awards:queue_bulk")


def test_the_city_may_announce_and_confirm_in_bulk():
    actions = {t.action for t in bulk_actions_for(Role.CITY_REVIEWER)}
    assert {"announce", "confirm"} <= actions
    assert "announce" not in {t.action for t in bulk_actions_for(Role.COUNTY_REVIEWER)}


def test_bulk_announce_opens_the_configured_period_for_each_case(settings, city_reviewer):
    settings.ANNOUNCEMENT_WORKING_DAYS = 10
    cases = [case_in(Status.APPROVED) for _ in range(3)]
    outcomes = cases_bulk_decide(
        application_ids=[c.pk for c in cases], action="announce", actor=city_reviewer
    )
    assert [o.ok for o in outcomes] == [True, True, True]
    today = timezone.localdate()
    for award in Award.objects.filter(application__in=cases):
        assert award.application.status == Status.ANNOUNCED
        assert award.announcement_days == 10
        assert award.announcement_starts_on == today
        assert award.announcement_ends_on == working_days_end(starts_on=today, days=10)


def test_bulk_confirm_refuses_a_running_period_on_its_own(city_reviewer):
    over = [case_in(Status.ANNOUNCED) for _ in range(2)]
    for case in over:
        end_announcement(case)
    running = case_in(Status.ANNOUNCED)
    ends_on = Award.objects.get(application=running).announcement_ends_on
    outcomes = cases_bulk_decide(
        application_ids=[c.pk for c in [*over, running]], action="confirm", actor=city_reviewer
    )
    by_id = {o.application_id: o for o in outcomes}
    assert all(by_id[c.pk].ok for c in over)
    assert not by_id[running.pk].ok
    assert by_id[running.pk].message == str(
        ANNOUNCEMENT_NOT_OVER % {"ends_on": ends_on.isoformat()}
    )
    for case in over:
        case.refresh_from_db()
        assert case.status == Status.CONFIRMED
    running.refresh_from_db()
    assert running.status == Status.ANNOUNCED


def test_bulk_confirm_from_the_queue_reports_each_case(client, city_reviewer):
    over = case_in(Status.ANNOUNCED)
    end_announcement(over)
    running = case_in(Status.ANNOUNCED)
    sign_in(client, city_reviewer)
    queue = client.get(reverse("awards:queue")).content.decode()
    assert '<option value="confirm">' in queue
    assert '<option value="announce">' in queue
    response = client.post(BULK, {"action": "confirm", "ids": [over.pk, running.pk]}, follow=True)
    html = response.content.decode()
    assert f"已处理 1 件：{over.reference}" in html
    assert f"{running.reference} 未处理" in html
    over.refresh_from_db()
    assert over.status == Status.CONFIRMED
