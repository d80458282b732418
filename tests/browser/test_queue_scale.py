"""A long queue as a city reviewer reads it, in headless Chromium: the amount sort follows the
approved amount (not the one the enterprise expected), the count past the exact limit reads as
an estimate in both languages, and the last page is a real page, however the estimate fell."""

import re
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from applicants.models import Application, Status
from applicants.roles import Role
from awards.services.decisions import case_decide
from tests.awards.helpers import city_user
from tests.browser.helpers import login
from tests.factories import ApplicationFactory, EnterpriseFactory, make_user

pytestmark = pytest.mark.browser

CASES = 130


@pytest.fixture
def long_queue(transactional_db, settings):
    settings.LARGE_LIST_EXACT_COUNT = 40
    make_user(Role.CITY_REVIEWER, username="scale-city")
    enterprise = EnterpriseFactory(name="信阳规模数据科技有限公司")
    now = timezone.now()
    template = ApplicationFactory(
        enterprise=enterprise, status=Status.RECOMMENDED, expected_amount=Decimal("1000.00")
    )
    Application.objects.bulk_create(
        [
            Application(
                enterprise=enterprise,
                item=template.item,
                project_name=f"规模项目{n}",
                facts=template.facts,
                event_date=template.event_date,
                jurisdiction=template.jurisdiction,
                applicant_type=template.applicant_type,
                status=Status.RECOMMENDED,
                expected_amount=Decimal(20_000 + n * 100),
                created_by=template.created_by,
                submitted_at=now,
                recommended_at=now,
            )
            for n in range(CASES - 2)
        ]
    )
    # Expected 500,000; the city approves 10,000: it sorts as 10,000.
    cut = ApplicationFactory(
        enterprise=enterprise,
        status=Status.REVIEWED,
        project_name="核减项目",
        expected_amount=Decimal("500000.00"),
    )
    case_decide(
        application_id=cut.pk,
        action="approve",
        actor=city_user(),
        amount=Decimal("10000.00"),
        override_reason="核定金额",
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return cut


def test_a_long_queue_sorts_by_the_approved_amount_and_says_about_how_many(
    live_server, page, long_queue, tmp_path
):
    login(page, live_server.url, "scale-city")
    url = f"{live_server.url}/review/?queue=all&sort=-amount"
    for lang, total in (("zh-hans", r"^约 [\d,]+ 件$"), ("en", r"^About [\d,]+ cases$")):
        page.context.add_cookies(
            [{"name": "django_language", "value": lang, "url": live_server.url}]
        )
        for width in (1366, 390):
            page.set_viewport_size({"width": width, "height": 900})
            page.goto(url)
            assert re.match(total, page.inner_text("#queue-total").strip()), lang
            first = page.locator("#queue-table tbody tr").first.inner_text()
            assert "¥32,700.00" in first  # the highest expected amount
            # Expected 500,000 but approved 10,000: not among the highest.
            assert long_queue.reference not in page.inner_text("#queue-table")
            page.screenshot(path=str(tmp_path / f"queue-{lang}-{width}.png"))
    # The approved 10,000 sorts among the lowest: first when sorting low to high.
    page.goto(f"{live_server.url}/review/?queue=all&sort=amount")
    lowest = page.locator("#queue-table tbody tr").all_inner_texts()[:2]
    row = next(r for r in lowest if long_queue.reference in r)
    assert "10,000.00" in row, row
    # The last page of an estimate is a real one: rows, and no page after it.
    page.goto(url)
    page.click("text=Last" if page.locator("text=Last").count() else "text=末页")
    rows = page.locator("#queue-table tbody tr[data-case-id]").count()
    assert rows >= 1
    assert not page.locator("a[rel=next]").count()
    number = page.inner_text(".pagination .active").strip()
    current, last = (int(x) for x in number.split("/"))
    assert current == last == -(-CASES // 50)
