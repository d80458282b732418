"""Each award's copy of its case's programme and state follows every write of either (database
triggers), so finance's yearly sums, read from the awards alone, equal the sums over the cases."""

from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import Count, Q, Sum
from django.test.utils import CaptureQueriesContext

from applicants.models import Application, Status
from awards.models import Award
from awards.payouts.selectors import confirmed_without_year_count, payout_overview
from tests.awards.helpers import award_on
from tests.conftest import LUOSHAN
from tests.factories import ApplicationFactory

pytestmark = pytest.mark.django_db


def _copies(award: Award) -> tuple[str, str]:
    return Award.objects.values_list("case_programme", "case_status").get(pk=award.pk)


def _sums_over_cases(programme: str) -> dict[int, tuple[Decimal, Decimal, int]]:
    """The sums as they were computed before the copies: joining every case."""
    rows = (
        Award.objects.filter(
            application__programme=programme,
            application__status__in=(Status.SCHEDULED, Status.PAID),
            pay_year__isnull=False,
        )
        .values("pay_year")
        .annotate(
            scheduled=Sum("amount", filter=Q(application__status=Status.SCHEDULED)),
            paid=Sum("amount", filter=Q(application__status=Status.PAID)),
            count=Count("id"),
        )
        .order_by()
    )
    zero = Decimal("0.00")
    return {r["pay_year"]: (r["scheduled"] or zero, r["paid"] or zero, r["count"]) for r in rows}


def _overview(programme: str) -> dict[int, tuple[Decimal, Decimal, int]]:
    return {
        row.year: (row.scheduled, row.paid, row.count)
        for row in payout_overview(programme)
        if row.count
    }


def test_the_copies_follow_the_case_on_every_kind_of_write():
    case = ApplicationFactory(status=Status.CONFIRMED)
    award = award_on(case, "1000.00", pay_year=2026)
    assert _copies(award) == ("city", Status.CONFIRMED)
    Application.objects.filter(pk=case.pk).update(status=Status.SCHEDULED)  # a bulk update
    assert _copies(award) == ("city", Status.SCHEDULED)
    case.refresh_from_db()
    case.status = Status.PAID
    case.save()  # a save
    assert _copies(award) == ("city", Status.PAID)
    with connection.cursor() as cursor:  # raw SQL
        cursor.execute(
            "UPDATE applicants_application SET status = %s WHERE id = %s",
            [Status.SCHEDULED, case.pk],
        )
    assert _copies(award) == ("city", Status.SCHEDULED)
    # A save of the award from a stale copy in memory keeps the case's values.
    award.case_status, award.case_programme = Status.DRAFT, "nowhere"
    award.save()
    assert _copies(award) == ("city", Status.SCHEDULED)
    # A county's matching case: its own programme.
    match = ApplicationFactory(
        status=Status.CONFIRMED,
        programme=LUOSHAN,
        matched_application=case,
        enterprise=case.enterprise,
    )
    assert _copies(award_on(match, "500.00", pay_year=2026)) == (LUOSHAN, Status.CONFIRMED)


def test_finance_sums_from_the_copies_equal_the_sums_over_the_cases():
    paid = [ApplicationFactory(status=Status.PAID) for _ in range(3)]
    scheduled = [ApplicationFactory(status=Status.SCHEDULED) for _ in range(2)]
    confirmed = ApplicationFactory(status=Status.CONFIRMED)
    for i, case in enumerate(paid):
        award_on(case, f"{100 * (i + 1)}.10", pay_year=2026)
    award_on(scheduled[0], "5000.00", pay_year=2026)
    moving = award_on(scheduled[1], "7000.00", pay_year=2027)
    award_on(confirmed, "9999.00", pay_year=None)
    expected = {
        2026: (Decimal("5000.00"), Decimal("600.30"), 4),
        2027: (Decimal("7000.00"), Decimal("0.00"), 1),
    }
    assert _overview("city") == _sums_over_cases("city") == expected
    # A year moved, a case paid, one confirmed case scheduled, an award removed.
    Award.objects.filter(pk=moving.pk).update(pay_year=2026)
    Application.objects.filter(pk=scheduled[0].pk).update(status=Status.PAID)
    Application.objects.filter(pk=confirmed.pk).update(status=Status.SCHEDULED)
    Award.objects.filter(application=paid[0]).delete()
    assert _overview("city") == _sums_over_cases("city")
    assert _overview("city")[2026] == (Decimal("7000.00"), Decimal("5500.20"), 4)


def test_the_sums_read_the_awards_alone():
    award_on(ApplicationFactory(status=Status.PAID), "10.00", pay_year=2026)
    with CaptureQueriesContext(connection) as queries:
        payout_overview("city")
    sums = next(q["sql"] for q in queries.captured_queries if "SUM(" in q["sql"])
    assert "JOIN" not in sums
    assert "applicants_application" not in sums


def test_the_confirmed_awards_waiting_for_a_plan_are_counted_from_the_awards_alone():
    for status in (Status.CONFIRMED, Status.CONFIRMED, Status.SCHEDULED):
        award_on(ApplicationFactory(status=status), "10.00", pay_year=None)
    with CaptureQueriesContext(connection) as queries:
        assert confirmed_without_year_count("city") == 2
    assert "JOIN" not in queries.captured_queries[-1]["sql"]
