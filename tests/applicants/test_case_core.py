"""The workflow function and the audit chain that every case change goes through."""

import pytest
from django.core import mail

from applicants.audit import audit_chain_verify
from applicants.errors import Conflict, NotAllowed, ServiceError
from applicants.models import CaseEvent, Notification, Status
from applicants.roles import Role
from applicants.selectors import cases_visible_to
from applicants.services.cases import case_transition
from tests.factories import ApplicationFactory, make_user, with_database_owner_rights

pytestmark = pytest.mark.django_db


def test_a_transition_changes_state_stamps_and_audits(county_reviewer):
    case = ApplicationFactory(status=Status.SUBMITTED, jurisdiction="411502")
    case_transition(application_id=case.pk, action="recommend", actor=county_reviewer)
    case.refresh_from_db()
    assert case.status == Status.RECOMMENDED
    assert case.recommended_at is not None
    event = CaseEvent.objects.get(application=case)
    assert (event.action, event.from_status, event.to_status) == (
        "recommend",
        "submitted",
        "recommended",
    )
    assert event.actor == county_reviewer
    assert event.actor_role == Role.COUNTY_REVIEWER


def test_the_enterprise_and_the_next_reviewer_are_notified(django_capture_on_commit_callbacks):
    case = ApplicationFactory(status=Status.DRAFT)
    reviewer = make_user(Role.COUNTY_REVIEWER, jurisdiction=case.jurisdiction)
    make_user(Role.COUNTY_REVIEWER, jurisdiction="411521")  # another county: not told
    with django_capture_on_commit_callbacks(execute=True):
        case_transition(application_id=case.pk, action="submit", actor=case.created_by)
    recipients = set(Notification.objects.values_list("recipient_id", flat=True))
    assert recipients == {case.created_by.pk, reviewer.pk}
    assert len(mail.outbox) == 2
    assert all("已提交" in message.body for message in mail.outbox)


def test_a_role_not_in_the_table_is_refused(city_reviewer):
    case = ApplicationFactory(status=Status.SUBMITTED)
    with pytest.raises(NotAllowed):
        case_transition(application_id=case.pk, action="recommend", actor=city_reviewer)
    assert not CaseEvent.objects.exists()


def test_a_county_reviewer_cannot_act_outside_their_jurisdiction(other_county_reviewer):
    case = ApplicationFactory(status=Status.SUBMITTED, jurisdiction="411502")
    with pytest.raises(NotAllowed):
        case_transition(application_id=case.pk, action="recommend", actor=other_county_reviewer)


def test_negative_decisions_need_a_reason(county_reviewer):
    case = ApplicationFactory(status=Status.SUBMITTED)
    with pytest.raises(ServiceError) as error:
        case_transition(application_id=case.pk, action="county_reject", actor=county_reviewer)
    assert error.value.field == "reason"
    case_transition(
        application_id=case.pk, action="county_reject", actor=county_reviewer, reason="材料不全"
    )
    assert CaseEvent.objects.get().reason == "材料不全"


def test_a_second_decision_on_a_decided_case_is_a_conflict(county_reviewer):
    case = ApplicationFactory(status=Status.SUBMITTED)
    case_transition(application_id=case.pk, action="recommend", actor=county_reviewer)
    with pytest.raises(Conflict) as error:
        case_transition(
            application_id=case.pk, action="county_reject", actor=county_reviewer, reason="x"
        )
    assert "县区已推荐" in str(error.value.message)


def test_visibility_by_role_and_jurisdiction(role_users, other_county_reviewer):
    own = ApplicationFactory(
        status=Status.SUBMITTED, enterprise=role_users[Role.ENTERPRISE].enterprise
    )
    other_county = ApplicationFactory(status=Status.SUBMITTED, jurisdiction="411521")
    recommended = ApplicationFactory(status=Status.RECOMMENDED, jurisdiction="411502")
    draft = ApplicationFactory(status=Status.DRAFT, jurisdiction="411502")
    visible = {role: set(cases_visible_to(user)) for role, user in role_users.items()}
    assert visible[Role.ENTERPRISE] == {own}
    assert visible[Role.COUNTY_REVIEWER] == {own, recommended}
    assert set(cases_visible_to(other_county_reviewer)) == {other_county}
    assert visible[Role.CITY_REVIEWER] == {recommended}
    assert draft not in visible[Role.COUNTY_REVIEWER]


def _three_events(county_reviewer):
    cases = ApplicationFactory.create_batch(3, status=Status.SUBMITTED)
    for case in cases:
        case_transition(application_id=case.pk, action="recommend", actor=county_reviewer)
    return list(CaseEvent.objects.order_by("id"))


def test_an_intact_chain_verifies(county_reviewer):
    _three_events(county_reviewer)
    report = audit_chain_verify()
    assert report.ok
    assert report.checked == 3


def test_an_edited_row_breaks_the_chain_at_that_row(county_reviewer):
    events = _three_events(county_reviewer)
    with with_database_owner_rights():
        CaseEvent.objects.filter(pk=events[1].pk).update(reason="篡改")
    report = audit_chain_verify()
    assert not report.ok
    assert report.broken_at == events[1].pk


def test_a_deleted_row_breaks_the_chain_at_the_next_row(county_reviewer):
    events = _three_events(county_reviewer)
    with with_database_owner_rights():
        CaseEvent.objects.filter(pk=events[1].pk).delete()
    report = audit_chain_verify()
    assert not report.ok
    assert report.broken_at == events[2].pk


def test_a_deleted_last_row_is_detected(county_reviewer):
    events = _three_events(county_reviewer)
    with with_database_owner_rights():
        CaseEvent.objects.filter(pk=events[2].pk).delete()
    report = audit_chain_verify()
    assert not report.ok


def test_a_draft_withdrawn_before_filing_stays_the_enterprises_own(county_reviewer, city_reviewer):
    case = ApplicationFactory(status=Status.DRAFT, jurisdiction="411502")
    case_transition(application_id=case.pk, action="withdraw", actor=case.created_by)
    assert case not in cases_visible_to(county_reviewer)
    assert case not in cases_visible_to(city_reviewer)
    assert case in cases_visible_to(case.created_by)


def test_deleting_the_last_row_together_with_the_head_is_detected(county_reviewer):
    from applicants.models import AuditHead

    events = _three_events(county_reviewer)
    with with_database_owner_rights():
        CaseEvent.objects.filter(pk=events[2].pk).delete()
    AuditHead.objects.all().delete()
    report = audit_chain_verify()
    assert not report.ok
    assert "head" in report.problem


def test_each_recipient_gets_a_mail_of_their_own(django_capture_on_commit_callbacks):
    case = ApplicationFactory(status=Status.DRAFT)
    make_user(Role.COUNTY_REVIEWER, jurisdiction=case.jurisdiction)
    make_user(Role.COUNTY_REVIEWER, jurisdiction=case.jurisdiction)
    with django_capture_on_commit_callbacks(execute=True):
        case_transition(application_id=case.pk, action="submit", actor=case.created_by)
    assert len(mail.outbox) == 3
    assert all(len(message.to) == 1 for message in mail.outbox)


def test_a_public_objection_is_not_mailed_verbatim(django_capture_on_commit_callbacks):
    case = ApplicationFactory(status=Status.ANNOUNCED)
    make_user(Role.CITY_REVIEWER)
    text = "请点击 http://evil.example 领取奖金"
    with django_capture_on_commit_callbacks(execute=True):
        case_transition(application_id=case.pk, action="object", actor=None, reason=text)
    assert mail.outbox
    assert all(text not in message.body for message in mail.outbox)
    assert Notification.objects.filter(message__contains=text).exists()


def test_a_role_not_entitled_is_refused_before_the_reason_is_checked(finance_user):
    case = ApplicationFactory(status=Status.SUBMITTED)
    with pytest.raises(NotAllowed):
        case_transition(application_id=case.pk, action="county_reject", actor=finance_user)


def test_an_invisible_reason_is_no_reason(county_reviewer):
    case = ApplicationFactory(status=Status.SUBMITTED)
    with pytest.raises(ServiceError) as error:
        case_transition(
            application_id=case.pk, action="county_reject", actor=county_reviewer, reason="\u200b "
        )
    assert error.value.field == "reason"
