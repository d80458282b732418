"""The enterprise's pages read a constant number of rows sets, whatever the number of cases."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from applicants.models import Status
from applicants.services.applications import application_submit
from applicants.services.evidence import evidence_add
from tests.applicants.conftest import complete_draft
from tests.factories import ApplicationFactory, sign_in, upload

pytestmark = pytest.mark.django_db


def _count(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def _fill(user, n):
    statuses = [Status.DRAFT, Status.SUBMITTED, Status.RETURNED, Status.APPROVED]
    for i in range(n):
        ApplicationFactory(
            enterprise=user.enterprise,
            created_by=user,
            status=statuses[i % len(statuses)],
            expected_amount="100000.00",
        )


@pytest.mark.parametrize("url_name", ["home", "applicants:home"])
def test_list_pages_query_counts_do_not_grow_with_applications(
    client, enterprise_user, url_name, django_assert_num_queries
):
    sign_in(client, enterprise_user)
    _fill(enterprise_user, 1)
    one = _count(client, reverse(url_name))
    _fill(enterprise_user, 19)
    twenty = _count(client, reverse(url_name))
    assert one == twenty
    with django_assert_num_queries(one):
        client.get(reverse(url_name))


def test_the_api_list_query_count_does_not_grow(client, enterprise_user):
    sign_in(client, enterprise_user)
    _fill(enterprise_user, 1)
    one = _count(client, "/api/v1/applications/")
    _fill(enterprise_user, 19)
    assert _count(client, "/api/v1/applications/") == one


def test_the_case_page_query_count_does_not_grow(
    client, enterprise_user, django_assert_max_num_queries
):
    sign_in(client, enterprise_user)
    case = complete_draft(enterprise_user, item="contest_national", prize_level="first")
    application_submit(actor=enterprise_user, application_id=case.pk)
    _fill(enterprise_user, 1)
    one = _count(client, reverse("applicants:detail", args=[case.pk]))
    _fill(enterprise_user, 19)
    twenty = _count(client, reverse("applicants:detail", args=[case.pk]))
    assert one == twenty
    # More files, events and revisions on the case itself do not add queries either.
    other = complete_draft(enterprise_user, item="honor_provincial", project_name="更多材料")
    base = _count(client, reverse("applicants:detail", args=[other.pk]))
    for _ in range(5):
        evidence_add(
            actor=enterprise_user, application_id=other.pk, kind="approval_notice", upload=upload()
        )
    application_submit(actor=enterprise_user, application_id=other.pk)
    with django_assert_max_num_queries(base):
        client.get(reverse("applicants:detail", args=[other.pk]))
