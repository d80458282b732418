"""An unverified enterprise can draft but not submit; once its county verifies it, it can."""

import pytest
from django.urls import reverse

from applicants.errors import ServiceError
from applicants.models import Application, Status
from applicants.services.applications import application_submit
from applicants.verification.errors import IDENTITY_NOT_VERIFIED
from applicants.verification.services import enterprise_refuse, enterprise_verify
from applicants.verification.states import IdentityStatus
from tests.applicants.conftest import complete_draft
from tests.applicants.verification.helpers import pending_member, registered
from tests.factories import credit_code_for, sign_in

pytestmark = pytest.mark.django_db


def test_registration_leaves_the_enterprise_pending_with_its_licence():
    member = registered()
    enterprise = member.enterprise
    assert enterprise.identity_status == IdentityStatus.PENDING
    assert enterprise.licence.sha256
    assert enterprise.licence.content_type == "application/pdf"
    assert enterprise.licence.uploaded_by == member


def test_an_unverified_enterprise_drafts_but_the_service_refuses_to_submit():
    member = registered()
    case = complete_draft(member, item="contest_national", prize_level="second")
    assert case.status == Status.DRAFT
    with pytest.raises(ServiceError) as refused:
        application_submit(actor=member, application_id=case.pk)
    assert refused.value.field == "identity"
    assert str(refused.value.message) == str(IDENTITY_NOT_VERIFIED % {"status": "待县区核验"})
    case.refresh_from_db()
    assert (case.status, case.submitted_at, case.revision) == (Status.DRAFT, None, 0)


def test_the_case_page_and_the_confirmation_say_why_and_the_post_is_refused(client):
    member = registered()
    case = complete_draft(member, item="contest_national", prize_level="second")
    sign_in(client, member)
    detail = client.get(reverse("applicants:detail", args=[case.pk])).content.decode()
    assert 'id="case-identity"' in detail
    assert "待县区核验" in detail
    confirm = client.get(reverse("applicants:submit", args=[case.pk])).content.decode()
    assert 'id="submit-blockers"' in confirm
    assert "尚未通过所属县区的身份核验" in confirm
    assert 'id="confirm-form"' not in confirm
    response = client.post(reverse("applicants:submit", args=[case.pk]), follow=True)
    assert "尚未通过所属县区的身份核验" in response.content.decode()
    assert Application.objects.get(pk=case.pk).status == Status.DRAFT
    # The dashboard says it too, and links to the verification page.
    home = client.get(reverse("home")).content.decode()
    assert 'id="identity-panel"' in home
    assert reverse("identity:mine") in home


def test_once_verified_the_same_draft_is_submitted(client, county_reviewer):
    member = registered()
    case = complete_draft(member, item="contest_national", prize_level="second")
    enterprise_verify(actor=county_reviewer, enterprise_id=member.enterprise_id)
    sign_in(client, member)
    detail = client.get(reverse("applicants:detail", args=[case.pk])).content.decode()
    assert 'id="case-identity"' not in detail
    client.post(reverse("applicants:submit", args=[case.pk]))
    assert Application.objects.get(pk=case.pk).status == Status.SUBMITTED


def test_a_refused_enterprise_reads_the_reason_uploads_again_and_waits(client, county_reviewer):
    member = pending_member()
    case = complete_draft(member, item="contest_national", prize_level="second")
    enterprise_refuse(
        actor=county_reviewer, enterprise_id=member.enterprise_id, reason="执照照片模糊，无法辨认"
    )
    sign_in(client, member)
    confirm = client.get(reverse("applicants:submit", args=[case.pk])).content.decode()
    assert "核验未通过" in confirm
    assert "执照照片模糊，无法辨认" in confirm
    from tests.factories import upload

    response = client.post(reverse("identity:mine"), {"licence": upload("新执照.pdf")}, follow=True)
    assert "营业执照已重新提交" in response.content.decode()
    member.enterprise.refresh_from_db()
    assert member.enterprise.identity_status == IdentityStatus.PENDING
    assert member.enterprise.licence.original_name == "新执照.pdf"
    assert member.enterprise.licences.count() == 2
    with pytest.raises(ServiceError):
        application_submit(actor=member, application_id=case.pk)


@pytest.mark.django_db(transaction=True)
def test_the_migration_counts_existing_enterprises_as_verified_and_new_ones_pending():
    """Enterprises registered under the old rule were admitted by it: the migration keeps them
    able to submit; a row created afterwards without a state waits for its county."""
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    before = [("applicants", "0010_objection_held_status")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old = executor.loader.project_state(before).apps.get_model("applicants", "Enterprise")
    old.objects.create(
        name="旧规则注册的单位",
        credit_code=credit_code_for(999_001),
        jurisdiction="411502",
        applicant_type="data_enterprise",
        legal_representative="张三",
        contact_name="李四",
        contact_phone="0376-1234567",
        contact_email="old@example.com",
        bank_name="中国银行",
        bank_account="6216610200000001",
    )
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    from applicants.models import Enterprise

    assert Enterprise.objects.get(name="旧规则注册的单位").identity_status == "verified"
    assert Enterprise._meta.get_field("identity_status").default == IdentityStatus.PENDING
