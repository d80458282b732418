"""The API's new lists read a constant number of queries whatever their length."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from applicants.models import Notification, Status
from applicants.roles import Role
from awards.models import PayoutPlanState
from awards.payments import services as payments
from tests.awards.helpers import case_in, finance_user
from tests.factories import ApplicationFactory, make_user, sign_in

pytestmark = pytest.mark.django_db

THIS_YEAR = timezone.localdate().year


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def _signed_in(user) -> Client:
    client = Client()
    sign_in(client, user)
    return client


def _scheduled(n: int) -> None:
    for _ in range(n):
        case_in(Status.SCHEDULED, pay_year=THIS_YEAR)
    PayoutPlanState.objects.update(stale=False)


def test_finance_lists_read_constant_queries():
    finance = finance_user()
    client = _signed_in(finance)
    urls = [
        f"/api/v1/programmes/city/batch-candidates/?year={THIS_YEAR}",
        "/api/v1/programmes/city/batches/",
        "/api/v1/programmes/",
        f"/api/v1/reports/payouts/?year={THIS_YEAR}&group=enterprise",
    ]
    _scheduled(1)
    batch = payments.batch_create(actor=finance, programme="city", year=THIS_YEAR)
    _scheduled(1)
    small = [_queries(client, url) for url in urls]
    small_batch = _queries(client, f"/api/v1/batches/{batch.pk}/")
    payments.batch_cancel(actor=finance, batch_id=batch.pk)
    _scheduled(3)
    big = payments.batch_create(actor=finance, programme="city", year=THIS_YEAR)
    payments.batch_cancel(actor=finance, batch_id=big.pk)
    big = payments.batch_create(actor=finance, programme="city", year=THIS_YEAR)
    _scheduled(2)
    assert big.items.count() == 5
    assert [_queries(client, url) for url in urls] == small
    assert _queries(client, f"/api/v1/batches/{big.pk}/") == small_batch


def test_notifications_read_constant_queries():
    case = ApplicationFactory()
    member = make_user(Role.ENTERPRISE, enterprise=case.enterprise)
    client = _signed_in(member)
    Notification.objects.create(recipient=member, application=case, message="已受理")
    one = _queries(client, "/api/v1/notifications/")
    for _ in range(5):
        Notification.objects.create(
            recipient=member,
            application=ApplicationFactory(enterprise=case.enterprise),
            message="x",
        )
    assert _queries(client, "/api/v1/notifications/") == one
