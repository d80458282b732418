"""Schemathesis against /api/v1/schema/ as each role: generated requests (bounded examples) to
every operation, with the role's read-write API token. No answer may be a server error, and
every answer must be one the schema declares: its status code, content type and body."""

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from applicants.api_tokens.models import TokenScope
from applicants.api_tokens.services import api_token_create
from portal.wsgi import application
from tests.factories import ApplicationFactory, make_user, sign_in

schema = schemathesis.openapi.from_wsgi("/api/v1/schema/", application)

ROLES = ["anonymous", "enterprise", "county_reviewer", "city_reviewer", "finance"]


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """As Django's test client does: a request's end must not close the test's connection."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def role_headers(request, db):
    role = request.param
    if role == "anonymous":
        return {}
    user = make_user(role, jurisdiction="411502") if role == "county_reviewer" else make_user(role)
    if role != "enterprise":
        from django.test import Client

        sign_in(Client(), user)  # enrols the second factor a token needs
    # Something to read and act on: the enterprise's own case, or one in the official's county.
    if user.enterprise_id:
        ApplicationFactory(enterprise=user.enterprise)
    else:
        ApplicationFactory(status="submitted", jurisdiction="411502")
    secret = api_token_create(user=user, name="fuzz", scope=TokenScope.WRITE, valid_days=30).secret
    return {"Authorization": f"Bearer {secret}"}


@pytest.mark.parametrize("role_headers", ROLES, indirect=True)
@schema.parametrize()
@settings(
    max_examples=5,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
    ],
    derandomize=True,
)
def test_every_answer_is_as_the_schema_says(case, role_headers):
    response = case.call(headers=role_headers)
    case.validate_response(
        response,
        checks=(
            not_a_server_error,
            status_code_conformance,
            content_type_conformance,
            response_schema_conformance,
        ),
    )
