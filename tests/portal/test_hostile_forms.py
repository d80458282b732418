"""Hostile input in every form and every JSON endpoint: no 500, nothing stored that should not be.

The forms are not listed by hand: every page of the access matrix (tests/portal/
test_access_matrix.py) is opened as each actor it lets through, every `<form method="post">` on it
is read, and each is posted back with every field hostile: oversized, NaN and Infinity, full-width
digits, invisible and bidi text, HTML, SQL fragments, path traversal in file names, formula-leading
cells and NUL. A form added to any page is covered the day it appears. Pages that only some
states of a case show (the enterprise's edit and submit forms, the objection form) are opened in
those states too (EXTRA_PAGES). JSON endpoints that take a body are listed in API_BODIES, and
`test_every_json_endpoint_has_hostile_bodies` fails when one is added without an entry.

After each page's posts the database is scanned: no text column of the portal's own tables holds
NUL, a bidi override or a zero-width character, and no stored file name climbs out of its folder.
"""

import json
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from django.apps import apps
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models
from django.db.models import Q
from django.test import Client
from django.urls import resolve, reverse

from applicants.models import Status
from tests.awards.helpers import case_in
from tests.factories import TINY_PDF, sign_in
from tests.portal.test_access_matrix import (
    LOGIN,
    OK,
    ROUTES,
    SIGNED_IN,
    World,
    url_routes,
)

pytestmark = pytest.mark.django_db

HOSTILE = [
    "NaN",
    "Infinity",
    "-1e309",
    "１２３４５６",
    "\u200b\u200b",
    "\u202eabc\u202c",
    "<script>alert(1)</script>",
    "'; DROP TABLE applicants_application; --",
    "../../../etc/passwd",
    '=HYPERLINK("http://x")',
    "9" * 2000,
    "x" * 100_000,
    "-0.005",
    "\x00",
]
# Characters no stored text may hold: clean_text drops them before anything is saved.
FORBIDDEN = ("\x00", "\u202e", "\u202c", "\u200b")
# Posting to these would end the session or change the language of the rest of the run.
NOT_POSTED = frozenset({"logout", "set_language"})
PORTAL_APPS = ("applicants", "awards")


# --- reading the forms of a page ------------------------------------------------------------


@dataclass
class FormFound:
    action: str
    enctype: str
    fields: dict[str, str] = field(default_factory=dict)  # name → type ("text", "hidden", …)
    values: dict[str, str] = field(default_factory=dict)  # hidden fields' and options' values
    buttons: list[tuple[str, str]] = field(default_factory=list)  # named submit buttons


class _FormParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[FormFound] = []
        self._form: FormFound | None = None
        self._select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attr = {key: value or "" for key, value in attrs}
        if tag == "form":
            if attr.get("method", "get").lower() == "post":
                self._form = FormFound(
                    action=attr.get("action", ""), enctype=attr.get("enctype", "")
                )
                self.forms.append(self._form)
            return
        form, name = self._form, attr.get("name")
        if form is None or not name or name == "csrfmiddlewaretoken":
            return
        kind = attr.get("type", "text").lower() if tag == "input" else tag
        if tag == "button" or kind == "submit":
            form.buttons.append((name, attr.get("value", "")))
        elif tag in {"input", "textarea", "select"}:
            form.fields[name] = kind
            if kind in {"hidden", "radio", "checkbox"}:
                form.values.setdefault(name, attr.get("value", "on"))
            if tag == "select":
                self._select = name
        return

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_data(self, data: str) -> None:
        return

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None


def forms_of(html: str) -> list[FormFound]:
    parser = _FormParser()
    parser.feed(html)
    return parser.forms


# --- what is posted ---------------------------------------------------------------------------


def hostile_bodies(form: FormFound, value: str) -> list[dict[str, object]]:
    """Two bodies per named button (or one set of fields): every visible field hostile with the
    hidden ones kept (so the post reaches the deeper checks), and every field hostile."""
    buttons = form.buttons[:3] or [("", "")]
    bodies = []
    for button, button_value in buttons:
        for keep_hidden in (True, False):
            body: dict[str, object] = {}
            for name, kind in form.fields.items():
                if kind == "file":
                    body[name] = SimpleUploadedFile(
                        "../../" + (value[:40] or "x") + ".pdf", TINY_PDF, "application/pdf"
                    )
                elif keep_hidden and kind in {"hidden", "radio", "checkbox"}:
                    body[name] = form.values.get(name, "")
                else:
                    body[name] = value
            if button:
                body[button] = button_value
            bodies.append(body)
    return bodies


def assert_nothing_stored_that_should_not_be() -> None:
    for model in (m for app in PORTAL_APPS for m in apps.get_app_config(app).get_models()):
        text_fields = [
            f.name
            for f in model._meta.get_fields()
            if isinstance(f, (models.CharField, models.TextField)) and f.concrete
        ]
        file_fields = [f.name for f in model._meta.get_fields() if isinstance(f, models.FileField)]
        if text_fields:
            dirty = Q()
            for name in text_fields:
                for character in FORBIDDEN[1:]:  # PostgreSQL refuses NUL in text outright
                    dirty |= Q(**{f"{name}__contains": character})
            found = list(model.objects.filter(dirty).values_list("pk", flat=True)[:3])
            assert not found, (model.__name__, found)
        for name in file_fields:
            climbing = model.objects.filter(**{f"{name}__contains": ".."})
            assert not climbing.exists(), (model.__name__, name)


# --- which pages, as whom -------------------------------------------------------------------


@dataclass(frozen=True)
class Page:
    route: str
    actor: str
    case_status: str | None = None  # None: the access matrix's case for the route


def _passes(route_name: str, actor: str) -> bool:
    return ROUTES[route_name].expected[actor] in {OK, 200}


def _pages() -> list[Page]:
    pages = []
    for name, route in ROUTES.items():
        if route.method != "GET" or name in {"api-schema", "api-docs"}:
            continue
        actors = [a for a in ("anonymous", *SIGNED_IN) if _passes(name, a)]
        # One enterprise and each kind of official that gets through: the forms differ by role.
        chosen: list[str] = []
        for actor in actors:
            kind = actor.split("_")[0]
            if all(other.split("_")[0] != kind for other in chosen):
                chosen.append(actor)
        pages.extend(Page(name, actor) for actor in chosen)
    return pages


# Forms a page shows only while its case is in some state.
EXTRA_PAGES = [
    Page("applicants:edit", "enterprise_own", Status.DRAFT),
    Page("applicants:submit", "enterprise_own", Status.DRAFT),
    Page("applicants:withdraw", "enterprise_own", Status.SUBMITTED),
    Page("applicants:detail", "enterprise_own", Status.RETURNED),
    Page("awards:case_detail", "county_own", Status.SUBMITTED),
    Page("awards:case_detail", "city", Status.APPROVED),
    Page("awards:case_detail", "city", Status.ANNOUNCED),
]
PAGES = _pages() + EXTRA_PAGES


@pytest.fixture(autouse=True)
def _isolated(settings, luoshan_programme):
    """A private cache (the throttles count this module's requests only), no objection limit
    (every hostile objection is judged on its content), mail in memory."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    settings.OBJECTIONS_PER_HOUR = 0
    cache.clear()


def _url_of(page: Page, world: World) -> str:
    route = ROUTES[page.route]
    if page.case_status is None:
        return reverse(page.route, args=route.args(world))
    case = case_in(page.case_status, enterprise=world.case.enterprise)
    if page.route.startswith("applicants:") and page.case_status in {Status.DRAFT, Status.RETURNED}:
        case.created_by = world.user("enterprise_own")
        case.save(update_fields=["created_by"])
    return reverse(page.route, args=[case.pk])


def _client_for(page: Page, world: World) -> Client:
    client = Client()
    if page.actor != "anonymous":
        sign_in(client, world.user(page.actor))
    return client


@pytest.mark.parametrize("page", PAGES, ids=[f"{p.route}-{p.actor}-{p.case_status}" for p in PAGES])
def test_every_form_on_the_page_takes_hostile_input(page: Page) -> None:
    world = World(case_status=ROUTES[page.route].case_status)
    url = _url_of(page, world)
    client = _client_for(page, world)
    response = client.get(url)
    assert response.status_code < 500, response.status_code
    if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
        return
    for form in forms_of(response.content.decode()):
        action = urljoin(url, form.action) if form.action else url
        target = urlsplit(action).path
        if resolve(target).url_name in NOT_POSTED or target == reverse("logout"):
            continue
        for value in HOSTILE:
            for body in hostile_bodies(form, value):
                client = _client_for(page, world)  # a post may have signed someone out
                answer = client.post(action, body)
                assert answer.status_code < 500, (target, repr(value[:20]), answer.status_code)
                assert (
                    answer.status_code != 302
                    or not answer["Location"].startswith(reverse("login"))
                    or page.actor == "anonymous"
                ), (target, "signed out by a form post")
    assert_nothing_stored_that_should_not_be()


def test_pages_with_forms_are_read() -> None:
    """The parser finds the forms (a broken parser would make every test above vacuous)."""
    html = (
        '<form method="post" action="/x/"><input type="hidden" name="action" value="approve">'
        '<input name="amount"><textarea name="reason"></textarea><select name="year">'
        '<option value="2026">2026</option></select><input type="file" name="licence">'
        '<button type="submit" name="go" value="1">Go</button></form><form method="get"></form>'
    )
    (found,) = forms_of(html)
    assert found.action == "/x/"
    assert found.fields == {
        "action": "hidden", "amount": "text", "reason": "textarea", "year": "select",
        "licence": "file",
    }  # fmt: skip
    assert found.values["action"] == "approve"
    assert found.buttons == [("go", "1")]


# --- JSON endpoints ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ApiBody:
    actor: str
    body: dict[str, object]
    method: str = "POST"


# A valid body per JSON endpoint that takes one: each leaf is replaced by each hostile value.
API_BODIES: dict[str, ApiBody] = {
    "api-quote": ApiBody(
        "anonymous",
        {"item": "contest_provincial", "facts": {"rank": "first", "date": "2025-06-01"}},
    ),
    "api-simulate-payouts": ApiBody(
        "anonymous",
        {
            "budgets": {"2026": "1000000.00"},
            "awards": [{"id": "a", "item": "contest_provincial", "amount": "100000.00"}],
        },
    ),
    "case-transitions": ApiBody("city", {"action": "approve", "amount": "1.00", "reason": "x"}),
    "case-bulk-transitions": ApiBody("city", {"action": "review", "ids": [1, 2]}),
    "applicants-api-applications": ApiBody(
        "enterprise_own",
        {
            "item": "contest_provincial",
            "project_name": "项目",
            "description": "简介",
            "event_date": "2025-05-20",
            "facts": {"prize_level": "first"},
            "declaration_accepted": True,
        },
    ),
    "applicants-api-application-submit": ApiBody("enterprise_own", {}),
    "applicants-api-application-withdraw": ApiBody("enterprise_own", {"reason": "x"}),
    # Multipart only: a JSON body is refused (415) whatever it holds.
    "applicants-api-application-evidence": ApiBody("enterprise_own", {"kind": "award_notice"}),
    "case-override": ApiBody("city", {"amount": "1.00", "override_reason": "x"}),
    "case-quota-exemption": ApiBody("city", {"quota_exempt": True, "exempt_reason": "x"}),
    "case-reprice": ApiBody("city", {"accept": True, "reason": "x"}),
    "api-budget": ApiBody("finance", {"amount": "1000.00"}, method="PUT"),
    "api-payout-runs": ApiBody("finance", {}),
    "api-batches": ApiBody("finance", {"year": 2026, "awards": [1]}),
    "api-batch-export": ApiBody("finance", {"format": "csv"}),
    "api-batch-cancel": ApiBody("finance", {}),
    "api-batch-bank-returns": ApiBody("finance", {"file": "x"}),
    "api-bank-return-confirm": ApiBody("finance", {}),
    "api-bank-return-discard": ApiBody("finance", {}),
    "api-report-exports": ApiBody("finance", {"format": "csv", "filters": {"year": "2026"}}),
    "api-notifications-read-all": ApiBody("enterprise_own", {}),
    "api-notification-read": ApiBody("enterprise_own", {}),
}
MALFORMED = [b"{", b"NaN", b"[1, 2", b'{"a": NaN}', b'{"a": Infinity}', b"[" * 5000, b"\xff\xfe"]


def _leaves(body: object, path: tuple = ()) -> list[tuple]:
    if isinstance(body, dict):
        return [leaf for key, value in body.items() for leaf in _leaves(value, (*path, key))]
    if isinstance(body, list):
        return [leaf for i, value in enumerate(body) for leaf in _leaves(value, (*path, i))]
    return [path]


def _replaced(body: object, path: tuple, value: object) -> object:
    if not path:
        return value
    copy = json.loads(json.dumps(body))
    target = copy
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value
    return copy


def test_every_json_endpoint_has_hostile_bodies() -> None:
    """A route that answers a JSON POST other than 405 must have an entry here."""
    worlds: dict[str, World] = {}
    missing = []
    for name, pattern in url_routes().items():
        if not pattern.startswith("api/") or name in API_BODIES:
            continue
        route = ROUTES[name]
        world = worlds.setdefault(route.case_status, World(case_status=route.case_status))
        client = Client()
        actor = next((a for a in SIGNED_IN if route.expected[a] in {OK, 200}), None)
        if actor:
            sign_in(client, world.user(actor))
        url = reverse(name, args=route.args(world))
        answer = client.post(url, "{}", content_type="application/json")
        if answer.status_code != 405:
            missing.append(name)
    assert not missing, f"JSON endpoints taking a POST without hostile bodies: {missing}"


@pytest.mark.parametrize("name", sorted(API_BODIES))
def test_json_endpoints_take_hostile_bodies(name: str) -> None:
    entry = API_BODIES[name]
    world = World(case_status=ROUTES[name].case_status)
    client = Client()
    if entry.actor != "anonymous":
        sign_in(client, world.user(entry.actor))
    url = reverse(name, args=ROUTES[name].args(world))
    bodies: list[bytes] = list(MALFORMED)
    for path in _leaves(entry.body):
        for value in [*HOSTILE, None, [], {}, 10**400, -1, True]:
            text = json.dumps(_replaced(entry.body, path, value))
            bodies.append(text.encode())
    for body in bodies:
        answer = client.generic(entry.method, url, body, "application/json")
        assert answer.status_code < 500, (name, body[:60], answer.status_code)
        assert answer.status_code != 302 or answer["Location"] != LOGIN
    assert_nothing_stored_that_should_not_be()
