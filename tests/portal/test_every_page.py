"""Walk every page each demo user can reach by links, in both languages: none may fail.

A net under every view at once: a template error, a missing translation of a URL name, a query
that breaks on real demo data shows up here as a 5xx or an unexpected 404.
"""

import re

import pytest
from django.test import Client

from applicants.models import User
from portal.services import demo_data_load
from tests.factories import sign_in

pytestmark = pytest.mark.django_db

SKIPPED_PREFIXES = ("/static/", "/admin/", "/api/v1/docs", "/accounts/logout")
START = ["/", "/calculator/", "/gongshi/"]


def _walk(client: Client, limit: int = 200) -> dict[str, int]:
    seen: dict[str, int] = {}
    todo = list(START)
    while todo and len(seen) < limit:
        url = todo.pop()
        if url in seen:
            continue
        response = client.get(url)
        seen[url] = response.status_code
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        for link in re.findall(r'href="(/[^"#?]*)', response.content.decode()):
            if not link.startswith(SKIPPED_PREFIXES) and link not in seen:
                todo.append(link)
    return seen


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize(
    "username",
    [None, "qiye", "qiye_luoshan", "county_shihe", "county_luoshan", "city", "finance", "admin"],
)
def test_every_linked_page_answers(username, language):
    demo_data_load()
    client = Client()
    client.cookies["django_language"] = language
    if username:
        sign_in(client, User.objects.get(username=username))
    statuses = _walk(client)
    assert len(statuses) >= len(START)
    failures = {url: code for url, code in statuses.items() if code >= 400}
    assert not failures, failures
