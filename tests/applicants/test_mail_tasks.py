"""Mail leaves the request: one Celery task per recipient, queued once the step commits."""

from collections import Counter
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from smtplib import SMTPException

import pytest
from celery.app.trace import build_tracer
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from applicants.models import Application, Notification, Status
from applicants.roles import Role
from applicants.services.cases import case_transition
from applicants.tasks import MAIL_MAX_RETRIES, send_notification_mail
from awards.services.decisions import case_decide
from tests.factories import ApplicationFactory, make_user, sign_in

pytestmark = pytest.mark.django_db

BULK = reverse("awards:queue_bulk")
MAIL_TASK = send_notification_mail.name

Queued = Callable[[], list[tuple[str, tuple, dict]]]


@pytest.fixture
def queued(settings) -> Iterator[Queued]:
    """Tasks are not eager: they go to an in-memory broker, where the test reads them.

    Yields a function that takes the queued messages off the queue: [(task name, args, headers)].
    """
    from portal.celery import app

    previous = {k: app.conf[k] for k in ("task_always_eager", "broker_url")}
    settings.CELERY_TASK_ALWAYS_EAGER = False
    app.conf.task_always_eager = False
    app.conf.broker_url = "memory://"
    queue = app.conf.task_default_queue

    def take() -> list[tuple[str, tuple, dict]]:
        messages = []
        with app.connection_for_write() as connection:
            simple = connection.SimpleQueue(queue)
            while True:
                try:
                    message = simple.get_nowait()
                except simple.Empty:
                    break
                headers = message.headers
                messages.append((headers["task"], tuple(message.decode()[0]), headers))
                message.ack()
            simple.close()
        return messages

    take()  # what an earlier test left on the process-wide memory broker
    try:
        yield take
    finally:
        take()
        app.conf.update(previous)


def _mail_tasks(messages: list[tuple[str, tuple, dict]]) -> list[tuple]:
    return [args for name, args, _headers in messages if name == MAIL_TASK]


def _run_as_a_worker(args: tuple, headers: dict) -> str:
    """Run one queued message the way a worker does (not eagerly): a retry is published to the
    broker with its countdown, as in production. Returns the task's resulting state."""
    tracer = build_tracer(
        MAIL_TASK,
        send_notification_mail,
        eager=False,
        store_errors=False,
        app=send_notification_mail.app,
    )
    request = {
        "id": headers["id"],
        "task": MAIL_TASK,
        "retries": headers["retries"],
        "eta": headers["eta"],
        "delivery_info": {"is_eager": False},
    }
    traced = tracer(headers["id"], args, {}, request)
    # A success carries no trace info; a retry or a failure says which it was.
    return "SUCCESS" if traced.info is None else traced.info.state


def _submitted_case_with_city_reviewers() -> tuple[Application, set[str]]:
    case = ApplicationFactory(status=Status.SUBMITTED)
    city = [make_user(Role.CITY_REVIEWER) for _ in range(2)]
    return case, {case.created_by.email, *(u.email for u in city)}


def test_the_task_retries_smtp_and_network_errors_with_backoff_and_is_acked_late():
    assert set(send_notification_mail.autoretry_for) == {OSError, SMTPException}
    assert send_notification_mail.retry_backoff
    assert send_notification_mail.max_retries == MAIL_MAX_RETRIES == 6
    assert send_notification_mail.acks_late is True


def test_a_step_queues_one_mail_task_per_recipient_on_commit(
    queued, county_reviewer, django_capture_on_commit_callbacks
):
    case, addresses = _submitted_case_with_city_reviewers()
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        case_decide(application_id=case.pk, action="recommend", actor=county_reviewer)
        # Not before commit: nothing is queued and no notification written yet.
        assert queued() == []
        assert not Notification.objects.exists()
    tasks = _mail_tasks(queued())
    assert sorted(args[0] for args in tasks) == sorted(addresses)
    # The portal notifications were written in the after-commit step; the mail is only queued.
    assert Notification.objects.count() == len(addresses)
    assert mail.outbox == []
    assert all("县区已推荐" in body for _to, _subject, body in tasks)

    # A worker running the queued messages sends each mail to its one address.
    for args in tasks:
        send_notification_mail.apply(args=args).get()
    assert sorted(m.to[0] for m in mail.outbox) == sorted(addresses)
    assert {len(m.to) + len(m.cc) + len(m.bcc) for m in mail.outbox} == {1}


def test_nothing_is_queued_when_the_step_rolls_back(
    queued, county_reviewer, django_capture_on_commit_callbacks
):
    case, _addresses = _submitted_case_with_city_reviewers()

    def decide_then_fail() -> None:
        with transaction.atomic():
            case_decide(application_id=case.pk, action="recommend", actor=county_reviewer)
            raise RuntimeError("a later step of the same transaction fails")

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        decide_then_fail()
    assert queued() == []
    assert not Notification.objects.exists()
    case.refresh_from_db()
    assert case.status == Status.SUBMITTED


def test_a_queued_objection_mail_carries_no_text_from_the_public(
    queued, django_capture_on_commit_callbacks
):
    case = ApplicationFactory(status=Status.ANNOUNCED)
    make_user(Role.CITY_REVIEWER)
    text = "请点击 http://evil.example 领取奖金"
    with django_capture_on_commit_callbacks(execute=True):
        case_transition(application_id=case.pk, action="object", actor=None, reason=text)
    tasks = _mail_tasks(queued())
    assert tasks
    assert all(text not in subject + body for _to, subject, body in tasks)
    assert all("详情请登录平台查看" in body for _to, _subject, body in tasks)
    assert Notification.objects.filter(message__contains=text).count() == len(tasks)


def _refuse_mail(monkeypatch) -> Counter[str]:
    """The mail server answers every message with a temporary failure; counts the attempts."""
    attempts: Counter[str] = Counter()

    def refuse(self, messages):
        for message in messages:
            attempts[message.to[0]] += 1
        raise SMTPException("451 temporary failure")

    monkeypatch.setattr(EmailBackend, "send_messages", refuse)
    return attempts


def test_a_failing_mail_server_is_retried_with_backoff_and_never_undoes_the_step(
    client, queued, county_reviewer, monkeypatch, django_capture_on_commit_callbacks
):
    attempts = _refuse_mail(monkeypatch)
    case, addresses = _submitted_case_with_city_reviewers()
    sign_in(client, county_reviewer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(BULK, {"action": "recommend", "ids": [case.pk]})
    assert response.status_code == 302
    pending = [m for m in queued() if m[0] == MAIL_TASK]
    assert len(pending) == len(addresses)
    for attempt in range(1 + MAIL_MAX_RETRIES):
        states = [_run_as_a_worker(args, headers) for _name, args, headers in pending]
        pending = queued()
        if attempt < MAIL_MAX_RETRIES:
            assert states == ["RETRY"] * len(addresses)
            # Each retry is a new message, later by a growing (jittered) backoff, capped at 600 s.
            assert {headers["retries"] for _n, _a, headers in pending} == {attempt + 1}
            latest = timezone.now() + timedelta(seconds=min(600, 30 * 2**attempt) + 5)
            for _name, _args, headers in pending:
                # No eta: the jitter drew a countdown of 0 s.
                assert headers["eta"] is None or datetime.fromisoformat(headers["eta"]) <= latest
        else:
            # Given up after the last retry: the failure is the worker's log entry.
            assert states == ["FAILURE"] * len(addresses)
            assert pending == []
    assert attempts == dict.fromkeys(addresses, 1 + MAIL_MAX_RETRIES)
    assert mail.outbox == []
    # The step, its audit entry and the portal notifications stand.
    case.refresh_from_db()
    assert case.status == Status.RECOMMENDED
    assert Notification.objects.filter(application=case).count() == len(addresses)


def test_a_mail_that_fails_once_is_sent_on_its_retry(queued, monkeypatch):
    real = EmailBackend.send_messages
    calls = []

    def flaky(self, messages):
        calls.append(messages[0].to)
        if len(calls) == 1:
            raise ConnectionRefusedError("the mail server restarts")
        return real(self, messages)

    monkeypatch.setattr(EmailBackend, "send_messages", flaky)
    send_notification_mail.delay("a@example.com", "主题", "正文")
    [(_name, args, headers)] = queued()
    assert _run_as_a_worker(args, headers) == "RETRY"
    [(_name, args, headers)] = queued()
    assert _run_as_a_worker(args, headers) == "SUCCESS"
    assert calls == [["a@example.com"], ["a@example.com"]]
    assert [m.to for m in mail.outbox] == [["a@example.com"]]


def test_in_process_tasks_a_failing_mail_is_logged_and_the_page_still_answers(
    client, county_reviewer, monkeypatch, caplog, django_capture_on_commit_callbacks
):
    """Without a broker (`make run`, the demo) tasks run in the request and are not retried:
    the failure is logged, the other recipients' mail is still tried and the step stands."""
    attempts = _refuse_mail(monkeypatch)
    case, addresses = _submitted_case_with_city_reviewers()
    sign_in(client, county_reviewer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(BULK, {"action": "recommend", "ids": [case.pk]})
    assert response.status_code == 302
    assert attempts == dict.fromkeys(addresses, 1)
    assert sum("451 temporary failure" in r.getMessage() for r in caplog.records) == len(addresses)
    case.refresh_from_db()
    assert case.status == Status.RECOMMENDED
    assert Notification.objects.filter(application=case).count() == len(addresses)


def _cases(count: int) -> list[Application]:
    """`count` submitted cases of one enterprise (one member) in one county, written in bulk: the
    mail, not the case factory, is tested."""
    base = ApplicationFactory(status=Status.SUBMITTED, jurisdiction="411502")
    clones = []
    for number in range(count - 1):
        clone = Application.objects.get(pk=base.pk)
        clone.pk = None
        clone.project_name = f"批量项目{number}"
        clone.project_key = f"批量项目{number}"
        clones.append(clone)
    return [base, *Application.objects.bulk_create(clones)]


def test_a_bulk_action_over_300_cases_answers_with_the_mail_queued_not_sent(
    client, queued, transactional_db
):
    """Real commits (each case decided on its own): the mail is queued inside the request, as in
    production, and nothing is sent before the page answers."""
    county = make_user(Role.COUNTY_REVIEWER, jurisdiction="411502")
    cases = _cases(300)
    city = [make_user(Role.CITY_REVIEWER) for _ in range(2)]
    addresses = {cases[0].created_by.email, *(u.email for u in city)}
    sign_in(client, county)
    response = client.post(BULK, {"action": "recommend", "ids": [c.pk for c in cases]})
    assert response.status_code == 302
    assert Application.objects.filter(status=Status.RECOMMENDED).count() == 300
    assert mail.outbox == []
    tasks = _mail_tasks(queued())
    assert len(tasks) == 300 * len(addresses) == 900
    assert len(tasks) == Notification.objects.exclude(recipient__email="").count()
    assert Counter(args[0] for args in tasks) == dict.fromkeys(addresses, 300)


@pytest.mark.worker
def test_a_real_worker_runs_the_mail_task(celery_worker_process):
    """The worker loads the task through autodiscovery (`applicants.tasks`) and sends the mail
    (its console backend prints it)."""
    from celery.result import EagerResult

    result = send_notification_mail.delay("a@example.com", "主题", "正文")
    assert not isinstance(result, EagerResult)
    assert result.get(timeout=30) == 1
