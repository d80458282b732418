import datetime

import pytest

from applicants.roles import Role
from applicants.services.applications import ApplicationInput, application_create
from tests.factories import EnterpriseFactory, make_user, upload


@pytest.fixture(autouse=True)
def _evidence_in_tmp(evidence_storage):
    """Every applicants test stores evidence in its own folder (tests.conftest)."""
    return evidence_storage


@pytest.fixture
def other_enterprise_user(db):
    return make_user(Role.ENTERPRISE, enterprise=EnterpriseFactory(jurisdiction="411521"))


def complete_draft(user, *, item="honor_provincial", project_name="省级数据表彰项目", **facts):
    """A draft with everything a submission needs: facts, every required evidence, declaration."""
    from applicants import policy

    rule = policy.item_rule(item)
    return application_create(
        actor=user,
        item=item,
        data=ApplicationInput(
            project_name=project_name,
            description="简介",
            event_date=facts.pop("event_date", datetime.date(2025, 3, 1)),
            facts=facts,
            declaration_accepted=True,
        ),
        evidence={spec.code: upload(f"{spec.code}.pdf") for spec in rule.evidence if spec.required},
    )
