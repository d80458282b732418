"""Public objections (公示异议): a real name and a telephone; the case is held (异议核实中), the
city resolves each objection, a dismissal resumes the 公示 with its end moved by the working days
held and the award's override and exemption intact."""

import datetime
import io
from contextlib import contextmanager
from decimal import Decimal
from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pypdf import PdfWriter
from pypdf.actions import JavaScript

from applicants.errors import EVIDENCE_PDF_JAVASCRIPT, Conflict, NotAllowed, ServiceError
from applicants.models import CaseEvent, Notification, Status
from applicants.roles import Role
from awards.announcements.errors import (
    ANNOUNCEMENT_HELD,
    OBJECTION_ACTION_ELSEWHERE,
    OBJECTION_OUTCOME_UNKNOWN,
    OBJECTION_TEXT_LONG,
    OBJECTION_TEXT_SHORT,
    OBJECTOR_NAME_INVALID,
    OBJECTOR_PHONE_INVALID,
    RESOLUTION_REASON_REQUIRED,
)
from awards.announcements.services import objection_file, objection_resolve
from awards.errors import ANNOUNCEMENT_CLOSED, TOO_MANY_OBJECTIONS
from awards.models import Award, Objection, ObjectionState
from awards.services.decisions import award_override, award_quota_exempt, case_decide
from tests.awards.helpers import OBJECTION, case_in, city_user, end_announcement, object_to
from tests.factories import TINY_PDF, make_user, sign_in, tiny_png

pytestmark = pytest.mark.django_db

GONGSHI = reverse("gongshi:list")
D = datetime.date
RLO, ZWSP = "\u202e", "\u200b"


def _url(case) -> str:
    return reverse("gongshi:objection", args=[case.pk])


@contextmanager
def on(day: datetime.date):
    """Run as if it were 10:00 Beijing time on `day`."""
    moment = datetime.datetime(day.year, day.month, day.day, 2, 0, tzinfo=datetime.UTC)
    with mock.patch("django.utils.timezone.now", return_value=moment):
        yield


def _open(case) -> Objection:
    return Objection.objects.filter(application=case, state=ObjectionState.OPEN).latest("id")


def _resolve(case, outcome: str, reason: str = "经核实，异议所述与事实不符。", **kw) -> Objection:
    return objection_resolve(
        objection_id=_open(case).pk,
        actor=kw.get("actor") or city_user(),
        outcome=outcome,
        reason=reason,
    )


def _javascript_pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    writer.add_open_action(JavaScript("app.alert('hi');"))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


# --- the done-when scenario ---------------------------------------------------------------------


def test_an_objection_holds_the_case_and_a_dismissal_resumes_it_with_its_override_intact(
    city_reviewer,
):
    """Announced 29 September 2026 for five working days (to the 调休 Saturday, 10 October);
    an objection on 30 September holds it; dismissed on 9 October, the two working days held
    (30 September, 8 October) move the end to Tuesday 13 October."""
    case = case_in(Status.APPROVED)
    award_override(
        application_id=case.pk, actor=city_reviewer, amount=Decimal("80000"), reason="核减配套部分"
    )
    award_quota_exempt(
        application_id=case.pk, actor=city_reviewer, exempt=True, reason="重大项目，市政府同意"
    )
    with on(D(2026, 9, 29)):
        case_decide(application_id=case.pk, action="announce", actor=city_reviewer)
    assert Award.objects.get(application=case).announcement_ends_on == D(2026, 10, 10)

    with on(D(2026, 9, 30)):
        objection_file(application_id=case.pk, **OBJECTION)
    case.refresh_from_db()
    assert case.status == Status.HELD
    award = Award.objects.get(application=case)
    assert award.announcement_held_on == D(2026, 9, 30)
    event = CaseEvent.objects.get(application=case, action="object")
    assert (event.actor, event.from_status, event.to_status) == (None, "announced", "held")
    assert event.data == {"objection_id": _open(case).pk, "held_on": "2026-09-30"}

    # Confirmation is refused while held, even after the original end.
    with on(D(2026, 10, 12)), pytest.raises(Conflict) as refused:
        case_decide(application_id=case.pk, action="confirm", actor=city_reviewer)
    assert refused.value.message == ANNOUNCEMENT_HELD

    with on(D(2026, 10, 9)):
        _resolve(case, "dismiss")
    case.refresh_from_db()
    award.refresh_from_db()
    assert case.status == Status.ANNOUNCED
    assert award.announcement_ends_on == D(2026, 10, 13)
    assert (award.announcement_held_days, award.announcement_held_on) == (2, None)
    # What the city decided on the award is untouched by the hold and the resumption.
    assert award.amount == Decimal("80000.00")
    assert award.overridden
    assert award.override_reason == "核减配套部分"
    assert award.quota_exempt
    assert award.exempt_reason == "重大项目，市政府同意"
    resumed = CaseEvent.objects.get(application=case, action="objection_dismiss")
    assert resumed.data["held_working_days"] == 2
    assert resumed.data["from_announcement_ends_on"] == "2026-10-10"
    assert resumed.data["announcement_ends_on"] == "2026-10-13"

    with on(D(2026, 10, 13)), pytest.raises(ServiceError):
        case_decide(application_id=case.pk, action="confirm", actor=city_reviewer)
    with on(D(2026, 10, 14)):
        case_decide(application_id=case.pk, action="confirm", actor=city_reviewer)
    case.refresh_from_db()
    assert case.status == Status.CONFIRMED
    award.refresh_from_db()
    assert award.quota_exempt
    assert award.amount == Decimal("80000.00")


def test_a_hold_over_a_holiday_only_counts_working_days():
    case = case_in(Status.APPROVED)
    with on(D(2026, 9, 29)):
        case_decide(application_id=case.pk, action="announce", actor=city_user())
    with on(D(2026, 10, 2)):  # filed on a holiday
        objection_file(application_id=case.pk, **OBJECTION)
    with on(D(2026, 10, 8)):
        _resolve(case, "dismiss")
    award = Award.objects.get(application=case)
    assert (award.announcement_held_days, award.announcement_ends_on) == (0, D(2026, 10, 10))


# --- upheld -------------------------------------------------------------------------------------


def test_upheld_the_case_goes_back_to_city_review(django_capture_on_commit_callbacks):
    case = case_in(Status.HELD)
    Notification.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        objection = _resolve(case, "uphold", reason="获奖证书与主办方记录不符")
    case.refresh_from_db()
    assert case.status == Status.REVIEWED
    objection.refresh_from_db()
    assert objection.state == ObjectionState.UPHELD
    assert objection.resolution_reason == "获奖证书与主办方记录不符"
    assert objection.resolved_by == city_user()
    assert objection.resolved_at is not None
    event = CaseEvent.objects.get(application=case, action="objection_uphold")
    assert (event.from_status, event.to_status, event.reason) == (
        "held",
        "reviewed",
        "获奖证书与主办方记录不符",
    )
    # The enterprise is told, with the reason, by the transition's notification.
    assert Notification.objects.filter(recipient=case.created_by, application=case).exists()
    assert "获奖证书与主办方记录不符" in Notification.objects.get(recipient=case.created_by).message


def test_upheld_and_rejected_the_other_open_objections_close_with_it():
    case = case_in(Status.HELD)
    object_to(case, name="李四", text="另一项异议：项目并非本单位完成。")
    first, second = Objection.objects.filter(application=case).order_by("id")
    objection_resolve(objection_id=first.pk, actor=city_user(), outcome="reject", reason="查实")
    case.refresh_from_db()
    assert case.status == Status.REJECTED
    second.refresh_from_db()
    assert second.state == ObjectionState.CLOSED
    assert second.resolved_at is not None
    event = CaseEvent.objects.get(application=case, action="objection_reject")
    assert event.data["closed_objections"] == [second.pk]
    with pytest.raises(Conflict):
        objection_resolve(objection_id=second.pk, actor=city_user(), outcome="dismiss", reason="x")


def test_a_second_objection_while_held_joins_the_list_and_both_must_be_dismissed():
    case = case_in(Status.HELD)
    object_to(case, name="Li Si", phone="0376-6200001", text="The project was not completed.")
    assert Objection.objects.filter(application=case, state=ObjectionState.OPEN).count() == 2
    added = CaseEvent.objects.get(application=case, action="objection_added")
    assert added.from_status == ""
    assert added.to_status == ""
    assert CaseEvent.objects.filter(application=case, action="object").count() == 1
    _resolve(case, "dismiss")
    case.refresh_from_db()
    assert case.status == Status.HELD  # one is still open
    assert (
        CaseEvent.objects.get(application=case, action="objection_dismissed").data[
            "open_objections"
        ]
        == 1
    )
    _resolve(case, "dismiss")
    case.refresh_from_db()
    assert case.status == Status.ANNOUNCED


def test_resolving_needs_the_city_a_reason_and_an_open_objection(county_reviewer, finance_user):
    case = case_in(Status.HELD)
    objection = _open(case)
    for official in (county_reviewer, finance_user):
        with pytest.raises(NotAllowed):
            objection_resolve(
                objection_id=objection.pk, actor=official, outcome="dismiss", reason="不成立"
            )
    with pytest.raises(ServiceError) as error:
        objection_resolve(
            objection_id=objection.pk, actor=city_user(), outcome="dismiss", reason=f" {ZWSP} "
        )
    assert (error.value.message, error.value.field) == (RESOLUTION_REASON_REQUIRED, "reason")
    with pytest.raises(ServiceError) as error:
        objection_resolve(
            objection_id=objection.pk, actor=city_user(), outcome="withdraw", reason="x"
        )
    assert error.value.field == "outcome"
    _resolve(case, "dismiss")
    with pytest.raises(Conflict):
        objection_resolve(
            objection_id=objection.pk, actor=city_user(), outcome="uphold", reason="y"
        )
    case.refresh_from_db()
    assert case.status == Status.ANNOUNCED


def test_the_objection_steps_are_not_plain_decisions(city_reviewer):
    case = case_in(Status.HELD)
    for action in ("objection_dismiss", "objection_uphold", "object"):
        with pytest.raises(ServiceError) as error:
            case_decide(application_id=case.pk, action=action, actor=city_reviewer, reason="x")
        assert error.value.message == OBJECTION_ACTION_ELSEWHERE
    case.refresh_from_db()
    assert case.status == Status.HELD


# --- the public form ----------------------------------------------------------------------------


def test_an_objection_filed_on_the_form_holds_the_case_and_tells_the_city(
    client, django_capture_on_commit_callbacks
):
    case = case_in(Status.ANNOUNCED)
    city = make_user(Role.CITY_REVIEWER)
    Notification.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_url(case), OBJECTION, REMOTE_ADDR="203.0.113.9")
    assert response.status_code == 302
    assert response.url == GONGSHI
    case.refresh_from_db()
    assert case.status == Status.HELD
    objection = Objection.objects.get()
    assert (objection.name, objection.phone, objection.ip_address) == (
        "王五",
        "13800000000",
        "203.0.113.9",
    )
    assert Notification.objects.filter(recipient=city, application=case).exists()
    assert Notification.objects.filter(recipient=case.created_by).exists()
    page = client.get(GONGSHI).content.decode()
    assert "异议核实中" in page
    # The objector's name and telephone are never public.
    assert "13800000000" not in page
    assert "王五" not in page


def test_a_held_case_says_why_at_the_top_of_its_page_and_links_to_the_objections(client):
    """The reason a case cannot be confirmed is the first thing on its page, not the last card."""
    case = case_in(Status.ANNOUNCED)
    object_to(case)
    city = city_user()
    sign_in(client, city)
    html = client.get(reverse("awards:case_detail", args=[case.pk])).content.decode()
    notice = html.index('id="held-notice"')
    assert notice < html.index('id="case-alerts"')
    assert "收到 1 件异议" in html[notice : notice + 400]
    assert reverse("awards:case_objections", args=[case.pk]) in html[notice : notice + 800]
    _resolve(case, "dismiss")
    page = client.get(reverse("awards:case_detail", args=[case.pk])).content.decode()
    assert 'id="held-notice"' not in page


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({**OBJECTION, "name": "王"}, "name", OBJECTOR_NAME_INVALID),
        ({**OBJECTION, "name": "王五5"}, "name", OBJECTOR_NAME_INVALID),
        ({**OBJECTION, "name": "<b>王五</b>"}, "name", OBJECTOR_NAME_INVALID),
        ({**OBJECTION, "name": "张" * 31}, "name", OBJECTOR_NAME_INVALID),
        ({**OBJECTION, "name": f"{ZWSP}{RLO}"}, "name", None),
        ({**OBJECTION, "phone": "138"}, "phone", OBJECTOR_PHONE_INVALID),
        ({**OBJECTION, "phone": "12800000000"}, "phone", OBJECTOR_PHONE_INVALID),
        ({**OBJECTION, "phone": "0376-0200001"}, "phone", OBJECTOR_PHONE_INVALID),
        ({**OBJECTION, "phone": "wangwu@example.com"}, "phone", OBJECTOR_PHONE_INVALID),
        ({**OBJECTION, "phone": ""}, "phone", None),
        ({**OBJECTION, "text": "太短"}, "text", OBJECTION_TEXT_SHORT % {"min": 10}),
        ({**OBJECTION, "text": "异" * 2001}, "text", OBJECTION_TEXT_LONG % {"max": 2000}),
        ({**OBJECTION, "text": "含有空字符\x00的异议内容内容内容"}, "text", None),
        ({**OBJECTION, "text": "内容" * 500_000}, "text", None),
    ],
)
def test_bad_objections_are_400_with_a_chinese_field_error_and_store_nothing(
    client, data, field, message
):
    case = case_in(Status.ANNOUNCED)
    response = client.post(_url(case), data)
    assert response.status_code == 400
    form = response.context["form"]
    assert field in form.errors
    if message is not None:
        assert form.errors[field] == [str(message)]
    html = response.content.decode()
    assert "invalid-feedback" in html
    case.refresh_from_db()
    assert case.status == Status.ANNOUNCED
    assert not Objection.objects.exists()
    assert not CaseEvent.objects.filter(application=case, action="object").exists()


def test_hostile_but_valid_input_is_normalised_and_shown_as_text(client):
    case = case_in(Status.ANNOUNCED)
    data = {
        "name": f"张{ZWSP}三{RLO}",
        "phone": "（０３７６）６２００－００１",
        "text": "<script>alert(1)</script>\u202e获奖证书与主办方\u200b记录不符，请核查。",
    }
    assert client.post(_url(case), data).status_code == 302
    objection = Objection.objects.get()
    assert (objection.name, objection.phone) == ("张三", "0376-6200001")
    assert objection.text == "<script>alert(1)</script>获奖证书与主办方记录不符，请核查。"
    sign_in(client, city_user())
    html = client.get(reverse("awards:case_objections", args=[case.pk])).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>alert(1)" not in html


def test_full_width_mobile_digits_are_stored_as_eleven_digits():
    case = case_in(Status.ANNOUNCED)
    objection_file(application_id=case.pk, **{**OBJECTION, "phone": "+86 １３８ ００００ ００００"})
    assert Objection.objects.get().phone == "13800000000"


def test_evidence_with_javascript_is_refused_on_its_field_and_nothing_is_stored(client):
    case = case_in(Status.ANNOUNCED)
    evil = SimpleUploadedFile("证据.pdf", _javascript_pdf(), "application/pdf")
    response = client.post(_url(case), {**OBJECTION, "evidence": evil})
    assert response.status_code == 400
    assert response.context["form"].errors["evidence"] == [str(EVIDENCE_PDF_JAVASCRIPT)]
    assert not Objection.objects.exists()
    case.refresh_from_db()
    assert case.status == Status.ANNOUNCED


def test_evidence_is_stored_checked_and_served_to_officials_only(client, county_reviewer):
    case = case_in(Status.ANNOUNCED)
    pdf = SimpleUploadedFile("证明\u202efdp.exe", TINY_PDF, "application/pdf")
    assert client.post(_url(case), {**OBJECTION, "evidence": pdf}).status_code == 302
    objection = Objection.objects.get()
    assert objection.evidence_type == "application/pdf"
    assert objection.evidence_size == len(TINY_PDF)
    assert objection.evidence_name == "证明fdp.exe"
    assert len(objection.evidence_sha256) == 64
    url = reverse("awards:objection_evidence", args=[objection.pk])
    assert client.get(url).status_code == 302  # to the login form
    sign_in(client, city_user())
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "private, no-store"
    assert b"".join(response.streaming_content) == TINY_PDF


def test_an_image_is_stored_without_its_metadata():
    case = case_in(Status.ANNOUNCED)
    png = SimpleUploadedFile("照片.png", tiny_png(), "image/png")
    objection_file(application_id=case.pk, evidence=png, **OBJECTION)
    objection = Objection.objects.get()
    assert objection.evidence_type == "image/png"
    assert objection.evidence.read().startswith(b"\x89PNG")


def test_objections_outside_the_period_or_to_unknown_cases_are_404(client):
    approved = case_in(Status.APPROVED)
    over = case_in(Status.ANNOUNCED)
    end_announcement(over)
    for url in (_url(approved), _url(over), "/gongshi/999999/objection/"):
        assert client.get(url).status_code == 404
        assert client.post(url, OBJECTION).status_code == 404
    assert not Objection.objects.exists()
    with pytest.raises(ServiceError) as error:
        objection_file(application_id=over.pk, **OBJECTION)
    assert error.value.message == ANNOUNCEMENT_CLOSED


def test_a_held_case_still_takes_objections_on_its_form(client):
    case = case_in(Status.HELD)
    page = client.get(_url(case))
    assert page.status_code == 200
    assert 'id="held-notice"' in page.content.decode()
    assert client.post(_url(case), {**OBJECTION, "name": "赵六"}).status_code == 302
    assert Objection.objects.filter(application=case).count() == 2


# --- limits and the client address --------------------------------------------------------------


def test_objections_are_throttled_per_address(client, settings):
    settings.OBJECTIONS_PER_HOUR = 2
    cases = [case_in(Status.ANNOUNCED) for _ in range(3)]
    for case in cases[:2]:
        assert client.post(_url(case), OBJECTION, REMOTE_ADDR="198.51.100.7").status_code == 302
    third = client.post(_url(cases[2]), OBJECTION, REMOTE_ADDR="198.51.100.7")
    assert third.status_code == 400
    assert str(TOO_MANY_OBJECTIONS) in third.content.decode()
    other = client.post(_url(cases[2]), OBJECTION, REMOTE_ADDR="198.51.100.8")
    assert other.status_code == 302


@pytest.mark.parametrize("header", ["REMOTE_ADDR", "HTTP_X_FORWARDED_FOR"])
def test_a_spoofed_forwarded_header_earns_no_new_allowance(client, settings, header):
    """Directly exposed, X-Forwarded-For is ignored; behind a proxy only the entry the proxy
    appended counts, so whatever the client writes before it changes nothing."""
    settings.CLIENT_IP_HEADER = header
    settings.OBJECTIONS_PER_HOUR = 1
    cases = [case_in(Status.ANNOUNCED) for _ in range(3)]
    real = "198.51.100.23"
    forwarded = {"REMOTE_ADDR": real} if header == "REMOTE_ADDR" else {"REMOTE_ADDR": "10.0.0.2"}
    first = client.post(
        _url(cases[0]), OBJECTION, HTTP_X_FORWARDED_FOR=f"203.0.113.1, {real}", **forwarded
    )
    assert first.status_code == 302
    assert Objection.objects.get().ip_address == real
    for spoof in ("203.0.113.2", "192.0.2.77, 203.0.113.3"):
        again = client.post(
            _url(cases[1]), OBJECTION, HTTP_X_FORWARDED_FOR=f"{spoof}, {real}", **forwarded
        )
        assert again.status_code == 400
        assert str(TOO_MANY_OBJECTIONS) in again.content.decode()
    assert Objection.objects.count() == 1


@pytest.mark.parametrize("address", ["not-an-ip", "unix:/run/gunicorn.sock", ""])
def test_objections_of_unknown_origin_share_one_allowance_and_never_crash(
    client, settings, address
):
    settings.OBJECTIONS_PER_HOUR = 1
    cases = [case_in(Status.ANNOUNCED) for _ in range(2)]
    assert client.post(_url(cases[0]), OBJECTION, REMOTE_ADDR=address).status_code == 302
    assert Objection.objects.get().ip_address is None
    assert client.post(_url(cases[1]), OBJECTION, REMOTE_ADDR=address).status_code == 400


# --- the city's pages ---------------------------------------------------------------------------


def test_the_city_resolves_on_its_page_and_the_history_reads_in_chinese(client):
    case = case_in(Status.HELD)
    objection = _open(case)
    sign_in(client, city_user())
    page = reverse("awards:case_objections", args=[case.pk])
    html = client.get(page).content.decode()
    assert f'action="{reverse("awards:objection_resolve", args=[objection.pk])}"' in html
    assert "异议不成立，恢复公示" in html
    assert "13800000000" in html
    # The case page links to it, and the queue counts the open objection.
    detail = client.get(reverse("awards:case_detail", args=[case.pk])).content.decode()
    assert page in detail
    assert "核实处理异议" in detail
    assert "action-objection_dismiss" not in detail  # never a plain decision button
    queue = client.get(reverse("awards:queue")).content.decode()
    assert "1 件异议待核实" in queue
    bad = client.post(reverse("awards:objection_resolve", args=[objection.pk]), {"reason": ""})
    assert bad.status_code == 400
    assert str(RESOLUTION_REASON_REQUIRED) in bad.content.decode()
    assert str(OBJECTION_OUTCOME_UNKNOWN) in bad.content.decode()
    done = client.post(
        reverse("awards:objection_resolve", args=[objection.pk]),
        {"outcome": "dismiss", "reason": "举报内容与事实不符"},
    )
    assert done.status_code == 302
    case.refresh_from_db()
    assert case.status == Status.ANNOUNCED
    detail = client.get(reverse("awards:case_detail", args=[case.pk])).content.decode()
    for sentence in (
        "公示期间收到异议，暂停公示，异议核实中",
        "异议不成立，恢复公示：暂停 0 个工作日",
    ):
        assert sentence in detail


def test_other_officials_read_the_objections_but_cannot_resolve(client, county_reviewer):
    case = case_in(Status.HELD)
    objection = _open(case)
    sign_in(client, county_reviewer)
    html = client.get(reverse("awards:case_objections", args=[case.pk])).content.decode()
    assert 'id="resolve-readonly"' in html
    assert "resolve-form" not in html
    response = client.post(
        reverse("awards:objection_resolve", args=[objection.pk]),
        {"outcome": "dismiss", "reason": "不成立"},
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == Status.HELD
    assert _open(case).pk == objection.pk


def test_a_stale_resolution_answers_with_a_message_not_a_500(client):
    case = case_in(Status.HELD)
    objection = _open(case)
    _resolve(case, "dismiss")
    sign_in(client, city_user())
    response = client.post(
        reverse("awards:objection_resolve", args=[objection.pk]),
        {"outcome": "uphold", "reason": "成立"},
        follow=True,
    )
    assert response.status_code == 200
    assert "该异议已处理" in response.content.decode()


def test_while_held_the_city_may_still_set_the_exemption_and_it_survives_the_resumption():
    case = case_in(Status.HELD)
    award_quota_exempt(
        application_id=case.pk, actor=city_user(), exempt=True, reason="重大项目，市政府同意"
    )
    _resolve(case, "dismiss")
    award = Award.objects.get(application=case)
    assert award.quota_exempt
    assert award.exempt_reason == "重大项目，市政府同意"
