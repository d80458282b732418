"""What every page shares: icon, language menu, English punctuation, the calculator's form, logs."""

import io
import logging
import re
from unittest import mock

import pytest
from django.conf import settings
from django.test import Client, override_settings
from django.urls import reverse
from django.utils.log import configure_logging

from tests.factories import sign_in

pytestmark = pytest.mark.django_db


def english(client: Client) -> Client:
    client.post(reverse("set_language"), {"language": "en"})
    return client


def test_pages_link_an_icon_and_the_browsers_own_request_finds_it(client):
    page = client.get(reverse("calculator")).content.decode()
    assert re.search(r'<link rel="icon" href="/static/favicon\.svg"', page)
    response = client.get("/favicon.ico", follow=True)
    assert response.status_code == 200
    assert response["Content-Type"] in ("image/x-icon", "image/vnd.microsoft.icon")
    content = b"".join(response.streaming_content) if response.streaming else response.content
    assert content[:4] == b"\x00\x00\x01\x00"  # an ICO header


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_language_menu_names_each_language_in_itself(client, language):
    client.cookies["django_language"] = language
    page = client.get(reverse("calculator")).content.decode()
    menu = page[page.index('id="language-select"') : page.index("</select>")]
    assert re.findall(r"<option [^>]*>([^<]+)</option>", menu) == ["中文", "English"]


def test_english_pages_use_english_punctuation(client, city_reviewer):
    sign_in(client, city_reviewer)
    page = english(client).get(reverse("home")).content.decode()
    assert "Current role: " in page
    assert "：" not in re.sub(r"<[^>]+>", "", page[page.index('id="dashboard-role"') :][:200])


def test_the_calculator_form_is_styled_like_the_rest_of_the_site(client):
    params = {"item": "first_balance_sheet", "event_date": "2025-06-01", "entry_amount": "abc"}
    page = client.get(reverse("calculator"), params).content.decode()
    assert re.search(r'<select name="applicant_type" class="form-select"', page)
    assert re.search(r'<input type="text" name="entry_amount" [^>]*class="form-control"', page)
    assert re.search(r'<input type="date" name="event_date" [^>]*class="form-control"', page)
    # The error is tied to its field, and the field's help to its box.
    assert re.search(r'name="entry_amount"[^>]*aria-invalid="true"', page)
    assert 'id="id_event_date_helptext"' in page
    assert "获奖、入选、取得证书、签订合同或入表的日期。" in page


def _console_lines(emit) -> list[str]:
    """What the console shows while `emit` runs, with the project's logging as runserver sets it."""
    buffer = io.StringIO()
    try:
        with override_settings(DEBUG=True), mock.patch("sys.stderr", buffer):
            configure_logging(settings.LOGGING_CONFIG, settings.LOGGING)
            emit()
    finally:
        configure_logging(settings.LOGGING_CONFIG, settings.LOGGING)
    return buffer.getvalue().splitlines()


def test_django_log_lines_are_written_once():
    lines = _console_lines(
        lambda: logging.getLogger("django.utils.autoreload").info("Watching for file changes")
    )
    assert lines == ["Watching for file changes"]


def test_runserver_request_lines_keep_their_time():
    lines = _console_lines(
        lambda: logging.getLogger("django.server").info('"GET / HTTP/1.1" 200 10')
    )
    assert len(lines) == 1
    assert re.fullmatch(r'\[[^\]]+\] "GET / HTTP/1\.1" 200 10', lines[0])


def test_a_refused_request_is_one_warning_line_not_a_traceback(client, enterprise_user):
    sign_in(client, enterprise_user)
    responses = []
    lines = _console_lines(lambda: responses.append(client.get(reverse("awards:queue"))))
    assert responses[0].status_code == 403
    assert lines == [f"Forbidden (Permission denied): {reverse('awards:queue')}"]


def test_a_server_error_keeps_its_traceback():
    def emit() -> None:
        try:
            raise ValueError("boom")
        except ValueError:
            logging.getLogger("django.request").error(
                "Internal Server Error: /", exc_info=True, extra={"status_code": 500}
            )

    lines = _console_lines(emit)
    assert lines[0] == "Internal Server Error: /"
    assert "Traceback (most recent call last):" in lines
