"""The access matrix: every route of the URL configuration × every role and anonymous.

The routes are collected from `get_resolver()`, so a route added without an entry in ROUTES (or
an entry left behind by a removed route) fails `test_every_route_has_an_entry`. Each cell
(route, actor) is its own test: the actor says whose object the URL names — the case belongs
to the enterprise of `enterprise_own` in the county of `county_own`; `enterprise_other` is
another enterprise, `county_other` another county's reviewer, `county_finance` the finance of
that other county (罗山县, its matching programme enabled), the city's batches, runs and exports
are `finance`'s.

Answers: a page refuses anonymous visitors with a redirect to the login form (LOGIN), the API
with 401 (it offers tokens: `WWW-Authenticate: Bearer`); a role the route is not for gets 403; an
object outside one's scope gets 404 (the portal never reveals that another's case exists), or
403 where the view says so (payment batches and bank returns: "not yours" and "not there"
answer alike). OK means "got through access control": 200, a redirect other than to the login
form, or the route's own refusal of an empty form (400/409).

Django's admin (admin/) is left out: it has its own permission tests (tests/awards/test_admin.py).
"""

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from unittest import mock

import pytest
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from applicants.models import Application, Enterprise, EvidenceFile, Notification, Status, User
from applicants.roles import Role
from applicants.two_factor.middleware import PUBLIC_VIEWS, SECOND_FACTOR_VIEWS
from applicants.verification.bank_changes import bank_change_request
from applicants.verification.claims import enterprise_claim_register
from applicants.verification.models import BankAccountChange, EnterpriseClaim
from applicants.winners.models import WinnerImport
from awards.documents.models import Document
from awards.documents.rendering import RenderedPdf
from awards.documents.services import document_render_approval
from awards.models import Objection, PayoutPlanState
from awards.payments import services as payments
from awards.payments.models import BankReturnImport, PaymentBatch
from awards.payouts.models import PayoutRun
from awards.payouts.services import payout_run_create
from awards.reports import services as reports
from awards.reports.models import PayoutExport
from awards.revisions.models import RulesCandidate
from tests.applicants.verification.helpers import enterprise_input, registered
from tests.awards.helpers import case_in, finance_user
from tests.factories import TINY_PDF, make_user, sign_in, upload

LOGIN = "login"  # a redirect to the login form
OK = "ok"  # through access control (see the module docstring)
OK_STATUSES = frozenset({200, 204, 302, 400, 409})

ACTORS = (
    "anonymous",
    "enterprise_own",
    "enterprise_other",
    "county_own",
    "county_other",
    "county_finance",
    "city",
    "finance",
    "admin",
)
OFFICIALS = ("county_own", "county_other", "county_finance", "city", "finance", "admin")
SIGNED_IN = ACTORS[1:]

OWN_COUNTY = "411502"  # 浉河区, where the case's enterprise is
OTHER_COUNTY = "411521"  # 罗山县, whose matching programme the module enables
PAY_YEAR = 2026


# --- the objects a URL names, built lazily once per test ----------------------------------------


@dataclass
class World:
    """What one cell needs, made on first use (the database is rolled back after each test)."""

    # A city case of 浉河区 the county recommended: every city official and that county's
    # reviewer sees it. Announced where the URL names its approval sheet (the enterprise reads
    # it from then on).
    case_status: str = Status.REVIEWED
    _users: dict[str, User] = field(default_factory=dict)

    @cached_property
    def case(self) -> Application:
        return case_in(self.case_status)

    def user(self, actor: str) -> User:
        if actor not in self._users:
            self._users[actor] = self._make(actor)
        return self._users[actor]

    def _make(self, actor: str) -> User:
        if actor == "enterprise_own":
            return make_user(Role.ENTERPRISE, enterprise=self.case.enterprise)
        if actor == "finance":
            return finance_user()  # the one the helpers use, so the batches are this user's
        roles = {
            "enterprise_other": (Role.ENTERPRISE, {}),
            "county_own": (Role.COUNTY_REVIEWER, {"jurisdiction": OWN_COUNTY}),
            "county_other": (Role.COUNTY_REVIEWER, {"jurisdiction": OTHER_COUNTY}),
            "county_finance": (Role.COUNTY_FINANCE, {"jurisdiction": OTHER_COUNTY}),
            "city": (Role.CITY_REVIEWER, {}),
            "admin": (Role.ADMIN, {}),
        }
        role, fields = roles[actor]
        return make_user(role, **fields)

    @cached_property
    def evidence(self) -> EvidenceFile:
        """A PDF evidence file of the case, stored as an upload stores it."""
        evidence = EvidenceFile(
            application=self.case,
            kind="certificate",
            original_name="证书.pdf",
            content_type="application/pdf",
            size=len(TINY_PDF),
            sha256=hashlib.sha256(TINY_PDF).hexdigest(),
            uploaded_by=self.case.created_by,
        )
        evidence.file.save("matrix.pdf", ContentFile(TINY_PDF), save=False)
        evidence.save()
        return evidence

    @cached_property
    def document(self) -> Document:
        """The case's approval sheet (审批表), stored by the documents service; its PDF is a
        blank page (rendering and signing take a second each and decide no access)."""
        blank = RenderedPdf(content=TINY_PDF, pages=1)
        with (
            mock.patch("awards.documents.services.render_pdf", return_value=blank),
            mock.patch("awards.documents.services.sign_pdf", side_effect=lambda pdf, **_: pdf),
        ):
            return document_render_approval(application_id=self.case.pk)

    @cached_property
    def announced(self) -> Application:
        """A case in its 公示 period (the public objection form is open)."""
        return case_in(Status.ANNOUNCED)

    @cached_property
    def batch(self) -> PaymentBatch:
        """An exported city payment batch of one scheduled award, created by city finance."""
        case_in(Status.SCHEDULED, pay_year=PAY_YEAR)
        PayoutPlanState.objects.update(stale=False)
        actor = self.user("finance")
        batch = payments.batch_create(actor=actor, programme="city", year=PAY_YEAR)
        payments.batch_export(actor=actor, batch_id=batch.pk, file_format="csv")
        batch.refresh_from_db()
        return batch

    @cached_property
    def bank_return(self) -> BankReturnImport:
        """A bank return of the batch, uploaded and waiting to be confirmed."""
        item = self.batch.items.select_related("award__application").get()
        case = item.award.application
        content = (
            "申报编号,金额,支付凭证号,支付日期,状态,失败原因\n"
            f"{case.reference},{item.amount:.2f},ZF-001,"
            f"{timezone.localdate().isoformat()},成功,\n"
        ).encode("utf-8-sig")
        return payments.bank_return_upload(
            actor=self.user("finance"),
            batch_id=self.batch.pk,
            file_name="回单.csv",
            content=content,
        )

    @cached_property
    def run(self) -> PayoutRun:
        return payout_run_create(programme="city", trigger="manual", actor=self.user("finance"))

    @cached_property
    def winner_import(self) -> WinnerImport:
        return WinnerImport.objects.create(via="command", file_name="名单.csv", sha256="0" * 64)

    @cached_property
    def candidate(self) -> RulesCandidate:
        """A candidate rules revision the city uploaded (compared, not adopted)."""
        from tests.awards.revision_helpers import uploaded

        return uploaded(self.user("city"))

    @cached_property
    def export(self) -> PayoutExport:
        """A finished report export requested by city finance."""
        job = PayoutExport.objects.create(requested_by=self.user("finance"), format="csv")
        reports.payout_export_run(export_id=job.pk)
        job.refresh_from_db()
        return job

    @cached_property
    def pending_enterprise(self) -> Enterprise:
        """An enterprise of 浉河区 registered with its licence, waiting for its county."""
        return registered(4242).enterprise

    @cached_property
    def claim(self) -> EnterpriseClaim:
        """A second registration of that enterprise's code: an open claim."""
        code = self.pending_enterprise.credit_code
        return enterprise_claim_register(
            enterprise=enterprise_input(4242, credit_code=code),
            username="matrix-claimant",
            password="Xinyang-Reward-2025",
            statement="本单位被冒名注册",
            licence=upload("执照.pdf"),
        )

    @cached_property
    def bank_change(self) -> BankAccountChange:
        """A pending change of the case's (verified) enterprise's account."""
        return bank_change_request(
            actor=self.user("enterprise_own"),
            bank_name="中国工商银行",
            bank_account="62220217000011",
        )

    @cached_property
    def notification(self) -> Notification:
        """A notification to the case's enterprise member about its case."""
        return Notification.objects.create(
            recipient=self.user("enterprise_own"), application=self.case, message="已受理"
        )

    @cached_property
    def objection(self) -> Objection:
        """A public objection to the case, with a PDF evidence file (stored as filing stores it)."""
        objection = Objection(
            application=self.case,
            name="王五",
            phone="13800000000",
            text="获奖信息与公告不符，请核查。",
            evidence_name="证据.pdf",
            evidence_type="application/pdf",
            evidence_size=len(TINY_PDF),
            evidence_sha256=hashlib.sha256(TINY_PDF).hexdigest(),
        )
        objection.evidence.save("matrix-objection.pdf", ContentFile(TINY_PDF), save=False)
        objection.save()
        return objection


# --- the table -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    method: str
    expected: dict[str, str | int]
    args: Callable[[World], list[object]] = lambda world: []
    data: dict[str, str] = field(default_factory=dict)
    case_status: str = Status.REVIEWED


def everyone(answer: str | int) -> dict[str, str | int]:
    return dict.fromkeys(ACTORS, answer)


def signed_in(answer: str | int = OK, *, anonymous: str | int = LOGIN) -> dict[str, str | int]:
    return {"anonymous": anonymous, **dict.fromkeys(SIGNED_IN, answer)}


def enterprise_only(other: str | int = OK) -> dict[str, str | int]:
    """An enterprise page: officials 403; `other` for another enterprise's object."""
    return {
        "anonymous": LOGIN,
        "enterprise_own": OK,
        "enterprise_other": other,
        **dict.fromkeys(OFFICIALS, 403),
    }


def officials(
    answer: str | int = OK, *, anonymous: str | int = LOGIN, **answers: str | int
) -> dict[str, str | int]:
    """An officials' page: enterprises 403; `answers` overrides per official."""
    return {
        "anonymous": anonymous,
        "enterprise_own": 403,
        "enterprise_other": 403,
        **dict.fromkeys(OFFICIALS, answer),
        **answers,
    }


# The case is the city's, filed in 浉河区: outside the scope of the other county's reviewer and
# of that county's finance (it sees its matching cases only).
CASE_SCOPE: dict[str, str | int] = {"county_other": 404, "county_finance": 404}
CASE_VIEWERS: dict[str, str | int] = {
    "anonymous": LOGIN,
    "enterprise_own": OK,
    "enterprise_other": 404,
    "county_own": OK,
    **CASE_SCOPE,
    "city": OK,
    "finance": OK,
    "admin": OK,
}
API_CASE_VIEWERS: dict[str, str | int] = {**CASE_VIEWERS, "anonymous": 401}
# The enterprise's writes on its case: officials who see it are refused by role (403), others 404.
API_CASE_WRITERS: dict[str, str | int] = {
    **API_CASE_VIEWERS,
    "county_own": 403,
    "city": 403,
    "finance": 403,
    "admin": 403,
}
# City finance manages the city's batches; nobody else (admin and the city read no batch).
CITY_FINANCE_ONLY = officials(403, finance=OK)


# The city's own acts on an award: out of the case's scope 404; in it, the city's reviewer alone
# (others 403 before their input is read).
API_CITY_ACTS = officials(403, anonymous=401, **CASE_SCOPE, city=OK)
# The API's finance desk: finance, county finance (its county's) and administrators (read-only).
FINANCE_DESK = officials(403, anonymous=401, county_finance=200, finance=200, admin=200)
# Writes and batches of the city's programme: its finance; read-only desks 403, others' 404.
CITY_BUDGET_WRITERS = officials(403, anonymous=401, county_finance=404, finance=OK)
# A batch of the city's: its finance alone; other desks do not see it (404).
API_CITY_BATCHES = officials(403, anonymous=401, county_finance=404, finance=OK, admin=404)


# Identity is the county's decision: its reviewer opens its own county's objects (another
# county's reviewer gets 404, as for cases); every other role 403.
COUNTY_OWN = officials(403, county_own=OK, county_other=404)


def case(world: World) -> list[object]:
    return [world.case.pk]


ROUTES: dict[str, Route] = {
    # --- site, sign-in, passwords (public unless said) ---
    "home": Route("GET", signed_in()),
    "healthz": Route("GET", everyone(200)),
    "login": Route("GET", everyone(200)),
    # Signing out (POST only) ends on the login form, for anyone.
    "logout": Route("POST", everyone(LOGIN)),
    # Behind re-authentication: a redirect to the confirm page first.
    "password_change": Route("GET", signed_in()),
    "password_change_done": Route("GET", signed_in(200)),
    "password_reset": Route("GET", everyone(200)),
    "password_reset_done": Route("GET", everyone(200)),
    # A made-up link: the page says it is invalid (200), for anyone.
    "password_reset_confirm": Route("GET", everyone(200), lambda w: ["MQ", "set-password"]),
    "password_reset_complete": Route("GET", everyone(200)),
    "set_language": Route("POST", everyone(302), data={"language": "zh-hans"}),
    # Re-authentication: anyone signed in confirms their own password (and code).
    "reauth": Route("GET", signed_in(200)),
    # --- officials' second factor: enterprises have none to set (403) ---
    "two_factor:security": Route("GET", officials(200)),
    # Verified already: on to the home page; enrolled already: on to the security page.
    "two_factor:verify": Route("GET", officials()),
    "two_factor:enrol": Route("GET", officials()),
    "two_factor:backup_codes": Route("GET", officials(200)),
    # Behind re-authentication: a redirect to the confirm page.
    "two_factor:reenrol": Route("GET", officials()),
    "two_factor:backup_codes_regenerate": Route("GET", officials()),
    # API tokens: anyone signed in, their own; the page is behind re-authentication (a redirect),
    # revoking a token that is not theirs says so and changes nothing.
    "api_tokens:list": Route("GET", signed_in()),
    "api_tokens:revoke": Route("POST", signed_in(), lambda w: [987654]),
    # 免申即享: the city's reviewers import the published lists.
    "winners:imports": Route("GET", officials(403, city=200)),
    "winners:detail": Route("GET", officials(403, city=200), lambda w: [w.winner_import.pk]),
    "winners:report": Route("GET", officials(403, city=200), lambda w: [w.winner_import.pk]),
    # 规则修订: the city's reviewers load, compare, discard and adopt candidates.
    "revisions:candidates": Route("GET", officials(403, city=200)),
    "revisions:detail": Route("GET", officials(403, city=200), lambda w: [w.candidate.pk]),
    "revisions:export": Route("GET", officials(403, city=200), lambda w: [w.candidate.pk]),
    "revisions:status": Route("GET", officials(403, city=200), lambda w: [w.candidate.pk]),
    "revisions:compare": Route("POST", officials(403, city=OK), lambda w: [w.candidate.pk]),
    "revisions:discard": Route("POST", officials(403, city=OK), lambda w: [w.candidate.pk]),
    # An empty form is a 400 (no date): nothing is adopted by the matrix.
    "revisions:adopt": Route("POST", officials(403, city=400), lambda w: [w.candidate.pk]),
    "calculator": Route("GET", everyone(200)),
    "favicon": Route("GET", everyone(302)),  # to the icon among the static files
    # --- the enterprise's pages ---
    "applicants:home": Route("GET", signed_in(200)),
    # Signed in, registering again is pointless: back to the home page.
    "applicants:register": Route("GET", signed_in(302, anonymous=200)),
    "applicants:members": Route("GET", enterprise_only()),
    "applicants:new": Route("GET", enterprise_only(), lambda w: ["contest_provincial"]),
    "applicants:quote": Route("POST", enterprise_only(), lambda w: ["contest_provincial"]),
    "applicants:detail": Route("GET", CASE_VIEWERS, case),
    "applicants:edit": Route("GET", enterprise_only(404), case),
    "applicants:submit": Route("GET", enterprise_only(404), case),
    "applicants:withdraw": Route("GET", enterprise_only(404), case),
    "applicants:evidence": Route("GET", CASE_VIEWERS, lambda w: [w.evidence.pk]),
    # --- identity checks: the enterprise's page; the bank change is behind re-authentication
    # (a redirect to the confirm page); the county's pages, its own county's objects only ---
    "identity:mine": Route("GET", enterprise_only()),
    "identity:bank_account": Route("GET", enterprise_only()),
    "identity:queue": Route("GET", officials(403, county_own=OK, county_other=OK)),
    "identity:enterprise": Route("GET", COUNTY_OWN, lambda w: [w.pending_enterprise.pk]),
    "identity:claim": Route("GET", COUNTY_OWN, lambda w: [w.claim.pk]),
    "identity:bank_change": Route("GET", COUNTY_OWN, lambda w: [w.bank_change.pk]),
    "identity:licence": Route("GET", COUNTY_OWN, lambda w: [w.pending_enterprise.licence_id]),
    # --- the officials' queue and case page ---
    "awards:queue": Route("GET", officials()),
    "awards:queue_bulk": Route("POST", officials()),
    "awards:case_detail": Route("GET", officials(**CASE_SCOPE), case),
    "awards:case_decide": Route("POST", officials(**CASE_SCOPE), case),
    "awards:award_override": Route("POST", officials(**CASE_SCOPE), case),
    "awards:award_exempt": Route("POST", officials(**CASE_SCOPE), case),
    # A valid answer (the service then says there is no new price): an empty form answers 500
    # (reported; _case_page takes no reprice_form).
    "awards:award_reprice": Route("POST", officials(**CASE_SCOPE), case, data={"accept": "1"}),
    # 公示异议: every official who sees the case reads them; the empty form answers 400 (only
    # the city's reviewer's answer would then be taken, by the service).
    "awards:case_objections": Route("GET", officials(**CASE_SCOPE), case),
    "awards:objection_resolve": Route("POST", officials(**CASE_SCOPE), lambda w: [w.objection.pk]),
    "awards:objection_evidence": Route("GET", officials(**CASE_SCOPE), lambda w: [w.objection.pk]),
    # --- the finance desk: city finance, county finance (its county's), admin (read-only) ---
    "awards:finance": Route("GET", officials(403, county_finance=OK, finance=OK, admin=OK)),
    "awards:finance_schedule": Route(
        "POST", officials(403, county_finance=OK, finance=OK, admin=OK)
    ),
    # A run of the city's programme: shown on the desks that show the city's programme.
    "awards:payout_run": Route("GET", officials(404, finance=OK, admin=OK), lambda w: [w.run.pk]),
    "awards:payout_run_panel": Route(
        "GET", officials(404, finance=OK, admin=OK), lambda w: [w.run.pk]
    ),
    "awards:batches": Route("GET", officials(403, county_finance=OK, finance=OK)),
    "awards:batch_detail": Route("GET", CITY_FINANCE_ONLY, lambda w: [w.batch.pk]),
    "awards:batch_export": Route("POST", CITY_FINANCE_ONLY, lambda w: [w.batch.pk]),
    "awards:batch_cancel": Route("POST", CITY_FINANCE_ONLY, lambda w: [w.batch.pk]),
    "awards:bank_return_upload": Route("POST", CITY_FINANCE_ONLY, lambda w: [w.batch.pk]),
    "awards:bank_return_confirm": Route("POST", CITY_FINANCE_ONLY, lambda w: [w.bank_return.pk]),
    "awards:bank_return_discard": Route("POST", CITY_FINANCE_ONLY, lambda w: [w.bank_return.pk]),
    # --- reports: every official (over the cases each sees); an export is its requester's ---
    "awards:reports": Route("GET", officials()),
    "awards:report_export": Route("POST", officials()),
    "awards:report_export_status": Route(
        "GET", officials(404, finance=OK, admin=OK), lambda w: [w.export.pk]
    ),
    "awards:report_export_download": Route(
        "GET", officials(404, finance=OK, admin=OK), lambda w: [w.export.pk]
    ),
    # Charts: the programmes of one's finance desk, every programme for the city; none for a
    # county reviewer.
    "awards:dashboards": Route("GET", officials(OK, county_own=403, county_other=403)),
    # --- notifications: one's own ---
    "awards:notifications": Route("GET", signed_in()),
    "awards:notification_open": Route(
        "GET", {**signed_in(404), "enterprise_own": OK}, lambda w: [w.notification.pk]
    ),
    # --- documents: verification public, downloads as for the case ---
    "documents:verify": Route(
        "GET", everyone(200), lambda w: [w.document.code], case_status=Status.ANNOUNCED
    ),
    "documents:download": Route(
        "GET", CASE_VIEWERS, lambda w: [w.document.pk], case_status=Status.ANNOUNCED
    ),
    # A batch list of the city's programme: its finance desks and the city's reviewers.
    "documents:render_batch": Route(
        "POST",
        {
            **signed_in(404),
            "city": OK,
            "finance": OK,
            "admin": OK,
        },
        lambda w: [PAY_YEAR],
    ),
    # --- the public announcement (公示) ---
    "gongshi:list": Route("GET", everyone(200)),
    "gongshi:objection": Route("GET", everyone(200), lambda w: [w.announced.pk]),
    # --- the API ---
    "api-quote": Route("POST", everyone(400)),  # public; an empty question is a 400
    "api-simulate-payouts": Route("POST", everyone(400)),
    "applicants-api-applications": Route("GET", signed_in(200, anonymous=401)),
    "applicants-api-application": Route("GET", API_CASE_VIEWERS, case),
    "applicants-api-evidence": Route("GET", API_CASE_VIEWERS, lambda w: [w.evidence.pk]),
    # A reviewed case is no longer the enterprise's to change: its own writes answer 409 (OK).
    "applicants-api-application-submit": Route("POST", API_CASE_WRITERS, case),
    "applicants-api-application-withdraw": Route("POST", API_CASE_WRITERS, case),
    "applicants-api-application-evidence": Route("POST", API_CASE_WRITERS, case),
    "case-list": Route("GET", officials(200, anonymous=401)),
    "case-detail": Route("GET", officials(200, anonymous=401, **CASE_SCOPE), case),
    "case-transitions": Route("POST", officials(OK, anonymous=401, **CASE_SCOPE), case),
    # An empty request is a 400 for every official (OK); each case's scope is its outcome.
    "case-bulk-transitions": Route("POST", officials(OK, anonymous=401)),
    # The city's changes to an approved award: the queue's scope, then the service's role check
    # (a county reviewer who sees the case is refused 403).
    "case-override": Route("POST", API_CITY_ACTS, case),
    "case-quota-exemption": Route("POST", API_CITY_ACTS, case),
    "case-reprice": Route("POST", API_CITY_ACTS, case),
    # --- the API's finance desk: a programme off one's desk is a 404, read-only a 403 ---
    "api-programmes": Route("GET", FINANCE_DESK),
    "api-programme": Route("GET", {**FINANCE_DESK, "county_finance": 404}, lambda w: ["city"]),
    "api-budget": Route("PUT", CITY_BUDGET_WRITERS, lambda w: ["city", PAY_YEAR]),
    "api-payout-runs": Route("GET", {**FINANCE_DESK, "county_finance": 404}, lambda w: ["city"]),
    "api-payout-run": Route("GET", {**FINANCE_DESK, "county_finance": 404}, lambda w: [w.run.pk]),
    "api-batch-candidates": Route("GET", CITY_BUDGET_WRITERS, lambda w: ["city"]),
    "api-batches": Route("GET", CITY_BUDGET_WRITERS, lambda w: ["city"]),
    "api-batch": Route("GET", API_CITY_BATCHES, lambda w: [w.batch.pk]),
    "api-batch-export": Route("POST", API_CITY_BATCHES, lambda w: [w.batch.pk]),
    "api-batch-cancel": Route("POST", API_CITY_BATCHES, lambda w: [w.batch.pk]),
    "api-batch-bank-returns": Route("POST", API_CITY_BATCHES, lambda w: [w.batch.pk]),
    "api-bank-return": Route("GET", API_CITY_BATCHES, lambda w: [w.bank_return.pk]),
    "api-bank-return-confirm": Route("POST", API_CITY_BATCHES, lambda w: [w.bank_return.pk]),
    "api-bank-return-discard": Route("POST", API_CITY_BATCHES, lambda w: [w.bank_return.pk]),
    # --- reports: every official; an export is its requester's (or an administrator's) ---
    "api-report-payouts": Route("GET", officials(200, anonymous=401)),
    "api-report-exports": Route("GET", officials(200, anonymous=401)),
    "api-report-export": Route(
        "GET", officials(404, anonymous=401, finance=200, admin=200), lambda w: [w.export.pk]
    ),
    "api-report-export-file": Route(
        "GET", officials(404, anonymous=401, finance=200, admin=200), lambda w: [w.export.pk]
    ),
    # --- documents as for the download page; notifications one's own ---
    "api-documents": Route("GET", signed_in(200, anonymous=401), case_status=Status.ANNOUNCED),
    "api-document": Route(
        "GET", API_CASE_VIEWERS, lambda w: [w.document.pk], case_status=Status.ANNOUNCED
    ),
    "api-document-file": Route(
        "GET", API_CASE_VIEWERS, lambda w: [w.document.pk], case_status=Status.ANNOUNCED
    ),
    "api-notifications": Route("GET", signed_in(200, anonymous=401)),
    "api-notifications-read-all": Route("POST", signed_in(200, anonymous=401)),
    "api-notification-read": Route(
        "POST",
        {**signed_in(404, anonymous=401), "enterprise_own": 200},
        lambda w: [w.notification.pk],
    ),
    "api-schema": Route("GET", everyone(200)),
    "api-docs": Route("GET", everyone(200)),
}

# Routes whose table entry is not written yet: the coverage test accepts them, nothing else.
PENDING: frozenset[str] = frozenset()


# --- the URL configuration -------------------------------------------------------------------


def url_routes() -> dict[str, str]:
    """Every named route outside admin/: "namespace:name" → its pattern."""
    found: dict[str, str] = {}

    def walk(resolver: URLResolver, prefix: str, namespace: str) -> None:
        for entry in resolver.url_patterns:
            pattern = prefix + str(entry.pattern)
            if isinstance(entry, URLResolver):
                if pattern.startswith("admin/"):
                    continue  # Django's admin: its own permission tests
                inner = namespace
                if entry.namespace:
                    inner = f"{namespace}{entry.namespace}:"
                walk(entry, pattern, inner)
            elif isinstance(entry, URLPattern):
                assert entry.name, f"the route {pattern!r} has no name: name it and add it here"
                found[namespace + entry.name] = pattern

    walk(get_resolver(), "", "")
    return found


def test_every_route_has_an_entry() -> None:
    routes = set(url_routes())
    without_entry = routes - set(ROUTES) - PENDING
    without_route = (set(ROUTES) | PENDING) - routes
    assert not without_entry, (
        f"routes without an entry in the access matrix: {sorted(without_entry)}"
    )
    assert not without_route, (
        f"entries of the access matrix without a route: {sorted(without_route)}"
    )
    assert not set(ROUTES) & PENDING


def test_every_entry_names_every_actor() -> None:
    incomplete = {name for name, route in ROUTES.items() if set(route.expected) != set(ACTORS)}
    assert not incomplete, incomplete


# --- the cells ---------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _matrix_settings(settings, luoshan_programme):
    """罗山县's matching programme on (county finance has a desk); a private cache, emptied,
    so the API throttles count this module's requests only, never another run's."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    cache.clear()


def _answer(response) -> str | int:
    if response.status_code == 302 and response["Location"].startswith(reverse("login")):
        return LOGIN
    return response.status_code


def _request(client: Client, route: "Route", url: str):  # type: ignore[no-untyped-def]
    if route.method == "GET":
        return client.get(url)
    if route.method == "POST":
        return client.post(url, route.data)
    # The API's other writes (PUT) take JSON.
    return client.generic(route.method, url, json.dumps(route.data), "application/json")


CELLS = [(name, actor) for name in ROUTES for actor in ACTORS]


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "actor"), CELLS, ids=[f"{n}-{a}" for n, a in CELLS])
def test_access(name: str, actor: str) -> None:
    route = ROUTES[name]
    world = World(case_status=route.case_status)
    url = reverse(name, args=route.args(world))
    client = Client()
    if actor != "anonymous":
        sign_in(client, world.user(actor))
    response = _request(client, route, url)
    answer = _answer(response)
    expected = route.expected[actor]
    if expected == OK:
        assert answer in OK_STATUSES, (name, actor, answer)
    else:
        assert answer == expected, (name, actor, answer)


# --- a password alone: officials whose session has not passed the second factor ---------------

SECOND_FACTOR = "second_factor"  # a redirect to the code page or to the enrolment
SECOND_FACTOR_PAGES = frozenset(SECOND_FACTOR_VIEWS - {"logout", "set_language"})
PUBLIC = "public"  # what a visitor may open: through, never sent to the second factor


def _unverified_expected(name: str, actor: str) -> str | int:
    route = ROUTES[name]
    if name in SECOND_FACTOR_PAGES:
        return OK
    if route.expected[actor] == LOGIN:  # signing out: for anyone
        return LOGIN
    anonymous = route.expected["anonymous"]
    if anonymous == LOGIN:
        return SECOND_FACTOR
    if anonymous == 401:  # the API, for signed-in users only
        return 403
    return PUBLIC


def _unverified_answer(response) -> str | int:
    location = response.get("Location", "") if response.status_code == 302 else ""
    if location.startswith((reverse("two_factor:verify"), reverse("two_factor:enrol"))):
        return SECOND_FACTOR
    return _answer(response)


def test_the_open_routes_are_the_ones_a_password_alone_reaches() -> None:
    """The middleware's list of public pages is the matrix's: a route opened to anonymous
    visitors without being listed would send officials to the second factor, and a listed
    route that anonymous visitors cannot open would be a hole."""
    public = {name for name, r in ROUTES.items() if r.expected["anonymous"] not in (LOGIN, 401)}
    assert public == PUBLIC_VIEWS | {"set_language"}


UNVERIFIED_CELLS = [(name, actor) for name in ROUTES for actor in OFFICIALS]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "actor"), UNVERIFIED_CELLS, ids=[f"{n}-{a}" for n, a in UNVERIFIED_CELLS]
)
def test_a_password_alone_reaches_no_official_page_nor_the_api(name: str, actor: str) -> None:
    route = ROUTES[name]
    world = World(case_status=route.case_status)
    url = reverse(name, args=route.args(world))
    client = Client()
    client.force_login(world.user(actor))  # the password passed, not the second factor
    response = _request(client, route, url)
    answer = _unverified_answer(response)
    expected = _unverified_expected(name, actor)
    if expected == PUBLIC:
        assert answer in OK_STATUSES, (name, actor, answer)  # not SECOND_FACTOR
    elif expected == OK:
        assert answer in OK_STATUSES | {SECOND_FACTOR}, (name, actor, answer)
    else:
        assert answer == expected, (name, actor, answer)
    if expected == 403:
        assert response.json()["code"] == "second_factor_required"
