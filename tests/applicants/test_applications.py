"""Application forms for every item: drafts, validation, live quote, submission and after."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from applicants import policy
from applicants.errors import (
    APPLICATION_LOCKED,
    FIRST_TIME_ALREADY_GRANTED,
    Conflict,
    ServiceError,
)
from applicants.fields import MONEY_MALFORMED, MONEY_NEGATIVE, MONEY_TOO_PRECISE
from applicants.models import Application, ApplicationRevision, CaseEvent, Status
from applicants.services.applications import (
    ApplicationInput,
    application_create,
    application_submit,
    application_update,
)
from applicants.services.cases import case_transition
from tests.applicants.conftest import complete_draft
from tests.factories import (
    ApplicationFactory,
    sign_in,
    tiny_png,
    upload,
    with_database_owner_rights,
)

pytestmark = pytest.mark.django_db

ALL_ITEMS = sorted(policy.version_in_force().items)


def test_there_is_a_form_for_each_of_the_13_items_with_its_facts_and_evidence(
    client, enterprise_user
):
    assert len(ALL_ITEMS) == 13
    sign_in(client, enterprise_user)
    for item in ALL_ITEMS:
        rule = policy.item_rule(item)
        response = client.get(reverse("applicants:new", args=[item]))
        assert response.status_code == 200, item
        form = response.context["form"]
        for spec in rule.facts:
            assert spec.code in form.fields, (item, spec.code)
        assert "prior_awards_same_project" in form.fields
        assert ("first_time" in form.fields) == rule.first_time
        for spec in rule.evidence:
            field = form.fields[f"evidence__{spec.code}"]
            assert field.label == spec.label_zh
        html = response.content.decode()
        assert rule.title_zh in html
        assert str(policy.DECLARATION_TEXT)[:20] in html


def test_the_dashboard_offers_a_new_application_per_item_the_rules_admit(client, enterprise_user):
    sign_in(client, enterprise_user)
    html = client.get(reverse("home")).content.decode()
    version = policy.version_in_force()
    applicant_type = enterprise_user.enterprise.applicant_type
    for item in ALL_ITEMS:
        offered = reverse("applicants:new", args=[item]) in html
        assert offered == (applicant_type in version.items[item].applicant_types), item


def test_an_unknown_item_is_404(client, enterprise_user):
    sign_in(client, enterprise_user)
    assert client.get(reverse("applicants:new", args=["no_such_item"])).status_code == 404


def test_officials_cannot_open_application_forms(client, county_reviewer):
    sign_in(client, county_reviewer)
    assert client.get(reverse("applicants:new", args=["honor_provincial"])).status_code == 403


def _post_new(client, item, **data):
    return client.post(reverse("applicants:new", args=[item]), {"action": "save", **data})


def test_a_draft_may_be_incomplete_and_stores_facts_as_strings(client, enterprise_user):
    sign_in(client, enterprise_user)
    response = _post_new(
        client,
        "first_balance_sheet",
        project_name="数据资源入表",
        entry_amount="1,234,567.8",
        prior_awards_same_project="",
        first_time="true",
    )
    case = Application.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("applicants:edit", args=[case.pk])
    assert case.status == Status.DRAFT
    assert case.facts == {"entry_amount": "1234567.80", "first_time": "true"}
    assert case.event_date is None
    assert (case.jurisdiction, case.applicant_type) == (
        enterprise_user.enterprise.jurisdiction,
        enterprise_user.enterprise.applicant_type,
    )
    assert case.created_by == enterprise_user


def test_a_draft_is_saved_and_continued_later(client, enterprise_user):
    sign_in(client, enterprise_user)
    _post_new(client, "contest_national", project_name="数据要素×大赛项目", prize_level="second")
    case = Application.objects.get()
    page = client.get(reverse("applicants:edit", args=[case.pk]))
    form = page.context["form"]
    assert form["prize_level"].value() == "second"
    assert form["project_name"].value() == "数据要素×大赛项目"
    client.post(
        reverse("applicants:edit", args=[case.pk]),
        {
            "action": "save",
            "project_name": "数据要素×大赛项目",
            "prize_level": "first",
            "event_date": "2025-05-20",
        },
    )
    case.refresh_from_db()
    assert case.facts["prize_level"] == "first"
    assert case.event_date == datetime.date(2025, 5, 20)


@pytest.mark.parametrize(
    ("typed", "message"),
    [("-5", MONEY_NEGATIVE), ("12abc", MONEY_MALFORMED), ("600000.123", MONEY_TOO_PRECISE)],
)
def test_bad_amounts_rerender_the_form_with_messages_and_keep_the_rest(
    client, enterprise_user, typed, message
):
    sign_in(client, enterprise_user)
    response = _post_new(
        client,
        "first_balance_sheet",
        project_name="保留的项目名称",
        description="保留的简介",
        event_date="2025-04-01",
        entry_amount=typed,
        prior_awards_same_project="1,000.00",
        first_time="false",
        declaration_accepted="on",
    )
    assert response.status_code == 200
    assert not Application.objects.exists()
    form = response.context["form"]
    assert form.errors["entry_amount"] == [str(message)]
    html = response.content.decode()
    assert str(message) in html
    assert 'value="保留的项目名称"' in html
    assert "保留的简介" in html
    assert 'value="2025-04-01"' in html
    assert 'value="1,000.00"' in html
    assert form["first_time"].value() == "false"
    assert form["declaration_accepted"].value() is True


def test_a_future_event_date_is_refused_even_in_a_draft(client, enterprise_user):
    sign_in(client, enterprise_user)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = _post_new(
        client, "honor_provincial", project_name="x", event_date=tomorrow.isoformat()
    )
    assert "event_date" in response.context["form"].errors
    assert not Application.objects.exists()


def test_an_enum_fact_only_takes_its_codes(client, enterprise_user):
    sign_in(client, enterprise_user)
    response = _post_new(client, "contest_provincial", project_name="x", prize_level="一等奖")
    assert "prize_level" in response.context["form"].errors


def test_submitting_an_incomplete_form_names_every_missing_part(client, enterprise_user):
    sign_in(client, enterprise_user)
    response = client.post(
        reverse("applicants:new", args=["first_registration"]),
        {"action": "submit", "project_name": "首登记"},
    )
    errors = response.context["form"].errors
    assert {
        "event_date",
        "assessment_fee",
        "certificate_issuer",
        "evidence__registration_certificate",
        "evidence__quality_assessment_report",
        "evidence__fee_invoice",
        "declaration_accepted",
    } <= set(errors)
    assert "prior_awards_same_project" not in errors
    assert not Application.objects.exists()


def test_html_typed_into_fields_is_shown_as_text(client, enterprise_user):
    sign_in(client, enterprise_user)
    script = "<script>alert('x')</script><b>粗体</b>"
    case = complete_draft(enterprise_user, project_name=script)
    case.description = script
    case.save()
    escaped = "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;&lt;b&gt;粗体&lt;/b&gt;"
    for url in [
        reverse("applicants:detail", args=[case.pk]),
        reverse("applicants:home"),
        reverse("home"),
        reverse("applicants:edit", args=[case.pk]),
    ]:
        html = client.get(url).content.decode()
        assert "<script>alert" not in html, url
        assert "<b>粗体" not in html, url
        assert escaped in html or "&lt;script&gt;" in html, url
    # Re-rendering an invalid form escapes the typed values too.
    response = _post_new(
        client, "first_balance_sheet", project_name=script, entry_amount="<img src=x onerror=1>"
    )
    html = response.content.decode()
    assert "<img src=x" not in html
    assert "<script>alert" not in html


def test_the_live_quote_prices_the_typed_facts(client, enterprise_user):
    sign_in(client, enterprise_user)
    url = reverse("applicants:quote", args=["first_balance_sheet"])
    response = client.post(
        url, {"event_date": "2025-03-01", "entry_amount": "600,000.00"}, HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "60,000.00" in html
    assert "四、促进数据合规流通交易（四）" in html
    assert 'id="quote-trace"' in html
    response = client.post(url, {"event_date": "2025-03-01", "entry_amount": "500000.00"})
    html = response.content.decode()
    assert "0.00" in html
    assert "未达到门槛" in html
    response = client.post(url, {"entry_amount": "600000.00"})
    assert "事项发生日期" in response.content.decode()
    response = client.post(url, {"event_date": "2025-03-01", "entry_amount": "-3"})
    assert str(MONEY_NEGATIVE) in response.content.decode()


def test_the_live_quote_is_for_enterprise_users_only(client, county_reviewer):
    sign_in(client, county_reviewer)
    url = reverse("applicants:quote", args=["honor_provincial"])
    assert client.post(url, {"event_date": "2025-03-01"}).status_code == 403


def test_the_confirmation_page_warns_when_ineligible_and_why(client, enterprise_user):
    sign_in(client, enterprise_user)
    case = complete_draft(enterprise_user, item="first_balance_sheet", entry_amount="500000.00")
    html = client.get(reverse("applicants:submit", args=[case.pk])).content.decode()
    assert 'id="ineligible-warning"' in html
    assert "未达到门槛" in html
    assert "仍然提交" in html


def test_the_confirmation_page_lists_what_is_missing(client, enterprise_user):
    sign_in(client, enterprise_user)
    case = application_create(
        actor=enterprise_user,
        item="contest_national",
        data=ApplicationInput(project_name="未完成", facts={"prize_level": "first"}),
    )
    html = client.get(reverse("applicants:submit", args=[case.pk])).content.decode()
    assert 'id="submit-blockers"' in html
    assert "获奖证书" in html
    assert 'id="confirm-submit"' not in html
    response = client.post(reverse("applicants:submit", args=[case.pk]))
    case.refresh_from_db()
    assert case.status == Status.DRAFT
    assert response.url == reverse("applicants:edit", args=[case.pk])


def test_submitting_locks_the_case_records_quote_revision_and_timeline(client, enterprise_user):
    sign_in(client, enterprise_user)
    case = complete_draft(enterprise_user, item="contest_national", prize_level="second")
    response = client.post(reverse("applicants:submit", args=[case.pk]), follow=True)
    case.refresh_from_db()
    assert case.status == Status.SUBMITTED
    assert case.expected_amount == Decimal("200000.00")
    assert case.quote_rules_version == "2025-draft"
    assert case.quote_trace[-1]["step"] == "payable"
    assert case.quote_trace[0]["clause"]
    assert case.revision == 1
    revision = ApplicationRevision.objects.get(application=case)
    assert revision.snapshot["facts"] == {"prize_level": "second"}
    assert revision.snapshot["quote"]["amount"] == "200000.00"
    assert len(revision.snapshot["evidence"]) == 2
    event = CaseEvent.objects.filter(application=case, action="submit").get()
    assert event.actor == enterprise_user
    html = response.content.decode()
    assert 'id="timeline"' in html
    assert "提交申报" in html
    assert "200,000.00" in html
    # Locked: the edit view refuses and nothing changes.
    response = client.post(
        reverse("applicants:edit", args=[case.pk]),
        {"action": "save", "project_name": "改名", "prize_level": "first"},
        follow=True,
    )
    case.refresh_from_db()
    assert case.project_name != "改名"
    assert case.facts == {"prize_level": "second"}
    assert "已锁定" in response.content.decode()
    with pytest.raises(Conflict):
        application_update(
            actor=enterprise_user, application_id=case.pk, data=ApplicationInput(project_name="x")
        )
    assert str(APPLICATION_LOCKED).split("“")[0] in response.content.decode()


def test_the_timeline_shows_beijing_time_role_and_reason(client, enterprise_user, county_reviewer):
    sign_in(client, enterprise_user)
    case = complete_draft(enterprise_user)
    application_submit(actor=enterprise_user, application_id=case.pk)
    case_transition(
        application_id=case.pk, action="county_return", actor=county_reviewer, reason="请补充盖章件"
    )
    at = datetime.datetime(2025, 6, 30, 17, 30, tzinfo=datetime.UTC)  # 01:30 next day in Beijing
    with with_database_owner_rights():
        CaseEvent.objects.filter(application=case, action="county_return").update(created_at=at)
    html = client.get(reverse("applicants:detail", args=[case.pk])).content.decode()
    assert "2025-07-01 01:30" in html
    assert "县区初审人员" in html
    assert "请补充盖章件" in html
    assert "退回补正" in html


def test_a_returned_case_is_edited_and_resubmitted_keeping_every_version(
    client, enterprise_user, county_reviewer
):
    sign_in(client, enterprise_user)
    case = complete_draft(enterprise_user, item="contest_provincial", prize_level="third")
    application_submit(actor=enterprise_user, application_id=case.pk)
    case_transition(
        application_id=case.pk, action="county_return", actor=county_reviewer, reason="等次有误"
    )
    response = client.post(
        reverse("applicants:edit", args=[case.pk]),
        {
            "action": "submit",
            "project_name": "省赛项目（补正）",
            "event_date": "2025-03-01",
            "prize_level": "first",
            "declaration_accepted": "on",
            "evidence__award_certificate": upload("新证书.png", tiny_png(), "image/png"),
        },
    )
    assert response.url == reverse("applicants:submit", args=[case.pk])
    client.post(reverse("applicants:submit", args=[case.pk]))
    case.refresh_from_db()
    assert case.status == Status.SUBMITTED
    assert case.revision == 2
    assert case.expected_amount == Decimal("100000.00")
    revisions = list(ApplicationRevision.objects.filter(application=case).order_by("number"))
    assert [r.snapshot["facts"]["prize_level"] for r in revisions] == ["third", "first"]
    assert revisions[0].snapshot["project_name"] == "省级数据表彰项目"
    assert CaseEvent.objects.filter(application=case, action="resubmit").exists()
    versions = sorted(
        case.evidence_files.filter(kind="award_certificate").values_list("version", flat=True)
    )
    assert versions == [1, 2]
    html = client.get(reverse("applicants:detail", args=[case.pk])).content.decode()
    assert "第 1 次提交" in html
    assert "第 2 次提交" in html


def test_withdraw_before_review_starts(client, enterprise_user, county_reviewer):
    sign_in(client, enterprise_user)
    case = complete_draft(enterprise_user)
    application_submit(actor=enterprise_user, application_id=case.pk)
    assert (
        'id="withdraw-link"'
        in client.get(reverse("applicants:detail", args=[case.pk])).content.decode()
    )
    client.post(reverse("applicants:withdraw", args=[case.pk]), {"reason": "材料需重新准备"})
    case.refresh_from_db()
    assert case.status == Status.WITHDRAWN
    assert CaseEvent.objects.get(application=case, action="withdraw").reason == "材料需重新准备"
    other = complete_draft(enterprise_user, project_name="另一个项目")
    application_submit(actor=enterprise_user, application_id=other.pk)
    case_transition(application_id=other.pk, action="recommend", actor=county_reviewer)
    html = client.get(reverse("applicants:detail", args=[other.pk])).content.decode()
    assert 'id="withdraw-link"' not in html
    response = client.post(reverse("applicants:withdraw", args=[other.pk]), follow=True)
    other.refresh_from_db()
    assert other.status == Status.RECOMMENDED
    assert "不再允许此操作" in response.content.decode()


def test_a_first_time_item_is_refused_once_granted(client, enterprise_user):
    sign_in(client, enterprise_user)
    enterprise = enterprise_user.enterprise
    draft = complete_draft(enterprise_user, item="first_balance_sheet", entry_amount="900000.00")
    ApplicationFactory(enterprise=enterprise, item="first_balance_sheet", status=Status.APPROVED)
    message = FIRST_TIME_ALREADY_GRANTED % {"item": "数据资源“首入表”"}
    with pytest.raises(ServiceError) as error:
        application_submit(actor=enterprise_user, application_id=draft.pk)
    assert str(error.value.message) == message
    with pytest.raises(ServiceError):
        application_create(
            actor=enterprise_user,
            item="first_balance_sheet",
            data=ApplicationInput(project_name="再次入表"),
        )
    response = client.get(reverse("applicants:new", args=["first_balance_sheet"]), follow=True)
    assert message in response.content.decode()
    assert "已获奖励，不能再次申报" in client.get(reverse("home")).content.decode()
    # Another enterprise, or a paid case of a non-first item, is not affected.
    complete_draft(enterprise_user, item="contest_national", prize_level="first")


def test_a_paid_first_time_case_also_blocks(enterprise_user):
    ApplicationFactory(
        enterprise=enterprise_user.enterprise, item="first_registration", status=Status.PAID
    )
    with pytest.raises(ServiceError):
        application_create(
            actor=enterprise_user,
            item="first_registration",
            data=ApplicationInput(project_name="x"),
        )


def test_the_same_achievement_filed_twice_is_flagged_not_refused(enterprise_user):
    first = complete_draft(
        enterprise_user,
        item="contest_national",
        project_name="智慧农业数据平台",
        prize_level="first",
    )
    application_submit(actor=enterprise_user, application_id=first.pk)
    again = complete_draft(
        enterprise_user,
        item="contest_national",
        project_name="  智慧农业数据平台 ".upper(),
        prize_level="first",
        event_date=datetime.date(2025, 8, 1),
    )
    application_submit(actor=enterprise_user, application_id=again.pk)
    again.refresh_from_db()
    assert again.status == Status.SUBMITTED
    assert again.possible_duplicate_of == first
    same_day = complete_draft(
        enterprise_user, item="contest_national", project_name="别的名字", prize_level="first"
    )
    application_submit(actor=enterprise_user, application_id=same_day.pk)
    same_day.refresh_from_db()
    assert same_day.possible_duplicate_of == first
    other_item = complete_draft(
        enterprise_user, item="honor_national", project_name="智慧农业数据平台"
    )
    application_submit(actor=enterprise_user, application_id=other_item.pk)
    other_item.refresh_from_db()
    assert other_item.possible_duplicate_of is None


def test_a_withdrawn_filing_is_not_a_duplicate(enterprise_user):
    first = complete_draft(enterprise_user, project_name="同名项目")
    application_submit(actor=enterprise_user, application_id=first.pk)
    case_transition(application_id=first.pk, action="withdraw", actor=enterprise_user)
    again = complete_draft(enterprise_user, project_name="同名项目")
    application_submit(actor=enterprise_user, application_id=again.pk)
    again.refresh_from_db()
    assert again.possible_duplicate_of is None


def test_the_enterprise_snapshot_is_taken_at_submission(enterprise_user):
    case = complete_draft(enterprise_user)
    enterprise = enterprise_user.enterprise
    enterprise.jurisdiction = "411521"
    enterprise.save()
    application_submit(actor=enterprise_user, application_id=case.pk)
    case.refresh_from_db()
    assert case.jurisdiction == "411521"
    enterprise.jurisdiction = "411502"
    enterprise.save()
    case.refresh_from_db()
    assert case.jurisdiction == "411521"


def test_another_enterprise_cannot_open_or_change_a_case(
    client, enterprise_user, other_enterprise_user
):
    case = complete_draft(enterprise_user)
    sign_in(client, other_enterprise_user)
    for name in ["detail", "edit", "submit", "withdraw"]:
        assert client.get(reverse(f"applicants:{name}", args=[case.pk])).status_code == 404, name
    assert client.post(reverse("applicants:submit", args=[case.pk])).status_code == 404
    assert (
        client.post(
            reverse("applicants:edit", args=[case.pk]), {"action": "save", "project_name": "偷改"}
        ).status_code
        == 404
    )
    case.refresh_from_db()
    assert (case.status, case.project_name) == (Status.DRAFT, "省级数据表彰项目")
    html = client.get(reverse("applicants:home")).content.decode()
    assert "省级数据表彰项目" not in html


def test_the_form_is_english_on_request(client, enterprise_user):
    sign_in(client, enterprise_user)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    html = client.get(reverse("applicants:new", args=["contest_national"])).content.decode()
    assert "Prize in a national contest" in html
    assert "Award certificate" in html
    assert "Save draft" in html
    assert "First prize" in html
    response = client.post(
        reverse("applicants:new", args=["first_balance_sheet"]),
        {"action": "save", "project_name": "x", "entry_amount": "-1"},
    )
    assert response.context["form"].errors["entry_amount"] == ["The amount must not be negative."]


def test_the_enterprise_name_is_escaped_on_its_dashboard(client, enterprise_user):
    enterprise = enterprise_user.enterprise
    enterprise.name = "<script>alert(1)</script>数据公司"
    enterprise.save()
    sign_in(client, enterprise_user)
    for url in [reverse("home"), reverse("applicants:members")]:
        html = client.get(url).content.decode()
        assert "<script>alert(1)</script>" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;数据公司" in html


def test_the_stored_explanation_follows_the_page_language(client, enterprise_user):
    from applicants.models import Application

    sign_in(client, enterprise_user)
    case = ApplicationFactory(
        enterprise=enterprise_user.enterprise,
        status="submitted",
        quote_trace=[
            {
                "clause": "八、优化产业发展环境（五）",
                "step": "payable",
                "value": "100000.00",
                "description": "应奖励 100000.00 元。",
                "description_en": "Payable: 100000.00 yuan.",
            }
        ],
    )
    assert Application.objects.filter(pk=case.pk).exists()
    url = reverse("applicants:detail", args=[case.pk])
    # Shown with thousands separators, derived from the stored text.
    assert "应奖励 100,000.00 元。" in client.get(url).content.decode()
    client.post(reverse("set_language"), {"language": "en"})
    html = client.get(url).content.decode()
    assert "Payable: 100,000.00 yuan." in html
    assert "应奖励" not in html
