"""公示: a period of working days (the official holiday calendar, 调休 included), the public list
as it is published and printed, confirmation after the end."""

import datetime
from contextlib import contextmanager
from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from applicants.errors import ServiceError
from applicants.models import CaseEvent, Status
from awards.announcements.calendar import (
    CalendarBeyondData,
    is_working_day,
    working_days_after,
    working_days_between,
    working_days_end,
)
from awards.announcements.errors import CALENDAR_BEYOND_DATA
from awards.models import Award
from awards.services.decisions import case_decide
from rules import load_rulebook
from tests.awards.helpers import case_in, end_announcement, object_to

pytestmark = pytest.mark.django_db

GONGSHI = reverse("gongshi:list")
D = datetime.date


@contextmanager
def on(day: datetime.date):
    """Run as if it were 10:00 Beijing time on `day`."""
    moment = datetime.datetime(day.year, day.month, day.day, 2, 0, tzinfo=datetime.UTC)
    with mock.patch("django.utils.timezone.now", return_value=moment):
        yield


# --- the calendar -------------------------------------------------------------------------------


def test_national_day_2026_and_its_working_saturday_in_the_packages_data():
    """As the State Council published it: 1–7 October off, Saturday 10 October worked."""
    assert all(not is_working_day(D(2026, 10, day)) for day in range(1, 8))
    assert is_working_day(D(2026, 10, 10))  # a Saturday, 调休
    assert not is_working_day(D(2026, 10, 11))  # Sunday
    assert is_working_day(D(2026, 9, 29))
    assert is_working_day(D(2026, 10, 8))


def test_five_working_days_from_29_september_2026_end_on_the_working_saturday():
    # 29 and 30 September, then 8, 9 and 10 October (the holiday skipped, the 调休 Saturday in).
    assert working_days_end(starts_on=D(2026, 9, 29), days=5) == D(2026, 10, 10)
    # Announced on a holiday, the count starts with the first working day.
    assert working_days_end(starts_on=D(2026, 10, 4), days=5) == D(2026, 10, 13)
    assert working_days_end(starts_on=D(2026, 10, 9), days=1) == D(2026, 10, 9)


def test_working_days_between_and_after():
    assert working_days_between(start=D(2026, 10, 1), end=D(2026, 10, 8)) == 0
    assert working_days_between(start=D(2026, 9, 30), end=D(2026, 10, 9)) == 2
    assert working_days_between(start=D(2026, 10, 9), end=D(2026, 10, 9)) == 0
    assert working_days_after(day=D(2026, 10, 10), days=2) == D(2026, 10, 13)
    assert working_days_after(day=D(2026, 10, 10), days=0) == D(2026, 10, 10)


def test_past_the_holiday_data_it_refuses_naming_the_setting_or_counts_weekdays(settings):
    settings.ANNOUNCEMENT_BEYOND_CALENDAR = "refuse"
    with pytest.raises(CalendarBeyondData) as error:
        working_days_end(starts_on=D(2026, 12, 28), days=5)
    assert error.value.year == 2027
    assert "ANNOUNCEMENT_BEYOND_CALENDAR" in str(error.value.message)
    assert "2027" in str(error.value.message)
    settings.ANNOUNCEMENT_BEYOND_CALENDAR = "weekdays"
    # 28–31 December by the calendar, then Friday 1 January 2027 as a weekday.
    assert working_days_end(starts_on=D(2026, 12, 28), days=5) == D(2027, 1, 1)
    assert working_days_end(starts_on=D(2026, 12, 28), days=6) == D(2027, 1, 4)


def test_announcing_past_the_data_is_refused_and_changes_nothing(city_reviewer, settings):
    settings.ANNOUNCEMENT_BEYOND_CALENDAR = "refuse"
    case = case_in(Status.APPROVED)
    with on(D(2026, 12, 28)), pytest.raises(ServiceError) as error:
        case_decide(application_id=case.pk, action="announce", actor=city_reviewer)
    assert error.value.message == CALENDAR_BEYOND_DATA % {"year": 2027}
    case.refresh_from_db()
    assert case.status == Status.APPROVED
    assert not CaseEvent.objects.filter(application=case, action="announce").exists()


# --- opening, numbering, confirming -------------------------------------------------------------


@pytest.mark.parametrize(("days", "ends"), [(5, D(2026, 10, 10)), (3, D(2026, 10, 8))])
def test_announcing_opens_the_configured_working_days(city_reviewer, settings, days, ends):
    settings.ANNOUNCEMENT_WORKING_DAYS = days
    case = case_in(Status.APPROVED)
    with on(D(2026, 9, 29)):
        case_decide(application_id=case.pk, action="announce", actor=city_reviewer)
    award = Award.objects.get(application=case)
    assert (award.announcement_days, award.announcement_starts_on) == (days, D(2026, 9, 29))
    assert award.announcement_ends_on == ends
    assert award.announcement_number == f"GS-2026-{case.pk:06d}"
    event = CaseEvent.objects.get(application=case, action="announce")
    assert event.data["announcement_days"] == days
    assert event.data["working_days"] is True
    assert event.data["announcement_ends_on"] == ends.isoformat()


def test_a_second_announcement_of_a_case_gets_a_number_of_its_own(city_reviewer):
    from tests.awards.helpers import object_and_uphold

    case = case_in(Status.ANNOUNCED)
    first = Award.objects.get(application=case).announcement_number
    object_and_uphold(case)
    case_decide(application_id=case.pk, action="approve", actor=city_reviewer)
    case_decide(application_id=case.pk, action="announce", actor=city_reviewer)
    second = Award.objects.get(application=case).announcement_number
    assert (first, second) == (f"GS-2026-{case.pk:06d}", f"GS-2026-{case.pk:06d}-2")


def test_the_period_uses_beijing_dates(city_reviewer):
    """At 23:30 UTC it is already the next day in Beijing: the period starts on that day."""
    case = case_in(Status.APPROVED)
    utc_evening = datetime.datetime(2026, 3, 1, 23, 30, tzinfo=datetime.UTC)
    with mock.patch("django.utils.timezone.now", return_value=utc_evening):
        case_decide(application_id=case.pk, action="announce", actor=city_reviewer)
    award = Award.objects.get(application=case)
    assert award.announcement_starts_on == D(2026, 3, 2)


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


# --- the public list ----------------------------------------------------------------------------


def test_the_public_list_shows_number_dates_body_and_the_objection_phone(client, settings):
    settings.OBJECTION_PHONE = "0376-6366001"
    announced = case_in(Status.ANNOUNCED)
    approved = case_in(Status.APPROVED)
    over = case_in(Status.ANNOUNCED)
    end_announcement(over)
    response = client.get(GONGSHI)
    html = response.content.decode()
    assert response.status_code == 200
    award = Award.objects.get(application=announced)
    assert award.announcement_number in html
    assert announced.enterprise.name in html
    assert announced.project_name in html
    assert "¥100,000.00" in html
    assert load_rulebook().latest.items["contest_provincial"].title_zh in html
    assert award.announcement_starts_on.isoformat() in html
    assert award.announcement_ends_on.isoformat() in html
    assert "异议受理电话：0376-6366001" in html
    assert "5 个工作日" in html
    assert approved.enterprise.name not in html
    assert over.enterprise.name not in html
    # Codes stay out of what people read.
    assert "contest_provincial" not in html
    assert 'data-status="announced"' in html


def test_without_a_configured_phone_the_list_says_so_rather_than_invent_one(client, settings):
    settings.OBJECTION_PHONE = ""
    html = client.get(GONGSHI).content.decode()
    assert "异议受理电话：尚未公布" in html


def test_a_held_case_stays_on_the_list_as_being_checked(client):
    held = case_in(Status.ANNOUNCED)
    object_to(held)
    html = client.get(GONGSHI).content.decode()
    assert held.enterprise.name in html
    assert 'data-status="held"' in html
    assert "异议核实中" in html


def test_the_list_has_a_print_button_and_a_print_stylesheet(client):
    case_in(Status.ANNOUNCED)
    html = client.get(GONGSHI).content.decode()
    assert 'id="print-button"' in html
    assert "css/gongshi.css" in html
    assert "js/gongshi.js" in html
    # The site's CSP forbids inline handlers: the button is wired by the static script.
    assert "onclick" not in html


@pytest.mark.parametrize("n", [1, 20])
def test_the_public_list_reads_a_fixed_number_of_queries(client, django_assert_num_queries, n):
    for _ in range(n):
        case_in(Status.ANNOUNCED)
    object_to(case_in(Status.ANNOUNCED))  # a held one as well
    # The paginator's count and the page of awards with their cases and enterprises.
    with django_assert_num_queries(2):
        response = client.get(GONGSHI)
    assert response.content.decode().count("notice-number") == n + 1


def test_the_public_list_reads_what_it_publishes_and_nothing_more(client):
    """Not the cases' facts, traces or descriptions, nor the awards' traces: a published row
    shows none of them, and fifty rows of them were most of the page's work."""
    case_in(Status.ANNOUNCED)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(GONGSHI)
    assert response.content.decode().count("notice-number") == 1
    rows = queries.captured_queries[-1]["sql"]
    assert '"awards_award"."amount"' in rows
    assert '"applicants_enterprise"."name"' in rows
    for column in ("trace", "reasons", "facts", "quote_trace", "description", "credit_code"):
        assert f'."{column}"' not in rows, column


def test_the_list_orders_running_and_held_awards_together_by_end_date_then_name(client):
    """The list is read as two parts (in their period, held) and sorted as one."""
    late = case_in(Status.ANNOUNCED)
    early = case_in(Status.ANNOUNCED)
    held = case_in(Status.ANNOUNCED)
    Award.objects.filter(application=late).update(
        announcement_ends_on=timezone.localdate() + datetime.timedelta(days=9)
    )
    Award.objects.filter(application=early).update(announcement_ends_on=timezone.localdate())
    object_to(held)
    Award.objects.filter(application=held).update(
        announcement_ends_on=timezone.localdate() + datetime.timedelta(days=3)
    )
    # In its period no longer (ended yesterday), and not held: off the list.
    gone = case_in(Status.ANNOUNCED)
    Award.objects.filter(application=gone).update(
        announcement_starts_on=timezone.localdate() - datetime.timedelta(days=7),
        announcement_ends_on=timezone.localdate() - datetime.timedelta(days=1),
    )
    response = client.get(GONGSHI)
    listed = [row.application_id for row in response.context["page"].object_list]
    assert listed == [early.pk, held.pk, late.pk]
    assert response.context["page"].paginator.count == 3
