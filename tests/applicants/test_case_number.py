"""Case numbers carry the year of creation in Beijing time (Asia/Shanghai), not UTC's."""

import datetime

import pytest

from applicants.models import Application
from tests.factories import ApplicationFactory

pytestmark = pytest.mark.django_db

UTC = datetime.UTC


@pytest.mark.parametrize(
    ("created_utc", "year"),
    [
        # 2026-01-01 07:30 in Beijing is 2025-12-31 23:30 UTC.
        (datetime.datetime(2025, 12, 31, 23, 30, tzinfo=UTC), 2026),
        # 2025-12-31 23:59 in Beijing is 15:59 UTC the same day.
        (datetime.datetime(2025, 12, 31, 15, 59, tzinfo=UTC), 2025),
        # Midnight in Beijing, the first second of the year there.
        (datetime.datetime(2025, 12, 31, 16, 0, tzinfo=UTC), 2026),
    ],
)
def test_a_case_number_has_the_beijing_year_of_creation(created_utc, year):
    case = ApplicationFactory()
    Application.objects.filter(pk=case.pk).update(created_at=created_utc)
    case.refresh_from_db()
    assert case.reference == f"XY-{year}-{case.pk:06d}"
