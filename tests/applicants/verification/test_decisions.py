"""The county verifies or refuses an enterprise (with a reason); nobody else may."""

import pytest
from django.core import mail
from django.urls import reverse

from applicants.errors import Conflict, NotAllowed, ServiceError
from applicants.models import CaseEvent, Notification
from applicants.roles import Role
from applicants.verification.errors import NOT_YOUR_COUNTY, REASON_REQUIRED
from applicants.verification.services import enterprise_refuse, enterprise_verify
from applicants.verification.states import IdentityStatus
from tests.applicants.verification.helpers import pending_member, registered
from tests.factories import make_user, sign_in

pytestmark = pytest.mark.django_db


def _decide(client, enterprise, **data):
    return client.post(reverse("identity:enterprise", args=[enterprise.pk]), data)


def test_the_county_is_told_of_a_new_registration(
    county_reviewer, other_county_reviewer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        registered()
    mine = Notification.objects.get(recipient=county_reviewer)
    assert "新的单位身份核验待处理" in mine.message
    assert not Notification.objects.filter(recipient=other_county_reviewer).exists()
    assert [m.to for m in mail.outbox] == [[county_reviewer.email]]


def test_the_county_verifies_from_its_queue_audited_and_the_members_told(client, county_reviewer):
    member = registered()
    enterprise = member.enterprise
    sign_in(client, county_reviewer)
    queue = client.get(reverse("identity:queue")).content.decode()
    assert enterprise.name in queue
    page = client.get(reverse("identity:enterprise", args=[enterprise.pk])).content.decode()
    assert reverse("identity:licence", args=[enterprise.licence_id]) in page
    assert 'id="identity-form"' in page
    response = _decide(client, enterprise, decision="verify", reason="已核对营业执照")
    assert response.status_code == 302
    enterprise.refresh_from_db()
    assert enterprise.identity_status == IdentityStatus.VERIFIED
    assert enterprise.identity_decided_by == county_reviewer
    assert enterprise.identity_decided_at is not None
    event = CaseEvent.objects.get(action="identity_verified")
    assert (event.actor, event.reason, event.data["enterprise_id"]) == (
        county_reviewer,
        "已核对营业执照",
        enterprise.pk,
    )
    assert (event.from_status, event.to_status) == ("pending", "verified")
    told = Notification.objects.get(recipient=member)
    assert "已通过县区身份核验" in told.message
    # Decided: the queue no longer lists it, and the page shows the outcome, not the form.
    queue = client.get(reverse("identity:queue")).content.decode()
    assert enterprise.name not in queue.split('id="pending-verifications"')[1]
    page = client.get(reverse("identity:enterprise", args=[enterprise.pk])).content.decode()
    assert 'id="identity-form"' not in page


def test_a_refusal_without_a_reason_is_refused_with_a_message(client, county_reviewer):
    enterprise = registered().enterprise
    sign_in(client, county_reviewer)
    for empty in ("", "   ", "\u200b\u200b", "\u202e"):
        response = _decide(client, enterprise, decision="refuse", reason=empty)
        assert response.status_code == 400
        assert str(REASON_REQUIRED) in response.content.decode()
    enterprise.refresh_from_db()
    assert enterprise.identity_status == IdentityStatus.PENDING
    with pytest.raises(ServiceError) as refused:
        enterprise_refuse(actor=county_reviewer, enterprise_id=enterprise.pk, reason=" ")
    assert str(refused.value.message) == str(REASON_REQUIRED)


def test_a_refusal_with_a_reason_reaches_the_enterprise(client, county_reviewer):
    member = registered()
    sign_in(client, county_reviewer)
    _decide(client, member.enterprise, decision="refuse", reason="法定代表人与执照不一致")
    member.enterprise.refresh_from_db()
    assert member.enterprise.identity_status == IdentityStatus.REFUSED
    assert member.enterprise.identity_reason == "法定代表人与执照不一致"
    assert (
        CaseEvent.objects.filter(action="identity_refused").get().reason == "法定代表人与执照不一致"
    )
    told = Notification.objects.get(recipient=member)
    assert "法定代表人与执照不一致" in told.message


def test_an_unknown_decision_key_is_a_form_error(client, county_reviewer):
    enterprise = registered().enterprise
    sign_in(client, county_reviewer)
    response = _decide(client, enterprise, decision="核验通过", reason="")
    assert response.status_code == 400
    enterprise.refresh_from_db()
    assert enterprise.identity_status == IdentityStatus.PENDING


def test_another_countys_reviewer_gets_404_and_the_service_refuses(client, other_county_reviewer):
    enterprise = registered().enterprise
    sign_in(client, other_county_reviewer)
    assert enterprise.name not in client.get(reverse("identity:queue")).content.decode()
    url = reverse("identity:enterprise", args=[enterprise.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"decision": "verify"}).status_code == 404
    assert client.get(reverse("identity:licence", args=[enterprise.licence_id])).status_code == 404
    with pytest.raises(NotAllowed) as refused:
        enterprise_verify(actor=other_county_reviewer, enterprise_id=enterprise.pk)
    assert str(refused.value.message) == str(NOT_YOUR_COUNTY)
    enterprise.refresh_from_db()
    assert enterprise.identity_status == IdentityStatus.PENDING


@pytest.mark.parametrize("role", [Role.CITY_REVIEWER, Role.FINANCE, Role.ADMIN, Role.ENTERPRISE])
def test_other_roles_get_403(client, role):
    enterprise = registered().enterprise
    sign_in(client, make_user(role))
    assert client.get(reverse("identity:queue")).status_code == 403
    assert client.get(reverse("identity:enterprise", args=[enterprise.pk])).status_code == 403
    with pytest.raises(NotAllowed):
        enterprise_verify(actor=make_user(role), enterprise_id=enterprise.pk)


def test_a_second_decision_is_a_conflict_shown_as_a_message(client, county_reviewer):
    enterprise = pending_member().enterprise
    enterprise_verify(actor=county_reviewer, enterprise_id=enterprise.pk)
    with pytest.raises(Conflict):
        enterprise_refuse(actor=county_reviewer, enterprise_id=enterprise.pk, reason="晚了")
    sign_in(client, county_reviewer)
    response = _decide(client, enterprise, decision="refuse", reason="晚了")
    assert response.status_code == 302
    followed = client.get(response.url).content.decode()
    assert "已是“已核验”" in followed
    enterprise.refresh_from_db()
    assert enterprise.identity_status == IdentityStatus.VERIFIED
    assert CaseEvent.objects.filter(action="identity_refused").count() == 0


def test_the_licence_opens_inline_for_its_countys_reviewer_only(client, county_reviewer):
    member = registered()
    licence = member.enterprise.licence
    url = reverse("identity:licence", args=[licence.pk])
    sign_in(client, member)
    assert client.get(url).status_code == 403  # not even the enterprise's own members
    sign_in(client, county_reviewer)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    assert "default-src 'none'" in response["Content-Security-Policy"]
    assert client.get(reverse("identity:licence", args=[licence.pk + 999])).status_code == 404
