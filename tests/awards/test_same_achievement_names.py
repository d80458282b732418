"""The same achievement under another spelling (从优、就高、不重复): a second 省级 honour for one
project whose name differs only by an invisible character, letter case, a full-width space or
full-width digits is priced at 0 and flagged as a duplicate; a near name is listed as similar."""

import datetime
from decimal import Decimal

import pytest

from applicants.flags import similar_applications
from applicants.models import Application, Status
from applicants.roles import Role
from applicants.services.applications import _possible_duplicate, application_submit
from applicants.text import achievement_key, names_similar
from awards.selectors import award_facts_for, case_quote, earlier_awards_for
from rules.messages import ALREADY_AWARDED
from tests.applicants.conftest import complete_draft
from tests.awards.helpers import case_in
from tests.factories import EnterpriseFactory, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _evidence_storage(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "evidence"},
        },
    }


@pytest.fixture
def other_enterprise_user(db):
    return make_user(Role.ENTERPRISE, enterprise=EnterpriseFactory(jurisdiction="411521"))


NAME = "信阳 ABC 数据平台 2025"
SPELLINGS = {
    "zero_width_space": "信阳 ABC 数据\u200b平台 2025",
    "letter_case": "信阳 abc 数据平台 2025",
    "full_width_space": "信阳\u3000ABC\u3000数据平台\u30002025",
    "full_width_digits": "信阳 ABC 数据平台 ２０２５",
    "full_width_letters": "信阳 ＡＢＣ 数据平台 2025",
    "all_at_once": "\u200b信阳\u3000ａｂｃ数据平台２０２５ ",
}


@pytest.mark.parametrize("spelling", SPELLINGS.values(), ids=SPELLINGS.keys())
def test_the_key_and_the_similarity_see_one_name(spelling):
    assert achievement_key(spelling) == achievement_key(NAME)
    assert names_similar(spelling, NAME)


def test_different_names_have_different_keys():
    assert achievement_key("信阳 ABC 数据平台 2025") != achievement_key("信阳 ABC 数据平台 2026")
    assert not names_similar("信阳 ABC 数据平台", "罗山县茶叶溯源系统")
    assert not names_similar("\u200b", "\u200b")  # nothing to compare is no match


def _second_honour(enterprise_user, name: str) -> Application:
    # Another event date: only the name can make it the same achievement.
    second = complete_draft(
        enterprise_user,
        item="honor_provincial",
        project_name=name,
        event_date=datetime.date(2025, 9, 1),
    )
    application_submit(actor=enterprise_user, application_id=second.pk)
    second.refresh_from_db()
    return second


@pytest.mark.parametrize("spelling", SPELLINGS.values(), ids=SPELLINGS.keys())
def test_a_second_honour_for_the_same_project_is_priced_at_zero_and_flagged(
    enterprise_user, spelling
):
    granted = case_in(
        Status.APPROVED,
        enterprise=enterprise_user.enterprise,
        item="honor_provincial",
        project_name=NAME,
        facts={},
        event_date=datetime.date(2025, 3, 1),
    )
    second = _second_honour(enterprise_user, spelling)
    assert second.possible_duplicate_of == granted
    assert _possible_duplicate(second) == granted
    assert list(earlier_awards_for(application=second)) == [granted.award]
    assert award_facts_for(application=second)["prior_awards_same_project"] == "100000.00"
    quote = case_quote(application=second)
    assert quote.amount == Decimal("0.00")
    assert not quote.eligible
    assert [r.code for r in quote.reasons] == [ALREADY_AWARDED.code]
    assert similar_applications(second) == [granted]


def test_a_near_name_is_listed_as_similar_but_not_deducted(enterprise_user):
    granted = case_in(
        Status.APPROVED,
        enterprise=enterprise_user.enterprise,
        item="honor_provincial",
        project_name="信阳智慧农业数据平台",
        facts={},
    )
    phase_one = _second_honour(enterprise_user, "信阳智慧农业数据平台（一期）")
    unrelated = _second_honour(enterprise_user, "罗山县茶叶溯源系统")
    assert granted in similar_applications(phase_one)
    assert phase_one in similar_applications(granted)
    assert granted not in similar_applications(unrelated)
    assert phase_one not in similar_applications(unrelated)
    # Money compares keys exactly: a near name is a flag for officials, never a deduction.
    assert phase_one.possible_duplicate_of is None
    assert case_quote(application=phase_one).amount == Decimal("100000.00")


def test_the_same_name_under_a_national_honour_is_a_top_up(enterprise_user):
    case_in(
        Status.APPROVED,
        enterprise=enterprise_user.enterprise,
        item="honor_provincial",
        project_name=NAME,
        facts={},
    )
    national = complete_draft(
        enterprise_user, item="honor_national", project_name=SPELLINGS["all_at_once"]
    )
    application_submit(actor=enterprise_user, application_id=national.pk)
    national.refresh_from_db()
    assert case_quote(application=national).amount == Decimal("100000.00")  # 200,000 − 100,000
    assert national.possible_duplicate_of is None  # another item: not a duplicate filing


def test_another_enterprise_with_the_same_name_is_not_the_same_achievement(
    enterprise_user, other_enterprise_user
):
    case_in(
        Status.APPROVED,
        enterprise=enterprise_user.enterprise,
        item="honor_provincial",
        project_name=NAME,
        facts={},
    )
    theirs = _second_honour(other_enterprise_user, NAME)
    assert theirs.possible_duplicate_of is None
    assert similar_applications(theirs) == []
    assert case_quote(application=theirs).amount == Decimal("100000.00")


def test_a_name_that_nfkc_lengthens_still_fits_its_key_column(enterprise_user):
    """A "㍿" is one character typed, four once normalised: 200 of them are a valid name."""
    name = "㍿" * 200
    granted = case_in(
        Status.APPROVED,
        enterprise=enterprise_user.enterprise,
        item="honor_provincial",
        project_name=name,
        facts={},
    )
    assert len(granted.project_key) == 200
    second = _second_honour(enterprise_user, "株式会社" * 50)
    assert second.possible_duplicate_of == granted
    assert case_quote(application=second).amount == Decimal("0.00")
