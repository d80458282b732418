"""The queue's amount sort key follows the award and the expected amount on every write: saves,
bulk updates, an award created, changed or deleted (database triggers keep it)."""

from decimal import Decimal

import pytest

from applicants.models import Application, Status
from awards.models import Award
from tests.awards.helpers import award_on
from tests.factories import ApplicationFactory

pytestmark = pytest.mark.django_db


def _key(case: Application) -> Decimal | None:
    return Application.objects.values_list("queue_amount", flat=True).get(pk=case.pk)


def test_the_key_is_the_expected_amount_until_an_award_and_the_award_after():
    case = ApplicationFactory(status=Status.RECOMMENDED, expected_amount=Decimal("300000.00"))
    assert _key(case) == Decimal("300000.00")
    Application.objects.filter(pk=case.pk).update(expected_amount=Decimal("250000.00"))
    assert _key(case) == Decimal("250000.00")
    award = award_on(case, "200000.00")
    assert _key(case) == Decimal("200000.00")
    Award.objects.filter(pk=award.pk).update(amount=Decimal("120000.50"))
    assert _key(case) == Decimal("120000.50")
    # The expected amount changing under an award leaves the award's amount in force.
    case.refresh_from_db()
    case.expected_amount = Decimal("999999.00")
    case.save()
    assert _key(case) == Decimal("120000.50")
    award.delete()
    assert _key(case) == Decimal("999999.00")


def test_a_stale_key_written_by_a_save_is_recomputed():
    case = ApplicationFactory(status=Status.SUBMITTED, expected_amount=Decimal("50000.00"))
    Application.objects.filter(pk=case.pk).update(queue_amount=Decimal("1.00"))
    assert _key(case) == Decimal("50000.00")


def test_a_case_without_an_amount_has_no_key():
    case = ApplicationFactory(status=Status.DRAFT, expected_amount=None)
    assert _key(case) is None
