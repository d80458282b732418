"""The Django admin: the portal's name; cases and the audit trail to find and read, never edit."""

import pytest
from django.urls import reverse

from applicants.models import CaseEvent, Status
from tests.awards.helpers import case_in
from tests.factories import ApplicationFactory, EnterpriseFactory, sign_in

pytestmark = pytest.mark.django_db

CASES = reverse("admin:applicants_application_changelist")
EVENTS = reverse("admin:applicants_caseevent_changelist")


def _listed(response) -> set[int]:
    return {case.pk for case in response.context["cl"].result_list}


def test_the_admin_wears_the_portals_name(client, admin_user_, city_reviewer):
    sign_in(client, city_reviewer)
    assert client.get(CASES).status_code == 302  # officials other than the administrator
    sign_in(client, admin_user_)
    html = client.get(reverse("admin:index")).content.decode()
    assert "信阳数据产业奖补平台" in html
    assert "Django" not in html.split("<title>")[1].split("</title>")[0]
    client.post(reverse("set_language"), {"language": "en", "next": "/admin/"})
    assert (
        "Xinyang Data Industry Rewards Portal"
        in client.get(reverse("admin:index")).content.decode()
    )


def test_cases_are_found_by_case_number_and_credit_code(client, admin_user_):
    wanted = ApplicationFactory(status=Status.SUBMITTED)
    other = ApplicationFactory(
        status=Status.SUBMITTED, enterprise=EnterpriseFactory(name="另一家数据公司")
    )
    sign_in(client, admin_user_)
    assert _listed(client.get(CASES, {"q": wanted.reference})) == {wanted.pk}
    assert _listed(client.get(CASES, {"q": wanted.reference.lower()})) == {wanted.pk}
    code = wanted.enterprise.credit_code
    assert _listed(client.get(CASES, {"q": code.lower()})) == {wanted.pk}
    assert _listed(client.get(CASES, {"q": "另一家"})) == {other.pk}
    assert _listed(client.get(CASES, {"q": "XY-2026-999999999"})) == set()


def test_cases_filter_by_status_item_and_jurisdiction_with_labels(client, admin_user_):
    mine = ApplicationFactory(status=Status.SUBMITTED, item="contest_national")
    other = ApplicationFactory(
        status=Status.RECOMMENDED, enterprise=EnterpriseFactory(jurisdiction="411521")
    )
    sign_in(client, admin_user_)
    page = client.get(CASES)
    html = page.content.decode()
    assert "国家级赛事获奖" in html  # an item by its title
    assert "罗山县" in html  # a jurisdiction by its name
    assert _listed(client.get(CASES, {"status__exact": "recommended"})) == {other.pk}
    assert _listed(client.get(CASES, {"item": "contest_national"})) == {mine.pk}
    assert _listed(client.get(CASES, {"jurisdiction": "411521"})) == {other.pk}


def test_cases_and_audit_entries_cannot_be_added_changed_or_deleted(client, admin_user_):
    case = case_in(Status.APPROVED)
    event = CaseEvent.objects.filter(application=case).first()
    sign_in(client, admin_user_)
    for model, obj in (("application", case), ("caseevent", event)):
        assert client.get(reverse(f"admin:applicants_{model}_add")).status_code == 403
        change = reverse(f"admin:applicants_{model}_change", args=[obj.pk])
        page = client.get(change)
        assert page.status_code == 200  # view only
        assert 'name="_save"' not in page.content.decode()
        assert client.post(change, {}).status_code == 403
        delete = reverse(f"admin:applicants_{model}_delete", args=[obj.pk])
        assert client.post(delete, {"post": "yes"}).status_code == 403
    case.refresh_from_db()
    assert case.status == Status.APPROVED
    assert CaseEvent.objects.filter(pk=event.pk).exists()
    assert client.get(EVENTS).status_code == 200
