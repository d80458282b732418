"""办理记录 as sentences (applicants.history): one builder and one partial for both case pages."""

from decimal import Decimal

import pytest
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils import timezone, translation

from applicants import policy
from applicants.history import case_history
from applicants.models import Application, CaseEvent
from applicants.roles import Role
from applicants.services.applications import application_submit
from applicants.services.cases import case_transition
from awards.announcements.calendar import working_days_end
from awards.models import Award, Budget
from awards.services.decisions import award_quota_exempt, case_decide
from tests.applicants.conftest import complete_draft
from tests.awards.helpers import end_announcement
from tests.factories import EnterpriseFactory, make_user, sign_in

pytestmark = pytest.mark.django_db

COMPANY = "信阳示范数据科技有限公司"


@pytest.fixture
def people():
    enterprise = EnterpriseFactory(name=COMPANY, jurisdiction="411502")
    return {
        "enterprise": make_user(Role.ENTERPRISE, display_name="李华", enterprise=enterprise),
        "county": make_user(Role.COUNTY_REVIEWER, display_name="张三", jurisdiction="411502"),
        "city": make_user(Role.CITY_REVIEWER, display_name="王五"),
        "finance": make_user(Role.FINANCE, display_name="赵六"),
    }


def _journey(people) -> Application:
    """A national first prize (300,000) filed, recommended, reviewed, approved at 250,000 with a
    reason, announced, confirmed, scheduled for 2026 and paid: every step through the services."""
    case = complete_draft(
        people["enterprise"], item="contest_national", project_name="数据大脑", prize_level="first"
    )
    application_submit(actor=people["enterprise"], application_id=case.pk)
    case_decide(application_id=case.pk, action="recommend", actor=people["county"])
    case_decide(application_id=case.pk, action="review", actor=people["city"])
    case_decide(
        application_id=case.pk,
        action="approve",
        actor=people["city"],
        amount=Decimal("250000.00"),
        override_reason="配套资金已另行安排",
    )
    case_decide(application_id=case.pk, action="announce", actor=people["city"])
    end_announcement(case)
    case_decide(application_id=case.pk, action="confirm", actor=people["city"])
    Budget.objects.get_or_create(year=2026, defaults={"amount": Decimal("100000000.00")})

    def set_year(application: Application) -> dict:
        Award.objects.filter(application=application).update(pay_year=2026)
        return {"pay_year": 2026, "amount": "250000.00"}

    case_transition(application_id=case.pk, action="schedule", actor=None, before_save=set_year)
    case_decide(
        application_id=case.pk,
        action="pay",
        actor=people["finance"],
        payment_reference="XYCZ-2026-0815",
        paid_at=timezone.localdate(),
    )
    return Application.objects.select_related("enterprise").get(pk=case.pk)


def _entries(case, **kwargs):
    events = CaseEvent.objects.filter(application=case).select_related("actor").order_by("id")
    return case_history(events, application=case, **kwargs)


def _by_action(entries):
    return {entry.action: entry for entry in entries}


def test_every_step_reads_as_a_sentence(people):
    case = _journey(people)
    all_entries = _entries(case)
    entries = _by_action(all_entries)
    uploads = [e for e in all_entries if e.action == "evidence_added"]
    assert uploads
    for upload in uploads:
        data = upload.event.data
        label = policy.evidence_label("contest_national", data["kind"])
        size = filesizeformat(data["size"])
        assert upload.sentence == f"上传证明材料：{label} v1（{size}）"
    assert entries["submit"].sentence == "提交申报（第 1 次提交，预计奖励 300,000.00 元）"
    assert entries["recommend"].sentence == "县区初审推荐"
    assert entries["review"].sentence == "市级复审通过"
    version = policy.version_in_force().label("zh")  # 关于…（征求意见稿） · 2025-01-01起
    assert entries["approve"].sentence == (
        f"批准奖励 250,000.00 元（规则计算 300,000.00 元，规则版本 {version}）"
    )
    assert entries["override"].sentence == (
        "批准金额调整为 250,000.00 元（规则计算 300,000.00 元）：配套资金已另行安排"
    )
    starts = timezone.localdate()
    days = settings.ANNOUNCEMENT_WORKING_DAYS
    ends = working_days_end(starts_on=starts, days=days)
    number = Award.objects.get(application=case).announcement_number
    assert entries["announce"].sentence == (
        f"发布公示（{number}）：{starts.isoformat()} 至 {ends.isoformat()}（{days} 个工作日）"
    )
    assert entries["confirm"].sentence == "公示期满无异议，确认奖励 250,000.00 元"
    assert entries["schedule"].sentence == "安排兑付年度：2026 年"
    assert entries["pay"].sentence == (
        f"登记兑付：{timezone.localdate().isoformat()}，凭证号 XYCZ-2026-0815"
    )
    # Labels, not keys; states by their labels.
    for entry in entries.values():
        assert entry.action not in entry.sentence
    assert entries["pay"].status_label == "已兑付"
    assert entries["override"].status_label == ""


def test_actors_carry_their_recorded_role_and_organisation(people):
    entries = _by_action(_entries(_journey(people)))
    assert str(entries["submit"].actor) == f"李华（企业申报人 · {COMPANY}）"
    assert str(entries["recommend"].actor) == "张三（县区初审人员 · 浉河区）"
    assert str(entries["approve"].actor) == "王五（市发展改革委复审人员）"
    assert str(entries["pay"].actor) == "赵六（市财政局人员）"
    assert str(entries["schedule"].actor) == "系统"


def test_a_display_name_cannot_pose_as_an_official(people):
    member = people["enterprise"]
    member.display_name = "市发展改革委复审人员"
    member.save()
    case = complete_draft(member, item="contest_national", prize_level="first")
    application_submit(actor=member, application_id=case.pk)
    entry = _by_action(_entries(case))["submit"]
    assert entry.actor.role == "企业申报人"
    assert entry.actor.organisation == COMPANY
    assert str(entry.actor) == f"市发展改革委复审人员（企业申报人 · {COMPANY}）"


def test_officials_are_named_to_officials_only(people):
    entries = _by_action(_entries(_journey(people), show_official_names=False))
    assert str(entries["recommend"].actor) == "县区初审人员 · 浉河区"
    assert str(entries["submit"].actor) == f"李华（企业申报人 · {COMPANY}）"


def test_returns_exemptions_and_their_reasons(people):
    case = complete_draft(people["enterprise"], item="contest_national", prize_level="first")
    application_submit(actor=people["enterprise"], application_id=case.pk)
    case_decide(
        application_id=case.pk,
        action="county_return",
        actor=people["county"],
        reason="请补充获奖证书原件扫描件",
    )
    application_submit(actor=people["enterprise"], application_id=case.pk)
    case_decide(application_id=case.pk, action="recommend", actor=people["county"])
    case_decide(application_id=case.pk, action="review", actor=people["city"])
    case_decide(application_id=case.pk, action="approve", actor=people["city"])
    award_quota_exempt(
        application_id=case.pk, actor=people["city"], exempt=True, reason="省重点项目"
    )
    award_quota_exempt(
        application_id=case.pk, actor=people["city"], exempt=False, reason="名额充足"
    )
    entries = _by_action(_entries(case))
    assert entries["county_return"].sentence == "退回补正：请补充获奖证书原件扫描件"
    assert entries["resubmit"].sentence == "补正后重新提交（第 2 次提交，预计奖励 300,000.00 元）"
    assert entries["quota_exempt"].sentence == "设为不占年度名额：省重点项目"
    assert entries["quota_exempt_revoked"].sentence == "恢复占用年度名额：名额充足"


def test_the_sentences_follow_the_page_language(people):
    case = _journey(people)
    with translation.override("en"):
        entries = _by_action(_entries(case))
    assert entries["submit"].sentence == (
        "Submitted the application (submission 1, expected award 300,000.00 yuan)"
    )
    assert entries["recommend"].sentence == "Recommended by the county/district review"
    assert entries["schedule"].sentence == "Payout year set: 2026"
    assert entries["pay"].sentence.startswith("Payment recorded: ")
    assert str(entries["recommend"].actor) == "张三 (County/district reviewer · Shihe District)"
    assert str(entries["schedule"].actor) == "System"
    assert entries["pay"].status_label == "Paid"


def test_ids_hashes_and_keys_are_folded_away(people):
    case = _journey(people)
    entry = _by_action(_entries(case))["evidence_added"]
    folded = dict(entry.details)
    assert folded["sha256"] == entry.event.data["sha256"]
    assert entry.event.hash in folded.values()
    assert entry.event.data["sha256"] not in entry.sentence


def test_an_unknown_entry_reads_as_words(people):
    case = complete_draft(people["enterprise"], item="contest_national", prize_level="first")
    event = CaseEvent(application=case, action="something_new", actor_role="system", data={})
    entry = case_history([event], application=case)[0]
    assert entry.sentence == "其他操作"
    assert ("操作代码", "something_new") in entry.details


# --- the one partial on both pages ------------------------------------------------------------


def test_both_case_pages_show_the_same_sentences(client, people):
    case = _journey(people)
    sign_in(client, people["city"])
    official = client.get(reverse("awards:case_detail", args=[case.pk])).content.decode()
    sign_in(client, people["enterprise"])
    own = client.get(reverse("applicants:detail", args=[case.pk])).content.decode()
    for html, list_id in ((official, "case-history"), (own, "timeline")):
        history = html[html.index(f'id="{list_id}"') :]
        history = history[: history.index("</ol>")]
        assert 'class="list-group list-group-flush case-history"' in html
        assert "县区初审推荐" in history
        assert "登记兑付：" in history
        assert "250,000.00" in history
        # The hash is there, folded inside <details>, not in the sentence.
        event = CaseEvent.objects.filter(application=case, action="pay").get()
        details = history[history.index('data-action="pay"') :]
        assert details.index("<details") < details.index(event.hash)
        assert "<table" not in history
    assert "张三" in official
    assert "张三" not in own
    assert "县区初审人员 · 浉河区" in own


def test_the_api_history_carries_the_sentences(client, people):
    case = _journey(people)
    sign_in(client, people["city"])
    history = client.get(f"/api/v1/cases/{case.pk}/").json()["history"]
    by_action = {row["action"]: row for row in history}
    assert by_action["schedule"]["text"] == "安排兑付年度：2026 年"
    assert by_action["recommend"]["actor_text"] == "张三（县区初审人员 · 浉河区）"


def test_every_action_the_code_audits_has_a_label():
    """An audit entry written anywhere reads as words on the case page, never "其他操作"."""
    import re
    from pathlib import Path

    from applicants.history import action_label

    root = Path(__file__).resolve().parents[2]
    written = set()
    for path in [*root.glob("applicants/**/*.py"), *root.glob("awards/**/*.py")]:
        text = path.read_text(encoding="utf-8")
        written |= set(re.findall(r'audit_append\(\s*action="([a-z_]+)"', text))
    assert {"winner_draft_created", "api_token_created"} <= written
    unlabelled = sorted(a for a in written if action_label(a) == "其他操作")
    assert unlabelled == []
