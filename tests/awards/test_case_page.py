"""The officials' case page: one box with the enterprise's contacts, its awards and every warning;
approved beside computed amounts; the quota exemption control; a constant number of queries."""

import datetime
import hashlib
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from stdnum.cn import uscc

from applicants.audit import audit_append
from applicants.models import EvidenceFile, Status
from awards.cases.selectors import (
    WARNING_DUPLICATE,
    WARNING_FIRST_TIME,
    WARNING_SIMILAR,
)
from awards.services.decisions import award_quota_exempt, case_decide
from tests.awards.helpers import case_in
from tests.factories import ApplicationFactory, EnterpriseFactory, sign_in

pytestmark = pytest.mark.django_db

CASES = "/api/v1/cases/"


def _detail(case) -> str:
    return reverse("awards:case_detail", args=[case.pk])


def _warnings(response) -> dict[str, object]:
    return {w.kind: w for w in response.context["detail"].warnings}


def _credit_code(division: str, serial: int) -> str:
    body = f"91{division}{serial:09d}"[:17]
    return body + uscc.calc_check_digit(body)


# --- the box at the top -----------------------------------------------------------------------


def test_the_box_shows_the_enterprises_contacts_and_bank(client, county_reviewer):
    enterprise = EnterpriseFactory(
        contact_name="周联系",
        contact_phone="13800001111",
        contact_email="zhou@example.com",
        legal_representative="吴法人",
        bank_name="信阳银行羊山支行",
        bank_account="6230000011112222",
    )
    case = ApplicationFactory(status=Status.SUBMITTED, enterprise=enterprise)
    sign_in(client, county_reviewer)
    html = client.get(_detail(case)).content.decode()
    box = html[html.index('id="case-alerts"') : html.index('id="case-facts"')]
    for value in (
        "周联系",
        "13800001111",
        "zhou@example.com",
        "吴法人",
        "信阳银行羊山支行",
        "6230000011112222",
    ):
        assert value in box
    assert 'id="case-warnings-none"' in box


def test_the_box_lists_the_enterprises_awards_same_achievement_marked(client, city_reviewer):
    enterprise = EnterpriseFactory()
    same = case_in(Status.PAID, enterprise=enterprise, project_name="数据大脑")
    other = case_in(Status.APPROVED, enterprise=enterprise, project_name="另一个成果")
    refused = ApplicationFactory(status=Status.REJECTED, enterprise=enterprise)
    case = ApplicationFactory(
        status=Status.RECOMMENDED,
        enterprise=enterprise,
        project_name="数据大脑",
        item="contest_national",
    )
    sign_in(client, city_reviewer)
    response = client.get(_detail(case))
    rows = {row.link.application.pk: row for row in response.context["detail"].enterprise_awards}
    assert set(rows) == {same.pk, other.pk}
    assert rows[same.pk].same_achievement
    assert not rows[other.pk].same_achievement
    html = response.content.decode()
    awards_list = html[html.index('id="earlier-awards"') :]
    assert same.reference in awards_list
    assert other.reference in awards_list
    assert refused.reference not in html
    assert "从优、就高、不重复" in awards_list


def test_every_warning_is_in_the_one_box(client, county_reviewer):
    # Registered in 罗山县 (411521) but filed for 浉河区 (411502): the division does not fit.
    enterprise = EnterpriseFactory(credit_code=_credit_code("411521", 7), jurisdiction="411502")
    earlier = ApplicationFactory(
        status=Status.SUBMITTED, enterprise=enterprise, project_name="城市数据大脑平台"
    )
    near = ApplicationFactory(
        status=Status.SUBMITTED, enterprise=enterprise, project_name="城市数据大脑平台（一期）"
    )
    ApplicationFactory(status=Status.SUBMITTED, enterprise=enterprise, project_name="无关的项目")
    case = ApplicationFactory(
        status=Status.SUBMITTED,
        enterprise=enterprise,
        project_name="城市数据大脑平台",
        possible_duplicate_of=earlier,
        event_date=datetime.date(2024, 6, 1),  # before the policy's window: ineligible
    )
    sign_in(client, county_reviewer)
    response = client.get(_detail(case))
    warnings = _warnings(response)
    assert set(warnings) == {"duplicate", "similar", "credit_code_division", "ineligible"}
    assert [link.application.pk for link in warnings["duplicate"].cases] == [earlier.pk]
    assert [link.application.pk for link in warnings["similar"].cases] == [near.pk]
    html = response.content.decode()
    box = html[html.index('id="case-alerts"') : html.index('id="case-facts"')]
    assert 'id="duplicate-warning"' in box
    assert str(WARNING_DUPLICATE) in box
    assert str(WARNING_SIMILAR) in box
    assert near.reference in box
    assert "罗山县" in box  # the division warning names both
    assert "浉河区" in box
    assert "2025-01-01" in warnings["ineligible"].text
    assert "无关的项目" not in box


def test_a_first_time_item_already_pending_is_a_warning(client, county_reviewer):
    enterprise = EnterpriseFactory()
    facts = {"entry_amount": "600000.00"}
    pending = ApplicationFactory(
        status=Status.RETURNED, enterprise=enterprise, item="first_balance_sheet", facts=facts
    )
    ApplicationFactory(
        status=Status.REJECTED, enterprise=enterprise, item="first_balance_sheet", facts=facts
    )
    case = ApplicationFactory(
        status=Status.SUBMITTED,
        enterprise=enterprise,
        item="first_balance_sheet",
        project_name="完全不同的数据资源",
        facts=facts,
    )
    sign_in(client, county_reviewer)
    response = client.get(_detail(case))
    warning = _warnings(response)["first_time"]
    assert [link.application.pk for link in warning.cases] == [pending.pk]
    assert str(WARNING_FIRST_TIME) in response.content.decode()
    assert pending.reference in response.content.decode()


def test_a_case_outside_the_scope_is_counted_not_named(client, city_reviewer):
    enterprise = EnterpriseFactory()
    unseen = ApplicationFactory(
        status=Status.SUBMITTED, enterprise=enterprise, project_name="城市数据大脑平台（一期）"
    )
    case = ApplicationFactory(
        status=Status.RECOMMENDED, enterprise=enterprise, project_name="城市数据大脑平台"
    )
    sign_in(client, city_reviewer)
    response = client.get(_detail(case))
    warning = _warnings(response)["similar"]
    assert warning.cases == []
    assert warning.hidden_cases == 1
    html = response.content.decode()
    assert unseen.reference not in html
    assert "另有 1 件尚未进入您的审核范围" in html


# --- approved beside computed -----------------------------------------------------------------


def _overridden_case(city_reviewer):
    case = ApplicationFactory(status=Status.REVIEWED, facts={"prize_level": "first"})
    case_decide(
        application_id=case.pk,
        action="approve",
        actor=city_reviewer,
        amount=Decimal("40000.00"),
        override_reason="配套资金已另行安排",
    )
    return case


def test_an_overridden_award_shows_both_amounts_and_the_reason(client, city_reviewer):
    case = _overridden_case(city_reviewer)
    sign_in(client, city_reviewer)
    html = client.get(_detail(case)).content.decode()
    note = html[html.index('id="override-note"') :]
    assert "核定 40,000.00" in note
    assert "规则计算 100,000.00" in note
    assert "已调整" in note
    assert "配套资金已另行安排" in note

    as_computed = case_in(Status.APPROVED)
    assert 'id="override-note"' not in client.get(_detail(as_computed)).content.decode()

    queue = client.get(reverse("awards:queue"), {"queue": "all"}).content.decode()
    row = queue[queue.index(f'data-case-id="{case.pk}"') :]
    row = row[: row.index("</tr>")]
    assert "核定 40,000.00" in row
    assert "规则计算 100,000.00" in row
    plain_row = queue[queue.index(f'data-case-id="{as_computed.pk}"') :]
    assert "规则计算" not in plain_row[: plain_row.index("</tr>")]


def test_the_api_list_carries_the_computed_amount_and_the_flag(client, city_reviewer):
    overridden = _overridden_case(city_reviewer)
    plain = ApplicationFactory(status=Status.RECOMMENDED, expected_amount=Decimal("5000.00"))
    sign_in(client, city_reviewer)
    rows = {row["id"]: row for row in client.get(CASES).json()["results"]}
    assert rows[overridden.pk]["amount"] == "40000.00"
    assert rows[overridden.pk]["computed_amount"] == "100000.00"
    assert rows[overridden.pk]["overridden"] is True
    assert rows[plain.pk]["amount"] == rows[plain.pk]["computed_amount"] == "5000.00"
    assert rows[plain.pk]["overridden"] is False


# --- the quota exemption control --------------------------------------------------------------


def test_the_exemption_control_says_the_state_and_the_action(client, city_reviewer):
    case = case_in(Status.APPROVED)
    sign_in(client, city_reviewer)
    html = client.get(_detail(case)).content.decode()
    form = html[
        html.index('id="exempt-form"') : html.index("</form>", html.index('id="exempt-form"'))
    ]
    assert "当前：占用名额" in form
    assert "设为不占名额" in form
    assert 'type="checkbox"' not in form
    assert 'name="exempt" value="on"' in form

    client.post(
        reverse("awards:award_exempt", args=[case.pk]), {"exempt": "on", "reason": "省重点"}
    )
    case.award.refresh_from_db()
    assert case.award.quota_exempt

    html = client.get(_detail(case)).content.decode()
    form = html[
        html.index('id="exempt-form"') : html.index("</form>", html.index('id="exempt-form"'))
    ]
    assert "当前：不占名额（理由：省重点）" in form
    assert "恢复占用名额" in form
    assert 'name="exempt"' not in form
    client.post(reverse("awards:award_exempt", args=[case.pk]), {"reason": "名额充足"})
    case.award.refresh_from_db()
    assert not case.award.quota_exempt


def test_the_exemption_control_reads_in_english(client, city_reviewer):
    case = case_in(Status.APPROVED)
    award_quota_exempt(application_id=case.pk, actor=city_reviewer, exempt=True, reason="key")
    sign_in(client, city_reviewer)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    html = client.get(_detail(case)).content.decode()
    assert "Now: outside the quota (reason: key)" in html
    assert "Count against the quota again" in html


# --- query counts -----------------------------------------------------------------------------


def _page_queries(client, case) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(_detail(case))
    assert response.status_code == 200
    return len(queries)


def _grow(case, n: int) -> None:
    """n more evidence files, each with its audit entry."""
    for i in range(n):
        content = f"%PDF-1.4 {case.pk}-{i}".encode()
        evidence = EvidenceFile(
            application=case,
            kind="award_certificate",
            version=i + 1,
            original_name=f"证书{i}.pdf",
            content_type="application/pdf",
            size=len(content),
            sha256=hashlib.sha256(content).hexdigest(),
            uploaded_by=case.created_by,
        )
        evidence.file.save(f"c{i}.pdf", ContentFile(content), save=False)
        evidence.save()
        with transaction.atomic():
            audit_append(
                action="evidence_added",
                actor=case.created_by,
                application=case,
                data={
                    "evidence_id": evidence.pk,
                    "kind": "award_certificate",
                    "version": i + 1,
                    "size": evidence.size,
                    "sha256": evidence.sha256,
                },
            )


@pytest.mark.parametrize("status", [Status.RECOMMENDED, Status.APPROVED])
def test_the_case_page_reads_a_constant_number_of_queries(client, city_reviewer, status):
    small_enterprise, big_enterprise = EnterpriseFactory(), EnterpriseFactory()
    case_in(Status.APPROVED, enterprise=small_enterprise, project_name="成果甲")
    small = case_in(status, enterprise=small_enterprise, project_name="数据大脑")
    for i in range(4):
        case_in(Status.PAID, enterprise=big_enterprise, project_name=f"成果{i}")
    case_in(Status.APPROVED, enterprise=big_enterprise, project_name="数据大脑")
    for name in ("数据大脑（一期）", "数据大脑（二期）", "数据大脑（三期）"):
        ApplicationFactory(status=Status.RECOMMENDED, enterprise=big_enterprise, project_name=name)
    big = case_in(
        status, enterprise=big_enterprise, project_name="数据大脑", item="contest_national"
    )
    _grow(big, 6)
    sign_in(client, city_reviewer)
    _page_queries(client, small)  # warm caches (rules files, content types)
    detail = client.get(_detail(big)).context["detail"]
    assert len(detail.history) >= 6
    assert len(detail.enterprise_awards) == 5
    assert len({w.kind: w for w in detail.warnings}["similar"].cases) >= 3
    assert _page_queries(client, big) == _page_queries(client, small)
