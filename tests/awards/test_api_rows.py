"""The API's list of cases, built from named tuples, answers exactly what `CaseListSerializer`
answers for the same cases: ids, labels, dates in Beijing, amounts as 2-place strings."""

from decimal import Decimal

import pytest
from django.utils import translation

from applicants.models import Application, Status
from applicants.roles import Role
from awards import selectors
from awards.api import CaseListSerializer
from awards.models import Award
from awards.queue.api_rows import api_rows_of, case_list_items
from tests.awards.helpers import case_in
from tests.conftest import LUOSHAN
from tests.factories import ApplicationFactory, EnterpriseFactory, make_user, sign_in

pytestmark = pytest.mark.django_db


def _cases_of_every_kind() -> None:
    """A city award adjusted by the city, its county match (县区已确认), a case flagged as a
    possible duplicate, one with only an expected amount and one with none."""
    city = case_in(
        Status.CONFIRMED,
        item="contest_national",
        facts={"prize_level": "third"},
        enterprise=EnterpriseFactory(jurisdiction=LUOSHAN, name="罗山<数据>有限公司"),
    )
    Award.objects.filter(application=city).update(
        amount=Decimal("123456.78"), overridden=True, override_reason="核减"
    )
    match = Application.objects.get(matched_application=city)
    Application.objects.filter(pk=match.pk).update(status=Status.CONFIRMED)
    recommended = ApplicationFactory(status=Status.RECOMMENDED, expected_amount=Decimal("50000.00"))
    ApplicationFactory(
        status=Status.RECOMMENDED,
        expected_amount=Decimal("0.10"),
        possible_duplicate_of=recommended,
    )
    ApplicationFactory(status=Status.RECOMMENDED, expected_amount=None)


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_list_items_are_the_serializers_answer(luoshan_programme, language):
    _cases_of_every_kind()
    cases = selectors.review_queue(user=make_user(Role.CITY_REVIEWER)).order_by("pk")
    assert cases.count() == 5
    with translation.override(language):
        expected = CaseListSerializer(cases, many=True).data
        built = case_list_items(api_rows_of(cases))
    assert built == [dict(item) for item in expected]
    assert [list(item) for item in built] == [list(item) for item in expected]  # key order
    labels = {item["status_label"] for item in built}
    assert ("县区已确认" if language == "zh-hans" else "Confirmed by the county") in labels
    amounts = {item["amount"] for item in built}
    assert {"123456.78", "50000.00", "0.10", None} <= amounts


def test_the_api_page_answers_the_built_items(client, luoshan_programme):
    _cases_of_every_kind()
    sign_in(client, make_user(Role.CITY_REVIEWER))
    body = client.get("/api/v1/cases/?queue=all&sort=-amount").json()
    assert body["count"] == 5
    assert body["count_estimated"] is False
    amounts = [item["amount"] for item in body["results"]]
    assert amounts[0] is None  # PostgreSQL puts a case without an amount first
    assert [Decimal(a) for a in amounts[1:]] == sorted(
        (Decimal(a) for a in amounts[1:]), reverse=True
    )
    first = body["results"][1]
    assert first["computed_amount"] != first["amount"]
    assert first["overridden"] is True
    assert first["enterprise_name"] == "罗山<数据>有限公司"
    assert first["submitted_at"].endswith("+08:00")
