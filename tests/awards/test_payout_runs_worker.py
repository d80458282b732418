"""Payout planning runs on a real Celery worker over Redis (not eager): quota, budget, deferral,
idempotence, a second run while one is running, and a worker killed with SIGKILL mid-plan."""

import threading
import time
from decimal import Decimal

import pytest
from django.db import connection, connections, transaction
from django.utils import timezone

from applicants.audit import audit_chain_verify
from applicants.errors import Conflict
from applicants.models import CaseEvent, Status
from awards.models import Award, Budget, PayoutRun
from awards.payouts.models import RunState
from awards.payouts.planning import plan_preview
from awards.payouts.services import payout_run_request
from tests.awards.helpers import case_in

pytestmark = pytest.mark.worker


@pytest.fixture(autouse=True)
def _cases_without_approval_sheets():
    """Building the cases would queue a 审批表 render per step ahead of the plan on the one
    worker; these tests are about the plan (which still queues its own document refresh)."""
    from applicants.signals import case_transitioned
    from awards.documents import receivers

    case_transitioned.disconnect(dispatch_uid="awards.documents")
    yield
    receivers.connect()


def _budget(year: int, amount: str) -> None:
    Budget.objects.update_or_create(year=year, programme="city", defaults={"amount": amount})


def _request(actor) -> PayoutRun:
    with transaction.atomic():  # enqueued when this commits, as a web request would
        return payout_run_request(actor=actor)


def _wait_until(predicate, *, timeout: float = 60.0, what: str = "") -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.1)
    pytest.fail(f"timed out waiting for {what}")


def _finished(run: PayoutRun) -> PayoutRun:
    _wait_until(
        lambda: PayoutRun.objects.get(pk=run.pk).state in (RunState.DONE, RunState.FAILED),
        what=f"run {run.pk} to finish",
    )
    run.refresh_from_db()
    return run


def _years(cases) -> list[int | None]:
    years = dict(
        Award.objects.filter(application__in=cases).values_list("application_id", "pay_year")
    )
    return [years[c.pk] for c in cases]


def _someone_waits_on_a_lock() -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
            "AND datname = current_database()"
        )
        return cursor.fetchone()[0] > 0


class _BudgetLock:
    """Holds the programme's budget rows on a connection of its own: a plan that reaches them
    waits there, mid-plan, with the case rows and the plan state already locked."""

    def __init__(self) -> None:
        self.locked = threading.Event()
        self.release = threading.Event()
        self.thread = threading.Thread(target=self._hold, daemon=True)

    def _hold(self) -> None:
        try:
            with transaction.atomic():
                list(Budget.objects.select_for_update().filter(programme="city"))
                self.locked.set()
                self.release.wait(timeout=120)
        finally:
            connections.close_all()

    def __enter__(self) -> "_BudgetLock":
        self.thread.start()
        assert self.locked.wait(timeout=10)
        return self

    def __exit__(self, *exc: object) -> None:
        self.release.set()
        self.thread.join(timeout=30)


def test_quota_overflow_budget_exhaustion_and_a_second_deferral_on_a_real_worker(
    celery_worker, finance_user
):
    # 14 awards of 100,000 for one item, quota 5 a year.
    cases = [case_in(Status.CONFIRMED) for _ in range(14)]
    _budget(2026, "1000000")  # room for 10, but the quota stops at 5
    _budget(2027, "300000")  # the budget stops at 3
    _budget(2028, "1000000")  # the quota stops at 5 again: the last one waits
    run = _finished(_request(finance_user))
    assert run.state == RunState.DONE, run.error
    assert run.attempts == 1
    assert _years(cases) == [2026] * 5 + [2027] * 3 + [2028] * 5 + [None]
    years = {y["year"]: y for y in run.result["years"]}
    assert years[2026]["items"]["contest_provincial"]["quota_used"] == 5
    assert years[2027]["remaining"] == "0.00"
    assert years[2028]["planned"] == "500000.00"
    assert run.result["queued"]["count"] == 1
    assert run.changes["planned"] == {"count": 13, "amount": "1300000.00"}
    # The cases 9 to 13 were passed over twice (2026's quota, 2027's budget) and keep their order.
    assert (
        CaseEvent.objects.filter(application=cases[12], action="schedule").get().data["pay_year"]
        == 2028
    )

    # The same state again: a new run that changes nothing.
    again = _finished(_request(finance_user))
    assert again.state == RunState.DONE
    assert again.first_event_id is None
    assert again.changes["unchanged"] == 14
    assert _years(cases) == [2026] * 5 + [2027] * 3 + [2028] * 5 + [None]

    # 2027's budget is cut to one award: the two it drops were approved earlier than 2028's,
    # so they take 2028's places and the last two of 2028 go back to the queue.
    _budget(2027, "100000")
    cut = _finished(_request(finance_user))
    assert cut.changes["moved"] == {"count": 2, "amount": "200000.00"}
    assert cut.changes["queued"] == {"count": 2, "amount": "200000.00"}
    assert _years(cases) == [2026] * 5 + [2027] + [2028] * 5 + [None] * 3
    assert audit_chain_verify().ok


def test_a_second_run_while_one_is_running_is_refused(celery_worker, finance_user):
    [case_in(Status.CONFIRMED) for _ in range(3)]
    _budget(2026, "1000000")
    with _BudgetLock():
        first = _request(finance_user)
        _wait_until(_someone_waits_on_a_lock, what="the plan to reach the budget rows")
        assert PayoutRun.objects.get(pk=first.pk).state == RunState.RUNNING
        with pytest.raises(Conflict) as refused:
            _request(finance_user)
        assert "正在安排" in str(refused.value.message)
    assert _finished(first).state == RunState.DONE
    assert PayoutRun.objects.count() == 1


def test_a_worker_killed_mid_plan_leaves_nothing_and_a_rerun_plans_as_fresh(
    celery_worker, finance_user, settings
):
    settings.PAYOUT_RUN_LEASE_SECONDS = 2
    paid = case_in(Status.PAID, pay_year=2026)
    cases = [case_in(Status.CONFIRMED) for _ in range(8)]
    _budget(2026, "600000")
    _budget(2027, "300000")
    expected = plan_preview("city")
    planned_years = {c.application_id: c.to_year for c in expected.changes}
    plan_entries = CaseEvent.objects.filter(action__in=("schedule", "reschedule", "unschedule"))
    assert not plan_entries.exclude(application=paid).exists()

    with _BudgetLock():
        killed = _request(finance_user)
        _wait_until(_someone_waits_on_a_lock, what="the plan to reach the budget rows")
        assert PayoutRun.objects.get(pk=killed.pk).state == RunState.RUNNING
        celery_worker.kill()
    # The killed worker's open transaction is rolled back by the database: nothing was written.
    _wait_until(lambda: not _someone_waits_on_a_lock(), what="the killed plan's locks to go")
    assert not plan_entries.exclude(application=paid).exists()
    assert _years(cases) == [None] * 8

    # Its run stopped reporting progress: after the lease the next request gives it up.
    time.sleep(2.5)
    celery_worker.start()
    rerun = _finished(_request(finance_user))
    killed.refresh_from_db()
    assert killed.state == RunState.FAILED
    assert "没有报告进度" in killed.error
    assert rerun.state == RunState.DONE, rerun.error
    assert _years(cases) == [planned_years.get(c.pk) for c in cases]
    # The paid award holds one of 2026's five places and 100,000 of its budget.
    assert _years(cases) == [2026] * 4 + [2027] * 3 + [None]
    # The paid award stayed paid once, in its year.
    paid.refresh_from_db()
    assert paid.status == Status.PAID
    assert CaseEvent.objects.filter(application=paid, action="pay").count() == 1
    assert Award.objects.get(application=paid).pay_year == 2026
    assert not plan_entries.filter(data__run=killed.pk).exists()
    assert plan_entries.filter(data__run=rerun.pk).count() == 7
    assert audit_chain_verify().ok
    assert PayoutRun.objects.get(pk=rerun.pk).finished_at <= timezone.now()
    assert Decimal(rerun.result["years"][0]["paid"]) == Award.objects.get(application=paid).amount
