"""A bank account change waits for the county; confirmed, it pays batches built afterwards."""

import pytest
from django.urls import reverse
from django.utils import timezone

from applicants.errors import Conflict, NotAllowed, ServiceError
from applicants.models import CaseEvent, Notification, Status
from applicants.roles import Role
from applicants.verification.bank_changes import (
    bank_change_confirm,
    bank_change_refuse,
    bank_change_request,
)
from applicants.verification.errors import (
    BANK_CHANGE_NOT_VERIFIED,
    BANK_CHANGE_PENDING,
    BANK_CHANGE_SAME,
    BANK_CHANGE_STALE,
    REASON_REQUIRED,
)
from applicants.verification.masking import mask_account
from applicants.verification.models import BankAccountChange
from applicants.verification.states import BankChangeStatus
from awards.models import PayoutPlanState
from awards.payments import selectors as payment_selectors
from awards.payments import services as payments
from tests.applicants.verification.helpers import pending_member
from tests.awards.helpers import case_in, finance_user
from tests.factories import confirm_identity, make_user, sign_in

pytestmark = pytest.mark.django_db

OLD = "6216610200000000001"
NEW = "6222021700007777888"
PAGE = reverse("identity:bank_account")


@pytest.fixture
def scheduled():
    """A scheduled city award of a verified 浉河区 enterprise paid to OLD."""
    case = case_in(Status.SCHEDULED, pay_year=2026, enterprise__bank_account=OLD)
    PayoutPlanState.objects.update(stale=False)
    return case


def _rows(batch):
    return payment_selectors.payment_rows(payment_selectors.batch_with_items(batch.pk))


def _member(case):
    return make_user(Role.ENTERPRISE, enterprise=case.enterprise)


def test_the_page_asks_for_the_password_again_then_takes_the_request(client, scheduled):
    member = _member(scheduled)
    sign_in(client, member)
    response = client.get(PAGE)
    assert response.status_code == 302
    assert response.url.startswith(reverse("reauth"))
    confirm_identity(client, member)
    page = client.get(PAGE).content.decode()
    assert mask_account(OLD) in page
    assert OLD not in page
    response = client.post(PAGE, {"bank_name": "中国工商银行信阳分行", "bank_account": NEW})
    assert response.status_code == 302
    change = BankAccountChange.objects.get()
    assert (change.old_bank_account, change.new_bank_account, change.status) == (
        OLD,
        NEW,
        BankChangeStatus.PENDING,
    )
    mine = client.get(reverse("identity:mine")).content.decode()
    assert 'id="pending-bank-change"' in mine
    assert mask_account(NEW) in mine
    assert NEW not in mine


def test_a_pending_change_alters_nothing_paid_and_a_confirmed_one_pays_later_batches(
    scheduled, county_reviewer
):
    member = _member(scheduled)
    finance = finance_user()
    change = bank_change_request(actor=member, bank_name="中国工商银行信阳分行", bank_account=NEW)
    scheduled.enterprise.refresh_from_db()
    assert scheduled.enterprise.bank_account == OLD
    before = payments.batch_create(actor=finance, programme="city", year=2026)
    assert [r.bank_account for r in _rows(before)] == [OLD]

    bank_change_confirm(actor=county_reviewer, change_id=change.pk, reason="已核对开户许可证")
    scheduled.enterprise.refresh_from_db()
    assert scheduled.enterprise.bank_account == NEW
    # The batch built before the confirmation pays what it was built with.
    assert [(r.bank_name, r.bank_account) for r in _rows(before)] == [("中国银行信阳分行", OLD)]
    payments.batch_cancel(actor=finance, batch_id=before.pk)
    after = payments.batch_create(actor=finance, programme="city", year=2026)
    assert [(r.bank_name, r.bank_account) for r in _rows(after)] == [("中国工商银行信阳分行", NEW)]
    assert [r.bank_account for r in _rows(before)] == [OLD]


def test_a_bank_return_is_matched_against_the_account_the_batch_was_built_with(
    scheduled, county_reviewer
):
    member = _member(scheduled)
    finance = finance_user()
    change = bank_change_request(actor=member, bank_name="中国工商银行信阳分行", bank_account=NEW)
    batch = payments.batch_create(actor=finance, programme="city", year=2026)
    payments.batch_export(actor=finance, batch_id=batch.pk, file_format="csv")
    bank_change_confirm(actor=county_reviewer, change_id=change.pk)
    item = batch.items.get()
    content = (
        "银行账号,金额,支付凭证号,支付日期,状态,失败原因\n"
        f"{OLD},{item.amount:.2f},ZF-9,{timezone.localdate().isoformat()},成功,\n"
    ).encode("utf-8-sig")
    pending = payments.bank_return_upload(
        actor=finance, batch_id=batch.pk, file_name="回单.csv", content=content
    )
    outcomes = payments.bank_return_preview(actor=finance, import_id=pending.pk)
    assert [o.errors for o in outcomes] == [[]]


def test_both_accounts_are_audited_in_full(scheduled, county_reviewer):
    member = _member(scheduled)
    change = bank_change_request(actor=member, bank_name="中国工商银行信阳分行", bank_account=NEW)
    bank_change_confirm(actor=county_reviewer, change_id=change.pk)
    for action, actor in (
        ("bank_change_requested", member),
        ("bank_change_confirmed", county_reviewer),
    ):
        event = CaseEvent.objects.get(action=action)
        assert event.actor == actor
        assert event.data["old_bank_account"] == OLD
        assert event.data["new_bank_account"] == NEW
        assert event.data["old_bank_name"] == "中国银行信阳分行"
    told = Notification.objects.get(recipient=member)
    assert mask_account(NEW) in told.message
    assert NEW not in told.message


def test_the_county_page_masks_and_a_refusal_needs_a_reason(client, scheduled, county_reviewer):
    member = _member(scheduled)
    change = bank_change_request(actor=member, bank_name="中国工商银行信阳分行", bank_account=NEW)
    sign_in(client, county_reviewer)
    queue = client.get(reverse("identity:queue")).content.decode()
    assert mask_account(NEW) in queue
    url = reverse("identity:bank_change", args=[change.pk])
    page = client.get(url).content.decode()
    assert mask_account(OLD) in page
    assert NEW not in page
    assert OLD not in page
    response = client.post(url, {"decision": "refuse", "reason": "\u200b"})
    assert response.status_code == 400
    assert str(REASON_REQUIRED) in response.content.decode()
    client.post(url, {"decision": "refuse", "reason": "新账户户名与单位名称不符"})
    change.refresh_from_db()
    assert change.status == BankChangeStatus.REFUSED
    scheduled.enterprise.refresh_from_db()
    assert scheduled.enterprise.bank_account == OLD
    assert CaseEvent.objects.get(action="bank_change_refused").reason == "新账户户名与单位名称不符"
    with pytest.raises(ServiceError) as refused:
        bank_change_refuse(actor=county_reviewer, change_id=change.pk, reason="")
    assert str(refused.value.message) == str(REASON_REQUIRED)


def test_refusals_of_the_request(scheduled, county_reviewer, other_county_reviewer):
    member = _member(scheduled)
    with pytest.raises(ServiceError) as same:
        bank_change_request(actor=member, bank_name="中国银行信阳分行", bank_account=OLD)
    assert str(same.value.message) == str(BANK_CHANGE_SAME)
    change = bank_change_request(actor=member, bank_name="中国工商银行", bank_account=NEW)
    with pytest.raises(Conflict) as twice:
        bank_change_request(actor=member, bank_name="中国农业银行", bank_account="6228480000000001")
    assert str(twice.value.message) == str(BANK_CHANGE_PENDING)
    with pytest.raises(NotAllowed):
        bank_change_confirm(actor=other_county_reviewer, change_id=change.pk)
    # Changed meanwhile by an administrator: the county cannot confirm a request made against
    # another account than the one now on file.
    type(scheduled.enterprise).objects.filter(pk=scheduled.enterprise_id).update(
        bank_account="6216610200000000009"
    )
    with pytest.raises(Conflict) as stale:
        bank_change_confirm(actor=county_reviewer, change_id=change.pk)
    assert str(stale.value.message) == str(BANK_CHANGE_STALE)


def test_an_unverified_enterprise_cannot_request(client):
    member = pending_member()
    with pytest.raises(ServiceError) as refused:
        bank_change_request(actor=member, bank_name="中国工商银行", bank_account=NEW)
    assert str(refused.value.message) == str(BANK_CHANGE_NOT_VERIFIED)
    sign_in(client, member)
    confirm_identity(client, member)
    page = client.get(PAGE).content.decode()
    assert 'id="bank-change-not-verified"' in page
    assert 'id="bank-change-form"' not in page


def test_another_countys_reviewer_gets_404(client, scheduled, other_county_reviewer):
    change = bank_change_request(
        actor=_member(scheduled), bank_name="中国工商银行", bank_account=NEW
    )
    sign_in(client, other_county_reviewer)
    assert client.get(reverse("identity:bank_change", args=[change.pk])).status_code == 404
    assert mask_account(NEW) not in client.get(reverse("identity:queue")).content.decode()
