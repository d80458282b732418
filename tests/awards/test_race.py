"""Two officials deciding the same case at the same moment: exactly one decision wins.

Real concurrency on the real database: each thread has its own connection and transaction, and
a barrier releases them together; the row lock in `case_transition` makes the second one wait
and then see the case already decided.
"""

import threading
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.db import connection, connections
from django.test import Client

from applicants.errors import ALREADY_DECIDED, Conflict
from applicants.models import CaseEvent, Status
from applicants.roles import Role
from awards.models import Award
from awards.services.decisions import case_decide
from tests.api_helpers import api_message
from tests.factories import ApplicationFactory, EnterpriseFactory, make_user, sign_in

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _on_postgresql() -> None:
    # Row locks are the point of these tests: on another database they would prove nothing.
    assert connection.vendor == "postgresql", "needs PostgreSQL row locks: run `make services`"


def _race(*contenders: Callable[[], object]) -> list[object]:
    """Run each callable in its own thread, released together; return results or exceptions."""
    barrier = threading.Barrier(len(contenders))
    results: list[object] = [None] * len(contenders)

    def run(index: int, contender: Callable[[], object]) -> None:
        try:
            barrier.wait(timeout=10)
            results[index] = contender()
        except Exception as exc:
            results[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(contenders)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not any(thread.is_alive() for thread in threads)
    return results


def test_two_simultaneous_approvals_make_one_award_and_one_audit_entry():
    case = ApplicationFactory(status=Status.REVIEWED)
    first, second = make_user(Role.CITY_REVIEWER), make_user(Role.CITY_REVIEWER)

    results = _race(
        lambda: case_decide(application_id=case.pk, action="approve", actor=first),
        lambda: case_decide(application_id=case.pk, action="approve", actor=second),
    )

    winners = [r for r in results if not isinstance(r, Exception)]
    losers = [r for r in results if isinstance(r, Exception)]
    assert len(winners) == 1, results
    assert len(losers) == 1, results
    assert isinstance(losers[0], Conflict), results
    assert str(losers[0].message) == str(ALREADY_DECIDED % {"status": "已批准"})
    assert Award.objects.filter(application=case).count() == 1
    assert CaseEvent.objects.filter(application=case, action="approve").count() == 1
    award = Award.objects.get(application=case)
    assert award.approved_by_id == winners[0].award.approved_by_id


def test_two_simultaneous_api_decisions_answer_200_and_409():
    case = ApplicationFactory(status=Status.REVIEWED)
    clients = []
    for _ in range(2):
        client = Client()
        sign_in(client, make_user(Role.CITY_REVIEWER))
        clients.append(client)
    url = f"/api/v1/cases/{case.pk}/transitions/"

    def post(client: Client, action: str, reason: str) -> object:
        return client.post(
            url, {"action": action, "reason": reason}, content_type="application/json"
        )

    results = _race(
        lambda: post(clients[0], "approve", ""),
        lambda: post(clients[1], "city_reject", "不符合条件"),
    )

    codes = sorted(r.status_code for r in results)
    assert codes == [200, 409], [r.content for r in results]
    loser = next(r for r in results if r.status_code == 409)
    assert "已被他人处理" in api_message(loser)
    case.refresh_from_db()
    assert case.status in {Status.APPROVED, Status.REJECTED}
    decisions = CaseEvent.objects.filter(application=case, action__in=["approve", "city_reject"])
    assert decisions.count() == 1
    assert Award.objects.filter(application=case).count() == (
        1 if case.status == Status.APPROVED else 0
    )


def test_two_simultaneous_page_decisions_show_the_loser_a_message():
    case = ApplicationFactory(status=Status.REVIEWED)
    clients = []
    for _ in range(2):
        client = Client()
        sign_in(client, make_user(Role.CITY_REVIEWER))
        clients.append(client)
    url = f"/review/cases/{case.pk}/decide/"

    results = _race(*[lambda c=c: c.post(url, {"action": "approve"}, follow=True) for c in clients])

    pages = [r.content.decode() for r in results]
    assert all(r.status_code == 200 for r in results)
    assert sum("已办理" in page for page in pages) == 1
    assert sum("已被他人处理" in page for page in pages) == 1
    assert Award.objects.filter(application=case).count() == 1
    assert CaseEvent.objects.filter(application=case, action="approve").count() == 1


def test_two_first_time_cases_of_one_enterprise_approved_at_once_pay_once():
    enterprise = EnterpriseFactory(applicant_type="data_trading_operator")
    facts = {"transaction_amount": "1000000.00"}
    cases = [
        ApplicationFactory(
            status=Status.REVIEWED,
            enterprise=enterprise,
            item="first_transaction",
            project_name=name,
            facts=facts,
        )
        for name in ("合同A", "合同B")
    ]
    first, second = make_user(Role.CITY_REVIEWER), make_user(Role.CITY_REVIEWER)

    results = _race(
        lambda: case_decide(application_id=cases[0].pk, action="approve", actor=first),
        lambda: case_decide(application_id=cases[1].pk, action="approve", actor=second),
    )

    assert sum(not isinstance(r, Exception) for r in results) == 1, results
    assert Award.objects.filter(application__enterprise=enterprise).count() == 1


def test_two_prizes_for_one_project_approved_at_once_pay_the_highest_only():
    enterprise = EnterpriseFactory()
    provincial, national = (
        ApplicationFactory(
            status=Status.REVIEWED,
            enterprise=enterprise,
            item=item,
            project_name="城市数据大脑",
            facts={"prize_level": "first"},
        )
        for item in ("contest_provincial", "contest_national")
    )
    first, second = make_user(Role.CITY_REVIEWER), make_user(Role.CITY_REVIEWER)

    results = _race(
        lambda: case_decide(application_id=provincial.pk, action="approve", actor=first),
        lambda: case_decide(application_id=national.pk, action="approve", actor=second),
    )

    # The one approved second is priced after the first (the enterprise's row orders them): the
    # national prize after the provincial one is a top-up of the difference; the provincial one
    # after the national has nothing to pay and is refused as such. Nothing else fails.
    provincial_result, national_result = results
    assert not isinstance(national_result, Exception), results
    assert not isinstance(provincial_result, Exception) or "不再奖励" in str(provincial_result), (
        results
    )
    amounts = Award.objects.filter(application__enterprise=enterprise).values_list(
        "amount", flat=True
    )
    assert sum(amounts) == Decimal("300000.00")


def test_two_city_confirmations_at_once_make_one_county_match(luoshan_programme):
    """县区同步奖励: the case row orders them; the loser hears it was decided, no second match."""
    from applicants.models import Application
    from tests.awards.helpers import case_in, end_announcement

    case = case_in(
        Status.ANNOUNCED,
        enterprise=EnterpriseFactory(jurisdiction="411521"),
        item="honor_national",
        facts={},
    )
    end_announcement(case)
    first, second = make_user(Role.CITY_REVIEWER), make_user(Role.CITY_REVIEWER)
    results = _race(
        lambda: case_decide(application_id=case.pk, action="confirm", actor=first),
        lambda: case_decide(application_id=case.pk, action="confirm", actor=second),
    )
    assert sum(isinstance(r, Conflict) for r in results) == 1, results
    assert Application.objects.filter(matched_application=case).count() == 1


def test_two_county_reviewers_confirming_one_match_make_one_county_award(luoshan_programme):
    from applicants.models import Application
    from tests.awards.helpers import case_in

    case = case_in(
        Status.CONFIRMED,
        enterprise=EnterpriseFactory(jurisdiction="411521"),
        item="honor_national",
        facts={},
    )
    match = Application.objects.get(matched_application=case)
    first = make_user(Role.COUNTY_REVIEWER, jurisdiction="411521")
    second = make_user(Role.COUNTY_REVIEWER, jurisdiction="411521")
    results = _race(
        lambda: case_decide(application_id=match.pk, action="match_confirm", actor=first),
        lambda: case_decide(
            application_id=match.pk, action="match_reject", actor=second, reason="不符"
        ),
    )
    assert sum(isinstance(r, Conflict) for r in results) == 1, results
    match.refresh_from_db()
    assert match.status in {Status.CONFIRMED, Status.REJECTED}
    assert Award.objects.filter(application=match).count() == (match.status == Status.CONFIRMED)


def test_simultaneous_objections_from_one_address_stay_within_its_allowance(settings):
    """The hourly count is taken under a lock per address: two posts at once cannot both see
    the allowance still open."""
    from applicants.errors import ServiceError
    from awards.announcements.services import objection_file
    from awards.errors import TOO_MANY_OBJECTIONS
    from awards.models import Objection
    from tests.awards.helpers import OBJECTION, case_in

    settings.OBJECTIONS_PER_HOUR = 1
    cases = [case_in(Status.ANNOUNCED) for _ in range(2)]
    results = _race(
        *(
            (
                lambda pk=case.pk: objection_file(
                    application_id=pk, ip_address="203.0.113.7", **OBJECTION
                )
            )
            for case in cases
        )
    )
    refused = [r for r in results if isinstance(r, ServiceError)]
    assert len(refused) == 1, results
    assert refused[0].message == TOO_MANY_OBJECTIONS
    assert Objection.objects.count() == 1
