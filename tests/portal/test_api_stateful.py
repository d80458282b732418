"""Schemathesis follows the schema's links (portal.api_schema.LINKS) as each role: a created
application is read, changed, given evidence and submitted; a batch is exported and answered
by the bank; a run and an export are followed. Bounded scenarios; every answer must be one the
schema declares and none a server error. And every link points at a field its response has."""

from typing import Any

import pytest
import schemathesis
from django.test import Client
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from applicants.api_tokens.models import TokenScope
from applicants.api_tokens.services import api_token_create
from applicants.models import Status
from awards.models import PayoutPlanState
from portal.api_schema import LINKS
from portal.wsgi import application
from tests.awards.helpers import case_in, city_user, finance_user
from tests.factories import ApplicationFactory, make_user, sign_in

schema = schemathesis.openapi.from_wsgi("/api/v1/schema/", application)

CHECKS = (
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
)


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


def _headers(user) -> dict[str, str]:
    if user.role != "enterprise":
        sign_in(Client(), user)  # enrols the second factor an official's token needs
    secret = api_token_create(user=user, name="links", scope=TokenScope.WRITE, valid_days=30).secret
    return {"Authorization": f"Bearer {secret}"}


def _world(role: str) -> dict[str, str]:
    """Something for the role to find and follow, and its token's header."""
    if role == "enterprise":
        draft = ApplicationFactory()
        return _headers(make_user("enterprise", enterprise=draft.enterprise))
    if role == "city":
        case_in(Status.APPROVED)
        ApplicationFactory(status=Status.REVIEWED, recommended_at="2026-01-05T09:00:00+08:00")
        return _headers(city_user())
    for _ in range(2):
        case_in(Status.SCHEDULED, pay_year=2026)
    PayoutPlanState.objects.update(stale=False)
    return _headers(finance_user())


@pytest.mark.django_db(transaction=False)
@pytest.mark.parametrize("role", ["enterprise", "city", "finance"])
def test_the_links_lead_somewhere_the_schema_describes(role, evidence_storage):
    headers = _world(role)
    answered: list[tuple[str, int]] = []

    class Machine(schema.as_state_machine()):  # type: ignore[misc]
        def get_call_kwargs(self, case: Any) -> dict[str, Any]:
            return {"headers": headers}

        def after_call(self, response: Any, case: Any) -> None:
            answered.append(
                (case.operation.definition.raw.get("operationId"), response.status_code)
            )

        def validate_response(self, response: Any, case: Any, **kwargs: Any) -> None:
            case.validate_response(response, checks=CHECKS)

    Machine.run(
        settings=settings(
            max_examples=25,
            stateful_step_count=8,
            deadline=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
        )
    )
    # The links were followed: an operation on an object a path names (a guessed id or code is a
    # 404) answered with success.
    on_objects = {
        result.ok().definition.raw["operationId"]
        for result in schema.get_all_operations()
        if "{" in result.ok().path
    }
    followed = {op for op, status in answered if status < 300 and op in on_objects}
    assert followed, sorted(set(answered))


def _resolve(node: dict[str, Any], spec: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        name = node["$ref"].rsplit("/", 1)[-1]
        node = spec["components"]["schemas"][name]
    return node


def _pointer_exists(body_schema: dict[str, Any], pointer: str, spec: dict[str, Any]) -> bool:
    node = _resolve(body_schema, spec)
    for step in pointer.split("/")[1:]:
        if step.isdigit():
            if node.get("type") != "array":
                return False
            node = _resolve(node["items"], spec)
        else:
            properties = node.get("properties", {})
            if step not in properties:
                return False
            node = _resolve(properties[step], spec)
    return True


def test_every_link_names_a_field_its_response_has(client):
    spec = client.get("/api/v1/schema/?format=json").json()
    operations = {
        op["operationId"]: op
        for path in spec["paths"].values()
        for op in path.values()
        if isinstance(op, dict) and "operationId" in op
    }
    for source, by_status in LINKS.items():
        for status, links in by_status.items():
            response = operations[source]["responses"][status]
            assert set(response["links"]) == set(links), source
            body = response["content"]["application/json"]["schema"]
            for name, (target, parameters) in links.items():
                assert target in operations, (source, name)
                for parameter, where in parameters.items():
                    names = {p["name"] for p in operations[target].get("parameters", [])}
                    assert parameter in names, (source, name, parameter)
                    pointer = where.removeprefix("$response.body#")
                    assert _pointer_exists(body, pointer, spec), (source, name, where)


def test_the_schema_is_valid_openapi_without_warnings(tmp_path):
    """`manage.py spectacular --validate --fail-on-warn`: a warning (an unnamed enum, a field
    drf-spectacular cannot type) fails here, not in a client's generator."""
    from django.core.management import call_command

    out = tmp_path / "schema.yml"
    call_command("spectacular", "--file", str(out), "--validate", "--fail-on-warn")
    assert "operationId: programmes_budgets_update" in out.read_text()
