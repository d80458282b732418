"""The county's identity queue: its own county only, the same queries for 1 or 20 of each."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from applicants.roles import Role
from applicants.verification.bank_changes import bank_change_request
from applicants.verification.claims import enterprise_claim_register
from tests.applicants.verification.helpers import enterprise_input, pending_member
from tests.factories import EnterpriseFactory, make_user, sign_in, upload

pytestmark = pytest.mark.django_db

QUEUE = reverse("identity:queue")


def _add(n: int, start: int) -> None:
    """n pending enterprises, n open claims and n pending bank changes in 浉河区."""
    for i in range(start, start + n):
        pending_member(name=f"待核验单位{i}")
        target = EnterpriseFactory(name=f"被认领单位{i}")
        enterprise_claim_register(
            enterprise=enterprise_input(50_000 + i).__class__(
                **{**enterprise_input(50_000 + i).__dict__, "credit_code": target.credit_code}
            ),
            username=f"claimant{i}",
            password="Xinyang-Reward-2025",
            statement="本单位被冒名注册",
            licence=upload("执照.pdf"),
        )
        member = make_user(Role.ENTERPRISE, enterprise=EnterpriseFactory(name=f"变更单位{i}"))
        bank_change_request(
            actor=member, bank_name="中国工商银行", bank_account=f"62220217{i:011d}"
        )


def _rows(html: str) -> tuple[int, int, int]:
    return tuple(html.count(f" {kind}-row ") for kind in ("identity", "claim", "bank-change"))


def test_the_queue_costs_the_same_for_1_or_20_of_each(
    client, county_reviewer, django_assert_max_num_queries
):
    sign_in(client, county_reviewer)
    _add(1, 0)
    client.get(QUEUE)  # the session's first read is not the page's cost
    with CaptureQueriesContext(connection) as one:
        response = client.get(QUEUE)
    assert response.status_code == 200, (response.status_code, response.get("Location"))
    html = response.content.decode()
    assert _rows(html) == (1, 1, 1), html[:3000]
    _add(19, 1)
    with django_assert_max_num_queries(len(one)):
        html = client.get(QUEUE).content.decode()
    assert _rows(html) == (20, 20, 20)


def test_the_queue_shows_the_county_reviewer_its_own_county_only(client, other_county_reviewer):
    _add(2, 0)
    sign_in(client, other_county_reviewer)
    html = client.get(QUEUE).content.decode()
    assert "identity-row" not in html
    assert "claim-row" not in html
    assert "bank-change-row" not in html


def test_the_review_queue_links_to_it_with_the_count(client, county_reviewer):
    _add(2, 0)
    sign_in(client, county_reviewer)
    html = client.get(reverse("awards:queue")).content.decode()
    assert reverse("identity:queue") in html
    assert 'id="identity-pending-count">6<' in html
    assert 'id="nav-identity"' in html
