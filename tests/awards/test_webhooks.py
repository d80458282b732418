"""Webhooks: a change of state is POSTed, signed, to a receiver on loopback; a failing receiver
is retried until it answers 2xx; every attempt is in the delivery log."""

import hashlib
import hmac
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from applicants.models import Status
from applicants.services.cases import case_transition
from awards.webhooks.models import DeliveryState, WebhookDelivery, WebhookEndpoint
from awards.webhooks.services import delivery_attempt, signature
from tests.factories import ApplicationFactory

pytestmark = pytest.mark.django_db(transaction=True)

SECRET = "whsec-test-0123456789"


class Receiver:
    """An HTTP server on 127.0.0.1 that answers the statuses it is given, then 200."""

    def __init__(self, statuses: list[int]) -> None:
        self.statuses = list(statuses)
        self.received: list[tuple[dict[str, str], bytes]] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.received.append((dict(self.headers), body))
                self.send_response(receiver.statuses.pop(0) if receiver.statuses else 200)
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    made: list[Receiver] = []

    def make(statuses=()):
        made.append(Receiver(list(statuses)))
        return made[-1]

    yield make
    for r in made:
        r.close()


def _verify(headers: dict[str, str], body: bytes) -> bool:
    """What a receiver does: recompute the HMAC over "<t>.<body>" and compare in constant time."""
    parts = dict(p.split("=", 1) for p in headers["X-Portal-Signature"].split(","))
    expected = hmac.new(SECRET.encode(), f"{parts['t']}.".encode() + body, hashlib.sha256)
    return hmac.compare_digest(parts["v1"], expected.hexdigest())


def test_a_change_of_state_is_posted_signed(receiver, county_reviewer, settings):
    hook = receiver()
    WebhookEndpoint.objects.create(name="一网通办", url=hook.url, secret=SECRET)
    case = ApplicationFactory(status=Status.SUBMITTED, jurisdiction="411502")
    case_transition(application_id=case.pk, action="recommend", actor=county_reviewer)
    assert len(hook.received) == 1
    headers, body = hook.received[0]
    assert _verify(headers, body)
    payload = json.loads(body)
    assert payload["event"] == "case.transitioned"
    assert payload["action"] == "recommend"
    assert payload["case"] == {
        "id": case.pk,
        "reference": case.reference,
        "status": "recommended",
        "item": case.item,
        "programme": "city",
        "jurisdiction": "411502",
    }
    delivery = WebhookDelivery.objects.get()
    assert headers["X-Portal-Delivery"] == str(delivery.pk)
    assert delivery.state == DeliveryState.DELIVERED
    assert delivery.attempts == 1
    assert delivery.last_status_code == 200


def test_a_tampered_body_does_not_verify():
    body = b'{"case":{"status":"paid"}}'
    header = signature(secret=SECRET, timestamp=1_700_000_000, body=body)
    assert _verify({"X-Portal-Signature": header}, body)
    assert not _verify({"X-Portal-Signature": header}, body.replace(b"paid", b"rejected"))


@pytest.fixture
def fast_retries(monkeypatch):
    """The worker's settings (it reads the environment when it starts): retry at once."""
    monkeypatch.setenv("WEBHOOK_RETRY_BASE_SECONDS", "0")
    monkeypatch.setenv("WEBHOOK_MAX_ATTEMPTS", "4")


def _wait_for(predicate, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "the worker did not finish the delivery in time"
        time.sleep(0.2)


@pytest.mark.worker
def test_a_failing_receiver_is_retried_by_the_worker_until_it_answers(
    receiver, fast_retries, celery_worker, county_reviewer
):
    hook = receiver([500, 503])
    WebhookEndpoint.objects.create(name="财政系统", url=hook.url, secret=SECRET)
    case = ApplicationFactory(status=Status.SUBMITTED, jurisdiction="411502")
    case_transition(application_id=case.pk, action="recommend", actor=county_reviewer)
    _wait_for(lambda: WebhookDelivery.objects.filter(state=DeliveryState.DELIVERED).exists())
    delivery = WebhookDelivery.objects.get()
    assert delivery.attempts == 3
    assert delivery.last_status_code == 200
    # The same bytes every time, each signed afresh.
    assert len(hook.received) == 3
    assert len({body for _, body in hook.received}) == 1
    assert all(_verify(h, b) for h, b in hook.received)


def test_after_the_last_attempt_the_delivery_is_failed_and_logged(
    receiver, county_reviewer, settings
):
    settings.WEBHOOK_MAX_ATTEMPTS = 1
    hook = receiver([500])
    WebhookEndpoint.objects.create(name="财政系统", url=hook.url, secret=SECRET)
    case = ApplicationFactory(status=Status.SUBMITTED, jurisdiction="411502")
    case_transition(application_id=case.pk, action="recommend", actor=county_reviewer)
    delivery = WebhookDelivery.objects.get()
    assert delivery.state == DeliveryState.FAILED
    assert delivery.attempts == 1
    assert delivery.last_status_code == 500
    assert delivery.last_error == "HTTP 500"
    # The case's step itself was not undone by the receiver's failure.
    case.refresh_from_db()
    assert case.status == Status.RECOMMENDED


def test_an_unreachable_receiver_is_logged(county_reviewer, settings):
    settings.WEBHOOK_MAX_ATTEMPTS = 1
    WebhookEndpoint.objects.create(name="关闭的", url="http://127.0.0.1:9/hook", secret=SECRET)
    case = ApplicationFactory(status=Status.SUBMITTED, jurisdiction="411502")
    case_transition(application_id=case.pk, action="recommend", actor=county_reviewer)
    delivery = WebhookDelivery.objects.get()
    assert delivery.state == DeliveryState.FAILED
    assert delivery.last_status_code is None
    assert delivery.last_error


def test_a_delivered_delivery_is_never_sent_again(receiver, county_reviewer):
    hook = receiver()
    WebhookEndpoint.objects.create(name="一网通办", url=hook.url, secret=SECRET)
    case = ApplicationFactory(status=Status.SUBMITTED, jurisdiction="411502")
    case_transition(application_id=case.pk, action="recommend", actor=county_reviewer)
    delivery = WebhookDelivery.objects.get()
    # A task redelivered after a lost worker finds it done.
    delivery_attempt(delivery_id=delivery.pk, final=True)
    assert len(hook.received) == 1


def test_endpoints_choose_their_actions_and_county(receiver, county_reviewer):
    everything = receiver()
    only_pay = receiver()
    elsewhere = receiver()
    WebhookEndpoint.objects.create(name="all", url=everything.url, secret=SECRET)
    WebhookEndpoint.objects.create(name="pay", url=only_pay.url, secret=SECRET, actions="pay")
    WebhookEndpoint.objects.create(
        name="luoshan", url=elsewhere.url, secret=SECRET, jurisdiction="411521"
    )
    WebhookEndpoint.objects.create(name="off", url=everything.url, secret=SECRET, active=False)
    case = ApplicationFactory(status=Status.SUBMITTED, jurisdiction="411502")
    case_transition(application_id=case.pk, action="recommend", actor=county_reviewer)
    assert len(everything.received) == 1
    assert only_pay.received == []
    assert elsewhere.received == []
