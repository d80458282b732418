"""Rate limits that count right: one reading of the client's address everywhere, made-up
forwarded headers earn nothing, the shared cache holds a limit across worker processes, and the
public simulation is bounded in work."""

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core.cache import cache
from django.test import RequestFactory
from django.urls import reverse

from applicants.client_address import client_address
from portal.throttles import ClientAnonThrottle
from tests.api_helpers import api_errors, api_message
from tests.conftest import REPO_ROOT, _database_url


@pytest.mark.parametrize(
    ("header", "meta", "expected"),
    [
        (
            "REMOTE_ADDR",
            {"REMOTE_ADDR": "198.51.100.7", "HTTP_X_FORWARDED_FOR": "1.2.3.4"},
            "198.51.100.7",
        ),
        (
            "HTTP_X_REAL_IP",
            {"REMOTE_ADDR": "10.0.0.1", "HTTP_X_REAL_IP": "203.0.113.5"},
            "203.0.113.5",
        ),
        # The client wrote "1.2.3.4, 5.6.7.8"; the proxy appended the address it saw.
        (
            "HTTP_X_FORWARDED_FOR",
            {"REMOTE_ADDR": "10.0.0.1", "HTTP_X_FORWARDED_FOR": "1.2.3.4, 5.6.7.8, 203.0.113.9"},
            "203.0.113.9",
        ),
        ("HTTP_X_REAL_IP", {"REMOTE_ADDR": "10.0.0.1", "HTTP_X_REAL_IP": "not an address"}, None),
    ],
)
def test_one_reading_of_the_client_address(settings, header, meta, expected):
    settings.CLIENT_IP_HEADER = header
    request = RequestFactory().get("/", **meta)
    assert client_address(request) == expected


@pytest.fixture
def five_a_minute(monkeypatch):
    monkeypatch.setattr(ClientAnonThrottle, "THROTTLE_RATES", {"anon": "5/minute"})
    cache.clear()
    yield
    cache.clear()


@pytest.mark.django_db
@pytest.mark.parametrize("header", ["REMOTE_ADDR", "HTTP_X_FORWARDED_FOR"])
def test_made_up_forwarded_addresses_never_earn_a_new_allowance(
    client, settings, header, five_a_minute
):
    settings.CLIENT_IP_HEADER = header
    answers = []
    for n in range(30):
        spoofed = f"198.18.{n // 250}.{n % 250}"
        response = client.post(
            reverse("api-quote"),
            {},
            content_type="application/json",
            REMOTE_ADDR="192.0.2.10",
            # Behind the proxy the client's own entries come first; the proxy's last.
            HTTP_X_FORWARDED_FOR=f"{spoofed}, 192.0.2.10",
        )
        answers.append(response.status_code)
    assert answers[:5] == [400] * 5  # counted, then refused for the empty body
    assert set(answers[5:]) == {429}


@pytest.mark.django_db
def test_the_simulation_is_bounded_in_bytes_and_in_work(client, settings):
    settings.API_MAX_JSON_BYTES = 10_000
    big = {"budgets": {"2026": "1.00"}, "awards": [{"id": "x" * 40}] * 400}
    response = client.post(reverse("api-simulate-payouts"), big, content_type="application/json")
    assert response.status_code == 413
    assert "10,000" in api_message(response)
    assert response.json()["code"] == "too_large"
    settings.API_MAX_JSON_BYTES = 10_000_000
    award = {
        "id": "a",
        "item": "contest_provincial",
        "amount": "1.00",
        "approved_at": "2026-01-01T00:00:00+08:00",
    }
    many = {"budgets": {"2026": "1.00"}, "awards": [award] * 5_001}
    response = client.post(reverse("api-simulate-payouts"), many, content_type="application/json")
    assert response.status_code == 400
    assert "5000" in api_errors(response)["awards"][0]
    years = {"budgets": {str(2000 + n): "1.00" for n in range(51)}, "awards": []}
    response = client.post(reverse("api-simulate-payouts"), years, content_type="application/json")
    assert response.status_code == 400
    assert "budgets" in api_errors(response)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.mark.worker
def test_a_limit_holds_across_two_worker_processes(transactional_db, settings):
    """Two gunicorn workers share the limit through Redis: five calls a minute for one address,
    whichever process answers, and whatever X-Forwarded-For the client makes up."""
    assert settings.REDIS_AVAILABLE, "Redis is not reachable on 127.0.0.1:6379: run `make services`"
    import redis

    redis.Redis.from_url(settings.THROTTLE_TEST_REDIS_URL).flushdb()
    port = _free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings.local",
        "DEBUG": "false",
        "DATABASE_URL": _database_url(),
        "REDIS_URL": settings.THROTTLE_TEST_REDIS_URL,
        "API_ANON_RATE": "5/minute",
        "CLIENT_IP_HEADER": "HTTP_X_FORWARDED_FOR",
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "portal.wsgi:application", "-w", "2",
         "-b", f"127.0.0.1:{port}", "--log-level", "warning"],
        cwd=REPO_ROOT,
        env=env,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                time.sleep(0.2)
        else:
            pytest.fail("gunicorn did not start within 30 s")

        def call(n: int) -> int:
            request = urllib.request.Request(
                f"http://127.0.0.1:{port}/api/v1/quote/",
                data=b"{}",
                headers={
                    "Content-Type": "application/json",
                    "X-Forwarded-For": f"198.18.0.{n}, 192.0.2.44",
                    "Connection": "close",
                },
            )
            try:
                with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 (http://127.0.0.1)
                    return response.status
            except urllib.error.HTTPError as error:
                return error.code

        with ThreadPoolExecutor(max_workers=4) as pool:
            answers = list(pool.map(call, range(24)))
        assert answers.count(400) == 5, answers
        assert answers.count(429) == 19, answers
    finally:
        server.terminate()
        server.wait(timeout=20)
