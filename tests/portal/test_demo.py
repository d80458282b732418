"""The demo tells the whole story on day one: a case at every stage, money that can move."""

import pytest
from django.utils import timezone

from applicants import policy
from applicants.models import Application, Status, User
from applicants.roles import Role
from awards.models import Budget
from awards.services.decisions import case_decide
from awards.services.payouts import payouts_schedule
from portal.services import demo_data_load

pytestmark = pytest.mark.django_db


def test_the_demo_has_a_case_at_every_stage_and_two_budget_years(
    django_capture_on_commit_callbacks,
):
    # As `make run` loads it: what the demo queues after commit (re-plans, documents) runs too.
    with django_capture_on_commit_callbacks(execute=True):
        demo_data_load()
    statuses = set(Application.objects.values_list("status", flat=True))
    assert {
        Status.DRAFT,
        Status.SUBMITTED,
        Status.RETURNED,
        Status.RECOMMENDED,
        Status.REVIEWED,
        Status.APPROVED,
        Status.ANNOUNCED,
        Status.CONFIRMED,
        Status.SCHEDULED,
        Status.PAID,
    } <= statuses
    today = timezone.localdate()
    announced = Application.objects.filter(status=Status.ANNOUNCED).select_related("award")
    assert any(a.award.announcement_ends_on >= today for a in announced), "one still in 公示"
    assert any(a.award.announcement_ends_on < today for a in announced), "one ready to confirm"
    paid = Application.objects.select_related("award").get(status=Status.PAID)
    assert paid.award.payment_reference
    assert paid.award.paid_at == today
    assert set(Budget.objects.values_list("year", flat=True)) == {today.year, today.year + 1}


def test_every_jurisdiction_has_a_county_reviewer():
    demo_data_load()
    reviewed = set(
        User.objects.filter(role=Role.COUNTY_REVIEWER).values_list("jurisdiction", flat=True)
    )
    assert reviewed == {code for code, _ in policy.jurisdiction_choices()}


def test_the_money_journey_finishes_on_day_one_without_changing_the_clock():
    demo_data_load()
    city = User.objects.get(username="city")
    finance = User.objects.get(username="finance")
    ended = next(
        a
        for a in Application.objects.filter(status=Status.ANNOUNCED).select_related("award")
        if a.award.announcement_ends_on < timezone.localdate()
    )
    case_decide(application_id=ended.pk, action="confirm", actor=city)
    payouts_schedule()
    ended.refresh_from_db()
    assert ended.status == Status.SCHEDULED
    case_decide(
        application_id=ended.pk,
        action="pay",
        actor=finance,
        payment_reference="BANK-42",
        paid_at=timezone.localdate(),
    )
    ended.refresh_from_db()
    assert ended.status == Status.PAID


def test_loading_the_demo_twice_changes_nothing():
    demo_data_load()
    before = sorted(Application.objects.values_list("id", "status"))
    demo_data_load()
    assert sorted(Application.objects.values_list("id", "status")) == before
