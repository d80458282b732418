"""从优、就高、不重复 within one kind of measure (同类) only, as the rules version groups items."""

from decimal import Decimal

import pytest

from applicants.models import Status
from awards.models import Award
from awards.selectors import case_quote
from awards.services.decisions import case_decide
from tests.awards.helpers import case_in, city_user
from tests.factories import ApplicationFactory, EnterpriseFactory

pytestmark = pytest.mark.django_db

PRODUCT = "淮河流域水文数据产品"


def test_a_dataset_listing_does_not_reduce_a_first_transaction_of_the_same_product():
    enterprise = EnterpriseFactory(applicant_type="data_trading_operator")
    listed = case_in(
        Status.APPROVED,
        enterprise=enterprise,
        item="dataset_national",
        project_name=PRODUCT,
        facts={},
    )
    assert listed.award.amount == Decimal("200000.00")
    first_sale = ApplicationFactory(
        enterprise=enterprise,
        item="first_transaction",
        project_name=PRODUCT,
        facts={"transaction_amount": "3000000.00"},
        status=Status.REVIEWED,
    )
    result = case_quote(application=first_sale)
    assert result.eligible
    assert result.amount == Decimal("120000.00")


def test_a_provincial_then_a_national_prize_for_one_project_pay_the_higher_once():
    enterprise = EnterpriseFactory()
    case_in(
        Status.ANNOUNCED,
        enterprise=enterprise,
        item="contest_provincial",
        project_name="茶产业数据要素应用",
        facts={"prize_level": "first"},
    )
    national = ApplicationFactory(
        enterprise=enterprise,
        item="contest_national",
        project_name="茶产业数据要素应用",
        facts={"prize_level": "first"},
        status=Status.REVIEWED,
    )
    case_decide(application_id=national.pk, action="approve", actor=city_user())
    award = Award.objects.get(application=national)
    assert award.amount == Decimal("200000.00")  # 300,000 less the provincial 100,000


def test_a_dataset_listed_provincially_then_nationally_pays_the_difference():
    enterprise = EnterpriseFactory()
    case_in(
        Status.APPROVED,
        enterprise=enterprise,
        item="dataset_provincial",
        project_name=PRODUCT,
        facts={},
    )
    national = ApplicationFactory(
        enterprise=enterprise,
        item="dataset_national",
        project_name=PRODUCT.replace("数据", "数据 "),  # the same name, spaced differently
        facts={},
        status=Status.REVIEWED,
    )
    assert case_quote(application=national).amount == Decimal("100000.00")
