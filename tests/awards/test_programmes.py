"""县区同步奖励: the city's confirmation creates the county's match; each programme's own money."""

from decimal import Decimal

import pytest
from django.db import transaction
from django.urls import reverse

from applicants.errors import NotAllowed, ServiceError
from applicants.models import Application, CaseEvent, Status
from applicants.roles import Role
from awards.models import Award, Budget, PayoutPlanState
from awards.services.decisions import case_decide
from awards.services.payouts import budget_set, payouts_schedule
from tests.awards.helpers import case_in
from tests.conftest import LUOSHAN
from tests.factories import EnterpriseFactory, make_user, sign_in

pytestmark = pytest.mark.django_db


def _luoshan_enterprise():
    return EnterpriseFactory(jurisdiction=LUOSHAN)


def _confirmed(item: str, *, enterprise=None, project: str | None = None, **facts: str):
    kwargs: dict[str, object] = {"item": item, "facts": facts}
    if enterprise is not None:
        kwargs["enterprise"] = enterprise
    if project is not None:
        kwargs["project_name"] = project
    return case_in(Status.CONFIRMED, **kwargs)


def _match_of(case: Application) -> Application | None:
    return Application.objects.filter(matched_application=case).first()


@pytest.fixture
def luoshan_reviewer(luoshan_programme):
    return make_user(Role.COUNTY_REVIEWER, jurisdiction=LUOSHAN)


@pytest.fixture
def luoshan_finance(luoshan_programme):
    return make_user(Role.COUNTY_FINANCE, jurisdiction=LUOSHAN)


def test_a_luoshan_national_prize_confirmed_by_the_city_creates_the_county_match_at_its_ratio(
    luoshan_programme,
):
    case = _confirmed("contest_national", enterprise=_luoshan_enterprise(), prize_level="second")
    match = _match_of(case)
    assert match is not None
    assert match.programme == LUOSHAN
    assert match.status == Status.PROPOSED
    assert case.award.amount == Decimal("200000.00")
    assert match.expected_amount == Decimal("100000.00")  # 0.50 of the city's award
    assert match.enterprise_id == case.enterprise_id
    assert match.project_key == case.project_key
    # The trace cites the city decision and the county's clause.
    steps = {step["step"]: step for step in match.quote_trace}
    assert case.reference in steps["city_award"]["description"]
    assert steps["city_award"]["clause"] == "三、加强数据资源开发利用（三）"
    assert any("罗山县" in step["clause"] for step in match.quote_trace)
    # Both cases are audited.
    assert CaseEvent.objects.filter(application=match, action="match_propose").exists()
    assert CaseEvent.objects.filter(application=case, action="match_proposed").exists()


def test_a_shihe_enterprise_gets_no_match(luoshan_programme):
    case = _confirmed("contest_national", prize_level="first")  # the factory's 浉河区
    assert case.jurisdiction == "411502"
    assert _match_of(case) is None


def test_an_item_the_county_does_not_match_gets_none(luoshan_programme):
    case = _confirmed("dataset_national", enterprise=_luoshan_enterprise())
    assert case.award.amount > 0
    assert _match_of(case) is None


def test_without_an_enabled_programme_nothing_is_matched():
    case = _confirmed("contest_national", enterprise=_luoshan_enterprise(), prize_level="first")
    assert _match_of(case) is None


def test_an_achievement_is_matched_once_a_city_top_up_only_for_what_it_adds(luoshan_programme):
    enterprise = _luoshan_enterprise()
    provincial = _confirmed(
        "contest_provincial", enterprise=enterprise, project="茶园数据应用", prize_level="first"
    )
    national = _confirmed(
        "contest_national", enterprise=enterprise, project="茶园数据应用", prize_level="first"
    )
    assert national.award.amount == Decimal("200000.00")  # 300,000 less the provincial 100,000
    amounts = [_match_of(provincial).expected_amount, _match_of(national).expected_amount]
    assert amounts == [Decimal("50000.00"), Decimal("100000.00")]
    assert sum(amounts) == Decimal("150000.00")  # 0.50 of the 300,000 the achievement is worth


def test_own_amounts_deduct_what_the_county_already_matched(luoshan_programme):
    enterprise = _luoshan_enterprise()
    provincial = _confirmed("platform_provincial", enterprise=enterprise, project="数据创新中心")
    national = _confirmed("platform_national", enterprise=enterprise, project="数据创新中心")
    first, second = _match_of(provincial), _match_of(national)
    assert first.expected_amount == Decimal("50000.00")
    assert second.expected_amount == Decimal("50000.00")  # 100,000 less the 50,000 matched


def test_the_county_reviewer_confirms_the_match_into_a_county_award(luoshan_reviewer):
    case = _confirmed("contest_national", enterprise=_luoshan_enterprise(), prize_level="third")
    match = _match_of(case)
    case_decide(application_id=match.pk, action="match_confirm", actor=luoshan_reviewer)
    match.refresh_from_db()
    assert match.status == Status.CONFIRMED
    # No 公示 of its own: its confirmed state says who confirmed it.
    assert match.get_status_display() == "县区已确认"
    assert case.get_status_display() == "公示无异议"
    award = Award.objects.get(application=match)
    assert award.amount == Decimal("50000.00")
    assert award.approved_by == luoshan_reviewer
    assert award.rules_version == match.quote_rules_version
    assert CaseEvent.objects.filter(application=match, action="match_confirm").exists()


def test_the_county_reviewer_may_reject_with_a_reason_only(luoshan_reviewer):
    match = _match_of(_confirmed("honor_national", enterprise=_luoshan_enterprise()))
    with pytest.raises(ServiceError):
        case_decide(application_id=match.pk, action="match_reject", actor=luoshan_reviewer)
    case_decide(
        application_id=match.pk,
        action="match_reject",
        actor=luoshan_reviewer,
        reason="该荣誉已获县级其他政策奖励",
    )
    match.refresh_from_db()
    assert match.status == Status.REJECTED
    assert not Award.objects.filter(application=match).exists()


@pytest.mark.parametrize(
    ("role", "jurisdiction"),
    [
        (Role.COUNTY_REVIEWER, "411502"),  # another county
        (Role.CITY_REVIEWER, ""),
        (Role.FINANCE, ""),
        (Role.COUNTY_FINANCE, LUOSHAN),  # the county, but not its reviewer
    ],
)
def test_nobody_else_may_confirm_a_county_match(luoshan_programme, role, jurisdiction):
    match = _match_of(_confirmed("honor_national", enterprise=_luoshan_enterprise()))
    outsider = make_user(role, jurisdiction=jurisdiction)
    with pytest.raises(NotAllowed):
        case_decide(application_id=match.pk, action="match_confirm", actor=outsider)
    match.refresh_from_db()
    assert match.status == Status.PROPOSED


def test_city_actions_are_refused_on_a_county_match(luoshan_reviewer):
    match = _match_of(_confirmed("honor_national", enterprise=_luoshan_enterprise()))
    city = make_user(Role.CITY_REVIEWER)
    for action in ("approve", "announce", "city_reject"):
        with pytest.raises(ServiceError):
            case_decide(application_id=match.pk, action=action, actor=city, reason="x")


def _confirmed_matches(reviewer, count: int, item: str = "contest_national") -> list[Application]:
    matches = []
    for _ in range(count):
        case = _confirmed(item, enterprise=_luoshan_enterprise(), prize_level="third")
        match = _match_of(case)
        case_decide(application_id=match.pk, action="match_confirm", actor=reviewer)
        matches.append(match)
    return matches


def test_the_county_plan_honours_its_own_quota_and_budget_and_leaves_the_city_alone(
    luoshan_reviewer, luoshan_finance
):
    city_finance = make_user(Role.FINANCE)
    budget_set(year=2026, amount=Decimal("5000000.00"), actor=city_finance)
    budget_set(year=2026, amount=Decimal("120000.00"), actor=luoshan_finance, programme=LUOSHAN)
    budget_set(year=2027, amount=Decimal("1000000.00"), actor=luoshan_finance, programme=LUOSHAN)
    matches = _confirmed_matches(luoshan_reviewer, 4)  # 4 × 50,000 (0.50 of a third prize)
    city_cases = list(
        Application.objects.filter(programme="city", status=Status.CONFIRMED).values_list(
            "pk", flat=True
        )
    )
    report = payouts_schedule(LUOSHAN)
    years = dict(
        Award.objects.filter(application__in=matches).values_list("application", "pay_year")
    )
    # 2026: the county's quota is 3, and its 120,000 pays only two of 50,000.
    assert sorted(years.values(), key=str) == [2026, 2026, 2027, 2027]
    assert len(report.scheduled) == 4
    # The city's confirmed awards were not planned, and the city's plan state was not touched.
    assert set(Application.objects.filter(pk__in=city_cases).values_list("status", flat=True)) == {
        Status.CONFIRMED
    }
    assert not PayoutPlanState.objects.filter(programme="city", planned_at__isnull=False).exists()
    assert Budget.objects.get(programme="city", year=2026).amount == Decimal("5000000.00")


def test_the_county_quota_is_its_own(luoshan_reviewer, luoshan_finance):
    budget_set(year=2026, amount=Decimal("9000000.00"), actor=luoshan_finance, programme=LUOSHAN)
    budget_set(year=2027, amount=Decimal("9000000.00"), actor=luoshan_finance, programme=LUOSHAN)
    matches = _confirmed_matches(luoshan_reviewer, 4)
    payouts_schedule(LUOSHAN)
    years = sorted(Award.objects.filter(application__in=matches).values_list("pay_year", flat=True))
    assert years == [2026, 2026, 2026, 2027]  # 示例: 3 per item per year, not the city's 5


def test_the_city_plan_never_touches_county_awards(luoshan_reviewer):
    city_finance = make_user(Role.FINANCE)
    budget_set(year=2026, amount=Decimal("9000000.00"), actor=city_finance)
    (match,) = _confirmed_matches(luoshan_reviewer, 1)
    payouts_schedule()
    match.refresh_from_db()
    assert match.status == Status.CONFIRMED
    assert match.award.pay_year is None


def test_county_finance_cannot_touch_the_citys_budget_or_another_countys(luoshan_finance):
    with pytest.raises(NotAllowed):
        budget_set(year=2026, amount=Decimal("1.00"), actor=luoshan_finance)
    with pytest.raises(ServiceError):
        budget_set(year=2026, amount=Decimal("1.00"), actor=luoshan_finance, programme="411522")
    other = make_user(Role.COUNTY_FINANCE, jurisdiction="411522")
    with pytest.raises(NotAllowed):
        budget_set(year=2026, amount=Decimal("1.00"), actor=other, programme=LUOSHAN)
    city_finance = make_user(Role.FINANCE)
    with pytest.raises(NotAllowed):
        budget_set(year=2026, amount=Decimal("1.00"), actor=city_finance, programme=LUOSHAN)
    assert not Budget.objects.exists()


def test_county_finance_pays_the_county_award_and_city_finance_cannot(
    luoshan_reviewer, luoshan_finance
):
    budget_set(year=2026, amount=Decimal("100000.00"), actor=luoshan_finance, programme=LUOSHAN)
    (match,) = _confirmed_matches(luoshan_reviewer, 1)
    payouts_schedule(LUOSHAN)
    city_finance = make_user(Role.FINANCE)
    payment = {"payment_reference": "LSCZ-2026-001", "paid_at": None}
    with pytest.raises(NotAllowed):
        case_decide(application_id=match.pk, action="pay", actor=city_finance, **payment)
    case_decide(application_id=match.pk, action="pay", actor=luoshan_finance, **payment)
    match.refresh_from_db()
    assert match.status == Status.PAID
    assert match.award.payment_reference == "LSCZ-2026-001"


def test_a_county_payment_is_checked_against_the_county_budget(luoshan_reviewer, luoshan_finance):
    budget_set(year=2026, amount=Decimal("60000.00"), actor=luoshan_finance, programme=LUOSHAN)
    first, second = _confirmed_matches(luoshan_reviewer, 2)
    payouts_schedule(LUOSHAN)
    # Scheduled while the budget held one; the other waits. A budget cut below the plan:
    Award.objects.filter(application=second).update(pay_year=2026)
    Application.objects.filter(pk=second.pk).update(status=Status.SCHEDULED)
    case_decide(
        application_id=first.pk, action="pay", actor=luoshan_finance, payment_reference="A-1"
    )
    with pytest.raises(ServiceError) as refused:
        case_decide(
            application_id=second.pk, action="pay", actor=luoshan_finance, payment_reference="A-2"
        )
    assert refused.value.code == "over_budget"


def test_the_finance_page_refuses_county_finance_the_citys_programme(client, luoshan_finance):
    sign_in(client, luoshan_finance)
    assert client.get(reverse("awards:finance")).status_code == 200
    assert client.get(reverse("awards:finance") + "?programme=city").status_code == 403
    response = client.post(
        reverse("awards:finance") + "?programme=city",
        {"programme": "city", "year": "2026", "amount": "1.00"},
    )
    assert response.status_code == 403
    assert not Budget.objects.exists()


def test_city_finance_reads_the_county_programme_but_cannot_change_it(client, luoshan_programme):
    city_finance = make_user(Role.FINANCE)
    sign_in(client, city_finance)
    page = client.get(reverse("awards:finance") + f"?programme={LUOSHAN}")
    assert page.status_code == 200
    text = page.content.decode()
    assert "罗山县同步奖励" in text
    assert 'id="read-only"' in text
    assert 'id="budget-form"' not in text
    refused = client.post(
        reverse("awards:finance") + f"?programme={LUOSHAN}",
        {"programme": LUOSHAN, "year": "2026", "amount": "1.00"},
    )
    assert refused.status_code == 403
    assert not Budget.objects.exists()


def test_county_finance_sets_the_county_budget_on_its_page(client, luoshan_finance):
    sign_in(client, luoshan_finance)
    response = client.post(
        reverse("awards:finance"), {"programme": LUOSHAN, "year": "2026", "amount": "300000.00"}
    )
    assert response.status_code == 302
    budget = Budget.objects.get()
    assert (budget.programme, budget.year, budget.amount) == (LUOSHAN, 2026, Decimal("300000.00"))


def test_the_enterprise_sees_both_awards_on_its_case(client, luoshan_reviewer):
    case = _confirmed("contest_national", enterprise=_luoshan_enterprise(), prize_level="first")
    match = _match_of(case)
    case_decide(application_id=match.pk, action="match_confirm", actor=luoshan_reviewer)
    sign_in(client, case.created_by)
    text = client.get(reverse("applicants:detail", args=[case.pk])).content.decode()
    assert 'id="programme-cases"' in text
    # The shipped example says it is one wherever its name appears.
    for words in ("市级奖励", "罗山县同步奖励（示例）", "300,000.00", "150,000.00"):
        assert words in text
    assert "450,000.00" in text  # 已核定合计
    match_page = client.get(reverse("applicants:detail", args=[match.pk]))
    assert match_page.status_code == 200
    assert 'id="match-notice"' in match_page.content.decode()


def test_county_reviewers_see_only_their_countys_matches(client, luoshan_reviewer):
    match = _match_of(_confirmed("honor_national", enterprise=_luoshan_enterprise()))
    other = make_user(Role.COUNTY_REVIEWER, jurisdiction="411502")
    sign_in(client, other)
    assert client.get(reverse("awards:case_detail", args=[match.pk])).status_code == 404
    sign_in(client, luoshan_reviewer)
    page = client.get(reverse("awards:case_detail", args=[match.pk]))
    assert page.status_code == 200
    assert 'id="action-match_confirm"' in page.content.decode()
    queue = client.get(reverse("awards:queue")).content.decode()
    assert match.reference in queue


def test_city_finance_sees_no_pay_button_on_a_county_award(
    client, luoshan_reviewer, luoshan_finance
):
    budget_set(year=2026, amount=Decimal("100000.00"), actor=luoshan_finance, programme=LUOSHAN)
    (match,) = _confirmed_matches(luoshan_reviewer, 1)
    payouts_schedule(LUOSHAN)
    city_finance = make_user(Role.FINANCE)
    sign_in(client, city_finance)
    page = client.get(reverse("awards:case_detail", args=[match.pk]))
    assert page.status_code == 200
    assert 'id="action-pay"' not in page.content.decode()
    sign_in(client, luoshan_finance)
    page = client.get(reverse("awards:case_detail", args=[match.pk]))
    assert 'id="action-pay"' in page.content.decode()


def test_confirming_again_never_makes_a_second_match(luoshan_programme):
    from awards.programmes.services import matches_propose

    case = _confirmed("honor_national", enterprise=_luoshan_enterprise())
    assert matches_propose(application=case) == []
    assert Application.objects.filter(matched_application=case).count() == 1


def test_a_proposed_match_takes_only_the_countys_two_actions_from_its_reviewer(luoshan_reviewer):
    from applicants.workflow import SYSTEM, TRANSITIONS

    match = _match_of(_confirmed("honor_national", enterprise=_luoshan_enterprise()))
    actors = {
        Role.ENTERPRISE: match.created_by,
        Role.COUNTY_REVIEWER: luoshan_reviewer,
        Role.COUNTY_FINANCE: make_user(Role.COUNTY_FINANCE, jurisdiction=LUOSHAN),
        Role.CITY_REVIEWER: make_user(Role.CITY_REVIEWER),
        Role.FINANCE: make_user(Role.FINANCE),
        Role.ADMIN: make_user(Role.ADMIN),
    }
    taken = set()
    for transition in TRANSITIONS:
        for role, actor in actors.items():
            try:
                with transaction.atomic():
                    case_decide(
                        application_id=match.pk,
                        action=transition.action,
                        actor=actor,
                        reason="按规定办理",
                        payment_reference="X-1",
                    )
                    taken.add((transition.action, role))
                    raise _Undo
            except (_Undo, ServiceError):
                pass
        if SYSTEM in transition.roles:
            with pytest.raises(ServiceError):
                case_decide(application_id=match.pk, action=transition.action, actor=None)
    assert taken == {
        ("match_confirm", Role.COUNTY_REVIEWER),
        ("match_reject", Role.COUNTY_REVIEWER),
    }


class _Undo(Exception):
    pass


def test_a_malformed_programme_file_stops_the_start_with_the_loaders_message(settings, tmp_path):
    from django.core.management import call_command
    from django.core.management.base import SystemCheckError

    from tests.conftest import EXAMPLE_PROGRAMME

    broken = tmp_path / "411521-broken.toml"
    broken.write_text(
        EXAMPLE_PROGRAMME.read_text(encoding="utf-8").replace(
            'programme = "411521"', 'programme = "411599"'
        ),
        encoding="utf-8",
    )
    settings.COUNTY_PROGRAMME_FILES = [str(broken)]
    with pytest.raises(SystemCheckError) as stopped:
        call_command("check")
    assert "applicants.E001" in str(stopped.value)
    assert "411599" in str(stopped.value)


def test_the_deploy_check_warns_of_the_example_programme(luoshan_programme):
    from applicants.checks import EXAMPLE_PROGRAMME_DEPLOYED, no_example_programme

    (warning,) = no_example_programme()
    assert warning.id == EXAMPLE_PROGRAMME_DEPLOYED


# --- the case page's programmes card -------------------------------------------------------------


def test_a_city_case_without_a_match_is_told_alone_without_a_read(django_assert_num_queries):
    """The case page skips the programmes' read when no county matched the case: what it shows
    instead is what the read would have given."""
    from applicants.programmes import programme_cases_of
    from applicants.selectors import cases_visible_to

    city = make_user(Role.CITY_REVIEWER)
    case = Application.objects.select_related("award").get(pk=_confirmed("honor_national").pk)
    read = programme_cases_of(case, visible=cases_visible_to(city), url_name="awards:case_detail")
    with django_assert_num_queries(0):
        alone = programme_cases_of(
            case, visible=cases_visible_to(city), url_name="awards:case_detail", matched=False
        )
    assert alone == read
    assert not alone.shown
    assert alone.granted_total == case.award.amount


def test_the_city_case_page_shows_its_county_match_and_the_total(client, luoshan_programme):
    case = _confirmed("honor_national", enterprise=_luoshan_enterprise())
    match = _match_of(case)
    sign_in(client, make_user(Role.CITY_REVIEWER))
    text = client.get(reverse("awards:case_detail", args=[case.pk])).content.decode()
    card = text[text.index('id="programme-cases"') : text.index('id="programme-total"')]
    assert 'data-programme="411521"' in card
    assert match.reference in card
    # The city case is the page itself; the match links to its own page.
    assert reverse("awards:case_detail", args=[match.pk]) in card
