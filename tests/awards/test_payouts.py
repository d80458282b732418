"""Budgets, the payout plan (rules.allocate over stored awards), payment, and the Celery task."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from applicants.errors import NotAllowed, ServiceError
from applicants.models import CaseEvent, Status
from awards.errors import PAYMENT_BEFORE_APPROVAL, PAYMENT_REFERENCE_REQUIRED
from awards.models import Award, Budget, PayoutRun
from awards.services.decisions import case_decide
from awards.services.payouts import budget_set, payouts_schedule
from tests.awards.helpers import case_in
from tests.factories import sign_in

pytestmark = pytest.mark.django_db


def _statuses(cases) -> list[tuple[str, int | None]]:
    result = []
    for case in cases:
        case.refresh_from_db()
        award = Award.objects.get(application=case)
        result.append((case.status, award.pay_year))
    return result


def test_finance_sets_budgets_and_each_change_is_audited(finance_user, city_reviewer):
    budget_set(year=2026, amount=Decimal("1000000"), actor=finance_user)
    budget_set(year=2026, amount=Decimal("800000.00"), actor=finance_user)
    assert Budget.objects.get(year=2026).amount == Decimal("800000.00")
    events = CaseEvent.objects.filter(action="budget_set").order_by("id")
    assert [e.data["amount"] for e in events] == ["1000000.00", "800000.00"]
    assert events.last().data["from_amount"] == "1000000.00"
    with pytest.raises(NotAllowed):
        budget_set(year=2026, amount=Decimal("1"), actor=city_reviewer)
    with pytest.raises(ServiceError):
        budget_set(year=1999, amount=Decimal("1"), actor=finance_user)


def test_the_plan_fills_each_year_within_budget_and_quota(finance_user):
    # Six confirmed 100,000 awards of one item: five fit 2026's quota, the sixth waits for 2027.
    cases = [case_in(Status.CONFIRMED) for _ in range(6)]
    budget_set(year=2026, amount=Decimal("1000000"), actor=finance_user)
    budget_set(year=2027, amount=Decimal("1000000"), actor=finance_user)
    report = payouts_schedule()
    assert len(report.scheduled) == 6
    assert _statuses(cases) == [(Status.SCHEDULED, 2026)] * 5 + [(Status.SCHEDULED, 2027)]
    event = CaseEvent.objects.filter(application=cases[0], action="schedule").get()
    assert event.actor is None
    assert event.data["pay_year"] == 2026


def test_running_the_plan_twice_changes_nothing(finance_user):
    cases = [case_in(Status.CONFIRMED) for _ in range(3)]
    budget_set(year=2026, amount=Decimal("200000"), actor=finance_user)
    first = payouts_schedule()
    events = CaseEvent.objects.count()
    second = payouts_schedule()
    assert second.as_dict() == {
        "scheduled": [],
        "rescheduled": [],
        "unscheduled": [],
        "queued": [cases[2].pk],
    }
    assert first.queued == [cases[2].pk]
    assert CaseEvent.objects.count() == events
    assert _statuses(cases) == [
        (Status.SCHEDULED, 2026),
        (Status.SCHEDULED, 2026),
        (Status.CONFIRMED, None),
    ]


def test_a_paid_award_never_moves_and_keeps_its_budget(finance_user):
    paid = case_in(Status.PAID, pay_year=2026)
    waiting = case_in(Status.CONFIRMED)
    budget_set(year=2026, amount=Decimal("150000"), actor=finance_user)
    budget_set(year=2027, amount=Decimal("150000"), actor=finance_user)
    payouts_schedule()
    assert _statuses([paid, waiting]) == [(Status.PAID, 2026), (Status.SCHEDULED, 2027)]


def test_a_budget_cut_moves_or_unschedules_a_scheduled_award(finance_user):
    case = case_in(Status.CONFIRMED)
    budget_set(year=2026, amount=Decimal("100000"), actor=finance_user)
    budget_set(year=2027, amount=Decimal("100000"), actor=finance_user)
    payouts_schedule()
    assert _statuses([case]) == [(Status.SCHEDULED, 2026)]
    budget_set(year=2026, amount=Decimal("0"), actor=finance_user)
    assert payouts_schedule().rescheduled == [case.pk]
    assert _statuses([case]) == [(Status.SCHEDULED, 2027)]
    run = PayoutRun.objects.order_by("pk").last()
    assert CaseEvent.objects.filter(application=case, action="reschedule").get().data == {
        "from_pay_year": 2026,
        "pay_year": 2027,
        "amount": "100000.00",
        "run": run.pk,
    }
    budget_set(year=2027, amount=Decimal("0"), actor=finance_user)
    assert payouts_schedule().unscheduled == [case.pk]
    assert _statuses([case]) == [(Status.CONFIRMED, None)]


def test_a_quota_exempt_award_takes_no_quota_place(finance_user, city_reviewer):
    cases = [case_in(Status.CONFIRMED) for _ in range(6)]
    from awards.services.decisions import award_quota_exempt

    award_quota_exempt(application_id=cases[5].pk, actor=city_reviewer, exempt=True, reason="重点")
    budget_set(year=2026, amount=Decimal("1000000"), actor=finance_user)
    payouts_schedule()
    assert _statuses(cases) == [(Status.SCHEDULED, 2026)] * 6


def test_finance_records_a_payment_with_reference_and_date(finance_user):
    case = case_in(Status.SCHEDULED)
    with pytest.raises(ServiceError) as error:
        case_decide(application_id=case.pk, action="pay", actor=finance_user)
    assert error.value.message == PAYMENT_REFERENCE_REQUIRED
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    with pytest.raises(ServiceError):
        case_decide(
            application_id=case.pk,
            action="pay",
            actor=finance_user,
            payment_reference="ZF-1",
            paid_at=tomorrow,
        )
    before_approval = timezone.localdate() - datetime.timedelta(days=1)
    with pytest.raises(ServiceError) as error:
        case_decide(
            application_id=case.pk,
            action="pay",
            actor=finance_user,
            payment_reference="ZF-1",
            paid_at=before_approval,
        )
    assert error.value.message == PAYMENT_BEFORE_APPROVAL
    today = timezone.localdate()
    case_decide(
        application_id=case.pk,
        action="pay",
        actor=finance_user,
        payment_reference="ZF-2026-0042",
        paid_at=today,
    )
    award = Award.objects.get(application=case)
    assert (award.paid_at, award.payment_reference) == (today, "ZF-2026-0042")
    event = CaseEvent.objects.get(application=case, action="pay")
    assert event.data["payment_reference"] == "ZF-2026-0042"
    assert event.data["amount"] == "100000.00"


def test_the_finance_page_saves_budgets_and_enqueues_the_plan_on_commit(
    client, finance_user, django_capture_on_commit_callbacks
):
    case = case_in(Status.CONFIRMED)
    sign_in(client, finance_user)
    assert client.get(reverse("awards:finance")).status_code == 200
    response = client.post(reverse("awards:finance"), {"year": "2026", "amount": "500000.00"})
    assert response.status_code == 302
    assert client.post(reverse("awards:finance"), {"year": "x", "amount": "-1"}).status_code == 400
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        client.post(reverse("awards:finance_schedule"))
    assert len(callbacks) == 1
    case.refresh_from_db()
    assert case.status == Status.CONFIRMED  # nothing happens before the commit
    callbacks[0]()  # tests run tasks eagerly: this is the task running
    case.refresh_from_db()
    assert case.status == Status.SCHEDULED
    html = client.get(reverse("awards:finance")).content.decode()
    assert 'data-year="2026"' in html
    assert "¥500,000.00" in html


def test_only_finance_may_change_budgets(client, city_reviewer):
    sign_in(client, city_reviewer)
    assert client.get(reverse("awards:finance")).status_code == 403
    client.post(reverse("awards:finance_schedule"))
    assert not CaseEvent.objects.filter(action="payouts_requested").exists()
