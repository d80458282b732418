"""First-time items (首登记、首交易、首入表) are paid once per enterprise: a second case of one is
warned about on its form and refused at submission while another is pending or granted."""

import pytest
from django.urls import reverse

from applicants.errors import FIRST_TIME_ALREADY_GRANTED, FIRST_TIME_OTHER_CASE, ServiceError
from applicants.models import Application, Status
from applicants.selectors import first_time_other_case
from applicants.services.applications import application_submit
from applicants.services.cases import case_transition
from tests.applicants.conftest import complete_draft
from tests.factories import ApplicationFactory, sign_in

pytestmark = pytest.mark.django_db

ITEM = "first_balance_sheet"
TITLE = "数据资源“首入表”"


def _balance_sheet(user, name="数据资源入表"):
    return complete_draft(user, item=ITEM, project_name=name, entry_amount="900000.00")


def _submitted(user):
    case = _balance_sheet(user)
    return application_submit(actor=user, application_id=case.pk)


def _refusal(other: Application) -> str:
    return str(
        FIRST_TIME_OTHER_CASE
        % {"item": TITLE, "reference": other.reference, "status": Status(other.status).label}
    )


def test_a_second_submission_is_refused_while_the_first_is_pending(enterprise_user):
    first = _submitted(enterprise_user)
    second = _balance_sheet(enterprise_user, name="另一批数据资源入表")  # a draft is allowed
    with pytest.raises(ServiceError) as error:
        application_submit(actor=enterprise_user, application_id=second.pk)
    assert str(error.value.message) == _refusal(first)
    assert first.reference in str(error.value.message)
    assert "已提交" in str(error.value.message)
    assert error.value.code == "first_time_pending"
    second.refresh_from_db()
    assert second.status == Status.DRAFT


@pytest.mark.parametrize(
    "status",
    [
        Status.SUBMITTED,
        Status.RECOMMENDED,
        Status.REVIEWED,
        Status.RETURNED,
        Status.APPROVED,
        Status.ANNOUNCED,
        Status.CONFIRMED,
        Status.SCHEDULED,
    ],
)
def test_every_pending_state_blocks_the_other_case(enterprise_user, status):
    enterprise = enterprise_user.enterprise
    other = ApplicationFactory(enterprise=enterprise, item=ITEM, status=status)
    draft = ApplicationFactory(enterprise=enterprise, item=ITEM, status=Status.DRAFT)
    assert (
        first_time_other_case(
            enterprise_id=enterprise_user.enterprise_id, item=ITEM, exclude_id=draft.pk
        )
        == other
    )
    with pytest.raises(ServiceError):
        application_submit(actor=enterprise_user, application_id=draft.pk)


@pytest.mark.parametrize("status", [Status.DRAFT, Status.WITHDRAWN, Status.REJECTED])
def test_a_draft_a_withdrawn_or_a_rejected_case_takes_nothing(enterprise_user, status):
    ApplicationFactory(enterprise=enterprise_user.enterprise, item=ITEM, status=status)
    draft = _balance_sheet(enterprise_user)
    assert (
        first_time_other_case(
            enterprise_id=enterprise_user.enterprise_id, item=ITEM, exclude_id=draft.pk
        )
        is None
    )
    application_submit(actor=enterprise_user, application_id=draft.pk)
    draft.refresh_from_db()
    assert draft.status == Status.SUBMITTED


def test_a_returned_case_is_resubmitted_unless_another_is_pending(enterprise_user, county_reviewer):
    first = _submitted(enterprise_user)
    case_transition(
        application_id=first.pk, action="county_return", actor=county_reviewer, reason="补充凭证"
    )
    # Its own earlier filing does not block it.
    application_submit(actor=enterprise_user, application_id=first.pk)
    first.refresh_from_db()
    assert first.status == Status.SUBMITTED


def test_withdrawing_the_first_frees_the_item(enterprise_user):
    first = _submitted(enterprise_user)
    second = _balance_sheet(enterprise_user, name="第二次")
    case_transition(application_id=first.pk, action="withdraw", actor=enterprise_user)
    application_submit(actor=enterprise_user, application_id=second.pk)
    second.refresh_from_db()
    assert second.status == Status.SUBMITTED


def test_a_granted_case_is_named_first_and_keeps_its_own_refusal(enterprise_user):
    enterprise = enterprise_user.enterprise
    ApplicationFactory(enterprise=enterprise, item=ITEM, status=Status.RETURNED)
    granted = ApplicationFactory(enterprise=enterprise, item=ITEM, status=Status.PAID)
    draft = ApplicationFactory(enterprise=enterprise, item=ITEM, status=Status.DRAFT)
    assert (
        first_time_other_case(enterprise_id=enterprise.pk, item=ITEM, exclude_id=draft.pk)
        == granted
    )
    with pytest.raises(ServiceError) as error:
        application_submit(actor=enterprise_user, application_id=draft.pk)
    assert str(error.value.message) == str(FIRST_TIME_ALREADY_GRANTED % {"item": TITLE})


def test_other_items_and_other_enterprises_are_not_affected(enterprise_user, other_enterprise_user):
    _submitted(enterprise_user)
    theirs = complete_draft(
        other_enterprise_user, item=ITEM, project_name="数据资源入表", entry_amount="900000.00"
    )
    application_submit(actor=other_enterprise_user, application_id=theirs.pk)
    again = complete_draft(enterprise_user, item="contest_national", prize_level="first")
    application_submit(actor=enterprise_user, application_id=again.pk)
    another = complete_draft(enterprise_user, item="contest_national", prize_level="first")
    application_submit(actor=enterprise_user, application_id=another.pk)


def test_the_new_application_form_warns_naming_the_other_case(client, enterprise_user):
    first = _submitted(enterprise_user)
    sign_in(client, enterprise_user)
    response = client.get(reverse("applicants:new", args=[ITEM]))
    assert response.status_code == 200
    html = response.content.decode()
    warning = html[html.index('id="first-time-other"') :]
    warning = warning[: warning.index("</div>")]
    assert first.reference in warning
    assert "已提交" in warning
    assert "不能提交" in warning
    # Not on another item's form.
    other = client.get(reverse("applicants:new", args=["contest_national"])).content.decode()
    assert 'id="first-time-other"' not in other


def test_the_edit_form_of_the_second_case_warns_too_but_not_the_first(client, enterprise_user):
    first = _submitted(enterprise_user)
    second = _balance_sheet(enterprise_user, name="第二次")
    sign_in(client, enterprise_user)
    html = client.get(reverse("applicants:edit", args=[second.pk])).content.decode()
    assert 'id="first-time-other"' in html
    assert first.reference in html


def test_the_warning_is_in_english_on_request(client, enterprise_user):
    first = _submitted(enterprise_user)
    sign_in(client, enterprise_user)
    client.post(reverse("set_language"), {"language": "en"})
    html = client.get(reverse("applicants:new", args=[ITEM])).content.decode()
    warning = html[html.index('id="first-time-other"') :]
    warning = warning[: warning.index("</div>")]
    assert first.reference in warning
    assert "Submitted" in warning
    assert "once per enterprise" in warning


def test_submitting_from_the_confirmation_page_shows_the_refusal(client, enterprise_user):
    first = _submitted(enterprise_user)
    second = _balance_sheet(enterprise_user, name="第二次")
    sign_in(client, enterprise_user)
    response = client.post(reverse("applicants:submit", args=[second.pk]), follow=True)
    assert _refusal(first) in response.content.decode()
    second.refresh_from_db()
    assert second.status == Status.DRAFT


def test_the_confirmation_page_says_why_before_the_button_is_pressed(client, enterprise_user):
    first = _submitted(enterprise_user)
    second = _balance_sheet(enterprise_user, name="另一批数据资源入表")
    sign_in(client, enterprise_user)
    html = client.get(reverse("applicants:submit", args=[second.pk])).content.decode()
    assert 'id="submit-blockers"' in html
    assert first.reference in html
    assert "“数据资源“首入表””" not in html  # the title's own quotes are not doubled
