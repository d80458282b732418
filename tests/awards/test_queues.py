"""Review queues and the case page: who sees what, filters, search, sort, paging, bulk, buttons."""

import datetime
import hashlib

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from applicants.models import CaseEvent, EvidenceFile, Status
from applicants.roles import Role
from applicants.workflow import transitions_from
from tests.awards.helpers import case_in
from tests.factories import ApplicationFactory, EnterpriseFactory, sign_in

pytestmark = pytest.mark.django_db

QUEUE = reverse("awards:queue")


def _ids(response) -> list[int]:
    return [case.pk for case in response.context["page"].object_list]


def _detail(case) -> str:
    return reverse("awards:case_detail", args=[case.pk])


# --- who sees what ----------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_login(client):
    for url in (QUEUE, reverse("awards:case_detail", args=[1]), reverse("awards:finance")):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))


def test_enterprise_users_get_403_everywhere_under_review(client, enterprise_user):
    own = ApplicationFactory(status=Status.SUBMITTED, enterprise=enterprise_user.enterprise)
    sign_in(client, enterprise_user)
    for url in (QUEUE, _detail(own), reverse("awards:finance")):
        assert client.get(url).status_code == 403
    response = client.post(reverse("awards:case_decide", args=[own.pk]), {"action": "withdraw"})
    assert response.status_code == 403
    own.refresh_from_db()
    assert own.status == Status.SUBMITTED


def test_a_county_reviewer_sees_only_their_jurisdiction(client, county_reviewer):
    mine = ApplicationFactory(status=Status.SUBMITTED, jurisdiction="411502")
    theirs = ApplicationFactory(status=Status.SUBMITTED, jurisdiction="411521")
    ApplicationFactory(status=Status.DRAFT, jurisdiction="411502")
    sign_in(client, county_reviewer)
    assert _ids(client.get(QUEUE)) == [mine.pk]
    # Another jurisdiction is not even a choice: the filter is refused, the scope stays.
    assert _ids(client.get(QUEUE, {"queue": "all", "jurisdiction": "411521"})) == [mine.pk]
    assert client.get(_detail(mine)).status_code == 200
    assert client.get(_detail(theirs)).status_code == 404
    response = client.post(reverse("awards:case_decide", args=[theirs.pk]), {"action": "recommend"})
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == Status.SUBMITTED


def test_city_reviewers_see_what_counties_recommended(client, city_reviewer):
    submitted = ApplicationFactory(status=Status.SUBMITTED)
    recommended = ApplicationFactory(status=Status.RECOMMENDED, jurisdiction="411521")
    reviewed = ApplicationFactory(status=Status.REVIEWED)
    sign_in(client, city_reviewer)
    assert set(_ids(client.get(QUEUE))) == {recommended.pk, reviewed.pk}
    assert client.get(_detail(submitted)).status_code == 404


def test_the_pending_queue_holds_only_what_waits_for_the_role(client, county_reviewer):
    waiting = ApplicationFactory(status=Status.SUBMITTED)
    done = ApplicationFactory(status=Status.RECOMMENDED)
    sign_in(client, county_reviewer)
    assert _ids(client.get(QUEUE)) == [waiting.pk]
    assert set(_ids(client.get(QUEUE, {"queue": "all"}))) == {waiting.pk, done.pk}
    assert _ids(client.get(QUEUE, {"status": "recommended"})) == [done.pk]


# --- filters, search, sort, paging ------------------------------------------------------------


@pytest.fixture
def city_cases(city_reviewer):
    now = timezone.now()
    a = ApplicationFactory(
        status=Status.RECOMMENDED,
        item="contest_national",
        jurisdiction="411521",
        enterprise=EnterpriseFactory(name="甲数据科技有限公司"),
        submitted_at=now - datetime.timedelta(days=10),
        expected_amount="300000.00",
    )
    b = ApplicationFactory(
        status=Status.REVIEWED,
        item="contest_provincial",
        jurisdiction="411502",
        enterprise=EnterpriseFactory(name="乙信息服务有限公司"),
        submitted_at=now - datetime.timedelta(days=3),
        expected_amount="50000.00",
    )
    c = ApplicationFactory(
        status=Status.RECOMMENDED,
        item="contest_provincial",
        jurisdiction="411502",
        enterprise=EnterpriseFactory(name="丙云计算有限公司"),
        submitted_at=now - datetime.timedelta(days=1),
        expected_amount="100000.00",
    )
    return a, b, c


def test_filters_by_item_status_jurisdiction_and_dates(client, city_reviewer, city_cases):
    a, b, c = city_cases
    sign_in(client, city_reviewer)
    assert set(_ids(client.get(QUEUE, {"item": "contest_provincial"}))) == {b.pk, c.pk}
    assert _ids(client.get(QUEUE, {"status": "reviewed"})) == [b.pk]
    assert _ids(client.get(QUEUE, {"jurisdiction": "411521"})) == [a.pk]
    since = (timezone.localdate() - datetime.timedelta(days=5)).isoformat()
    until = (timezone.localdate() - datetime.timedelta(days=2)).isoformat()
    assert _ids(client.get(QUEUE, {"submitted_from": since})) == [b.pk, c.pk]
    assert _ids(client.get(QUEUE, {"submitted_to": until})) == [a.pk, b.pk]


def test_search_by_enterprise_name_or_credit_code(client, city_reviewer, city_cases):
    a, b, _ = city_cases
    sign_in(client, city_reviewer)
    assert _ids(client.get(QUEUE, {"q": "信息服务"})) == [b.pk]
    code = a.enterprise.credit_code
    assert _ids(client.get(QUEUE, {"q": code})) == [a.pk]
    assert _ids(client.get(QUEUE, {"q": code[:-1].lower()})) == [a.pk]  # a prefix, any case


def test_sort_by_submission_amount_and_enterprise(client, city_reviewer, city_cases):
    a, b, c = city_cases
    sign_in(client, city_reviewer)
    assert _ids(client.get(QUEUE)) == [a.pk, b.pk, c.pk]  # oldest first by default
    assert _ids(client.get(QUEUE, {"sort": "-submitted_at"})) == [c.pk, b.pk, a.pk]
    assert _ids(client.get(QUEUE, {"sort": "amount"})) == [b.pk, c.pk, a.pk]
    assert _ids(client.get(QUEUE, {"sort": "-amount"})) == [a.pk, c.pk, b.pk]
    by_name = sorted([a, b, c], key=lambda case: case.enterprise.name)
    assert _ids(client.get(QUEUE, {"sort": "enterprise"})) == [x.pk for x in by_name]


def test_the_amount_column_is_the_approved_amount_once_approved(client, city_reviewer):
    case = case_in(Status.APPROVED, expected_amount="1.00")
    sign_in(client, city_reviewer)
    response = client.get(QUEUE, {"queue": "all"})
    row = next(x for x in response.context["page"].object_list if x.pk == case.pk)
    assert str(row.amount) == "100000.00"
    assert "¥100,000.00" in response.content.decode()


def test_pages_of_fifty(client, county_reviewer, settings):
    settings.REVIEW_QUEUE_PAGE_SIZE = 5
    cases = ApplicationFactory.create_batch(12, status=Status.SUBMITTED)
    sign_in(client, county_reviewer)
    seen = []
    for page in (1, 2, 3):
        seen += _ids(client.get(QUEUE, {"page": page}))
    assert sorted(seen) == sorted(c.pk for c in cases)
    assert len(_ids(client.get(QUEUE, {"page": 3}))) == 2
    assert _ids(client.get(QUEUE, {"page": 99})) == _ids(client.get(QUEUE, {"page": 3}))


@pytest.mark.parametrize(
    "params",
    [
        {"submitted_from": "2025-13-45"},
        {"item": "no_such_item"},
        {"status": "<script>"},
        {"sort": "password"},
        {"page": "-1"},
        {"page": "abc"},
        {"q": "x" * 500},
        {"jurisdiction": "\x00"},
        {"queue": "everything"},
    ],
)
def test_bad_filter_input_never_fails(client, city_reviewer, params):
    ApplicationFactory(status=Status.RECOMMENDED)
    sign_in(client, city_reviewer)
    assert client.get(QUEUE, params).status_code == 200


# --- bulk -------------------------------------------------------------------------------------


def test_bulk_recommend_from_the_queue_reports_each_case(client, county_reviewer):
    fresh = ApplicationFactory(status=Status.SUBMITTED)
    decided = ApplicationFactory(status=Status.RECOMMENDED)
    sign_in(client, county_reviewer)
    response = client.post(
        reverse("awards:queue_bulk"),
        {"action": "recommend", "ids": [fresh.pk, decided.pk], "next": f"{QUEUE}?queue=all"},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == f"{QUEUE}?queue=all"
    page = response.content.decode()
    assert f"已处理 1 件：{fresh.reference}" in page
    assert f"{decided.reference} 未处理" in page
    fresh.refresh_from_db()
    assert fresh.status == Status.RECOMMENDED


def test_bulk_refuses_a_foreign_redirect_and_bad_ids(client, county_reviewer):
    sign_in(client, county_reviewer)
    response = client.post(
        reverse("awards:queue_bulk"),
        {"action": "recommend", "ids": ["x"], "next": "https://evil.example/"},
    )
    assert response.status_code == 302
    assert response.url == QUEUE


def test_bulk_approve_is_not_offered_to_a_county(client, county_reviewer):
    case = ApplicationFactory(status=Status.REVIEWED)
    sign_in(client, county_reviewer)
    response = client.post(
        reverse("awards:queue_bulk"), {"action": "approve", "ids": [case.pk]}, follow=True
    )
    assert response.status_code == 200
    case.refresh_from_db()
    assert case.status == Status.REVIEWED


# --- the case page ----------------------------------------------------------------------------


def test_the_case_page_shows_facts_evidence_amount_trace_history(client, county_reviewer):
    case = ApplicationFactory(status=Status.SUBMITTED, facts={"prize_level": "first"})
    content = b"%PDF-1.4 evidence"
    evidence = EvidenceFile(
        application=case,
        kind="award_certificate",
        original_name="获奖证书.pdf",
        content_type="application/pdf",
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        uploaded_by=case.created_by,
    )
    evidence.file.save("cert.pdf", ContentFile(content), save=False)
    evidence.save()
    sign_in(client, county_reviewer)
    response = client.get(_detail(case))
    html = response.content.decode()
    assert response.status_code == 200
    assert case.enterprise.name in html
    assert case.enterprise.credit_code in html
    assert "一等奖" in html  # the enum fact with its label
    assert "获奖证书.pdf" in html
    assert evidence.sha256 in html
    assert "¥100,000.00" in html
    assert "按现行规则测算的金额" in html
    assert "2025-draft" in html
    assert "三、加强数据资源开发利用（三）" in html
    detail = response.context["detail"]
    assert [step["step"] for step in detail.amount.trace][-1] == "payable"
    # The link goes to the applicants app's access-checked download view, shown inline.
    url = detail.evidence[0].url
    assert url
    assert f'href="{url}"' in html
    download = client.get(url)
    assert download.status_code == 200
    assert b"".join(download.streaming_content if download.streaming else [download.content]) == (
        content
    )


def test_buttons_are_exactly_the_transitions_allowed_posting_keys(client, city_reviewer):
    case = ApplicationFactory(status=Status.REVIEWED)
    sign_in(client, city_reviewer)
    html = client.get(_detail(case)).content.decode()
    allowed = transitions_from(Status.REVIEWED, Role.CITY_REVIEWER)
    for t in allowed:
        assert f'name="action" value="{t.action}"' in html
    assert html.count('name="action" value="') == len(allowed)
    assert 'id="approve-options"' in html


def test_no_buttons_for_an_official_without_actions(client, finance_user):
    case = ApplicationFactory(status=Status.REVIEWED)
    sign_in(client, finance_user)
    html = client.get(_detail(case)).content.decode()
    assert 'name="action"' not in html


def test_decide_from_the_page_then_the_stale_button_gets_a_message(client, county_reviewer):
    case = ApplicationFactory(status=Status.SUBMITTED)
    sign_in(client, county_reviewer)
    url = reverse("awards:case_decide", args=[case.pk])
    response = client.post(url, {"action": "recommend"}, follow=True)
    assert "已办理：县区已推荐" in response.content.decode()
    again = client.post(url, {"action": "county_reject", "reason": "重复"}, follow=True)
    assert "已被他人处理或不再允许此操作" in again.content.decode()
    assert CaseEvent.objects.filter(application=case).count() == 1


def test_a_negative_decision_without_reason_is_a_form_error(client, county_reviewer):
    case = ApplicationFactory(status=Status.SUBMITTED)
    sign_in(client, county_reviewer)
    response = client.post(
        reverse("awards:case_decide", args=[case.pk]), {"action": "county_return", "reason": ""}
    )
    assert response.status_code == 400
    assert "此操作必须填写理由" in response.content.decode()
    case.refresh_from_db()
    assert case.status == Status.SUBMITTED


def test_a_returned_case_carries_its_reason_to_the_history(client, county_reviewer):
    case = ApplicationFactory(status=Status.SUBMITTED)
    sign_in(client, county_reviewer)
    client.post(
        reverse("awards:case_decide", args=[case.pk]),
        {"action": "county_return", "reason": "请补充获奖证书原件扫描件"},
    )
    html = client.get(_detail(case)).content.decode()
    assert "请补充获奖证书原件扫描件" in html
    assert 'data-action="county_return"' in html


@pytest.mark.parametrize(
    "data",
    [
        {"action": "approve", "amount": "abc"},
        {"action": "approve", "amount": "-5"},
        {"action": "approve", "amount": "1e9999"},
        {"action": "nonsense"},
        {"action": ""},
        {},
        {"action": "pay", "paid_at": "2025-02-30"},
    ],
)
def test_bad_decision_input_is_400_never_500(client, city_reviewer, data):
    case = ApplicationFactory(status=Status.REVIEWED)
    sign_in(client, city_reviewer)
    response = client.post(reverse("awards:case_decide", args=[case.pk]), data)
    assert response.status_code == 400
    case.refresh_from_db()
    assert case.status == Status.REVIEWED


def test_approve_with_override_from_the_page(client, city_reviewer):
    case = ApplicationFactory(status=Status.REVIEWED)
    sign_in(client, city_reviewer)
    url = reverse("awards:case_decide", args=[case.pk])
    refused = client.post(url, {"action": "approve", "amount": "60000.00"})
    assert refused.status_code == 400
    assert "必须填写调整理由" in refused.content.decode()
    client.post(url, {"action": "approve", "amount": "60000.00", "override_reason": "核减"})
    html = client.get(_detail(case)).content.decode()
    assert "批准的奖励金额" in html
    assert "¥60,000.00" in html
    assert "核减" in html


def test_duplicates_and_earlier_awards_for_the_same_project_are_flagged(client, city_reviewer):
    enterprise = EnterpriseFactory()
    earlier = case_in(Status.PAID, enterprise=enterprise, project_name="数据大脑")
    first = ApplicationFactory(status=Status.RECOMMENDED, enterprise=enterprise)
    case = ApplicationFactory(
        status=Status.RECOMMENDED,
        enterprise=enterprise,
        project_name="数据大脑",
        item="contest_national",
        possible_duplicate_of=first,
    )
    sign_in(client, city_reviewer)
    html = client.get(_detail(case)).content.decode()
    assert 'id="duplicate-warning"' in html
    assert first.reference in html
    assert 'id="earlier-awards"' in html
    assert earlier.reference in html
    assert "¥200,000.00" in html  # 300,000 national first prize − 100,000 already granted


def test_case_ids_that_do_not_exist_are_404(client, city_reviewer):
    sign_in(client, city_reviewer)
    assert client.get("/review/cases/99999999/").status_code == 404
    assert client.get("/review/cases/99999999999999999999999/").status_code == 404


def test_county_reviewers_of_another_county_cannot_open_by_url(client, other_county_reviewer):
    case = ApplicationFactory(status=Status.SUBMITTED, jurisdiction="411502")
    sign_in(client, other_county_reviewer)
    assert client.get(_detail(case)).status_code == 404


def test_admins_can_look_but_have_no_buttons(client, admin_user_):
    case = ApplicationFactory(status=Status.RECOMMENDED)
    sign_in(client, admin_user_)
    response = client.get(_detail(case))
    assert response.status_code == 200
    assert response.context["detail"].actions == []


def test_dashboards_link_to_the_queues(client, role_users):
    for role in (Role.COUNTY_REVIEWER, Role.CITY_REVIEWER, Role.FINANCE, Role.ADMIN):
        sign_in(client, role_users[role])
        html = client.get(reverse("home")).content.decode()
        assert f'href="{QUEUE}"' in html, role
    sign_in(client, role_users[Role.FINANCE])
    assert reverse("awards:finance") in client.get(reverse("home")).content.decode()


def test_the_review_pages_speak_english_on_request(client, city_reviewer):
    case = case_in(Status.APPROVED)
    sign_in(client, city_reviewer)
    client.post(reverse("set_language"), {"language": "en", "next": QUEUE})
    html = client.get(QUEUE, {"queue": "all"}).content.decode()
    assert "Review queue" in html
    assert "审核队列" not in html
    detail = client.get(_detail(case)).content.decode()
    assert "Approved award amount" in detail
    assert "Adjust the award decision" in detail
    public = client.get(reverse("gongshi:list")).content.decode()
    assert "Public announcement of proposed data-industry awards" in public


@pytest.mark.parametrize("bad_id", ["²", "١٢", "1e3", "-1"])
def test_bulk_ids_that_only_look_like_digits_are_refused_not_crashed(
    client, county_reviewer, bad_id
):
    sign_in(client, county_reviewer)
    response = client.post(reverse("awards:queue_bulk"), {"action": "recommend", "ids": [bad_id]})
    assert response.status_code == 302
    assert response.url == QUEUE


def test_a_duplicate_outside_the_officials_scope_is_flagged_without_its_details(
    client, city_reviewer
):
    hidden = ApplicationFactory(status=Status.SUBMITTED, project_name="尚未推荐的那一件")
    case = ApplicationFactory(
        status=Status.RECOMMENDED, enterprise=hidden.enterprise, possible_duplicate_of=hidden
    )
    sign_in(client, city_reviewer)
    page = client.get(reverse("awards:case_detail", args=[case.pk])).content.decode()
    assert 'id="duplicate-warning"' in page
    assert "尚未推荐的那一件" not in page
    assert hidden.reference not in page


def test_a_queue_row_escapes_what_enterprises_typed(client, city_reviewer):
    enterprise = EnterpriseFactory(name='<b onmouseover="x()">甲&乙</b>')
    ApplicationFactory(status=Status.RECOMMENDED, enterprise=enterprise)
    sign_in(client, city_reviewer)
    html = client.get(QUEUE).content.decode()
    assert "&lt;b onmouseover=&quot;x()&quot;&gt;甲&amp;乙&lt;/b&gt;" in html
    assert "<b onmouseover" not in html
    assert '<span class="money">' in html  # the amount's own markup stays markup
