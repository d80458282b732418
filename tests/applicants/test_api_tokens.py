"""API tokens: created on the user's page and shown once, stored as a hash, named, expiring,
revocable, read-only or read-write; officials' tokens need an enrolled second factor."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from applicants.api_tokens.models import ApiToken, TokenScope
from applicants.api_tokens.services import api_token_create, api_token_revoke
from applicants.errors import ServiceError
from applicants.models import CaseEvent, Status
from applicants.two_factor.services import two_factor_reset
from tests.api_helpers import api_error_body
from tests.factories import ApplicationFactory, confirm_identity, make_user, sign_in

pytestmark = pytest.mark.django_db

TOKENS = "/accounts/api-tokens/"


def _bearer(secret: str) -> dict[str, str]:
    return {"authorization": f"Bearer {secret}"}


def _token(user, scope=TokenScope.READ, days=90, name="对接"):
    return api_token_create(user=user, name=name, scope=scope, valid_days=days)


def test_the_page_creates_a_token_and_shows_it_once(client, enterprise_user):
    sign_in(client, enterprise_user)
    assert client.get(TOKENS)["Location"].startswith("/accounts/confirm/")
    confirm_identity(client, enterprise_user)
    response = client.post(
        TOKENS, {"name": "一网通办对接", "scope": "read", "valid_days": "90"}, follow=True
    )
    html = response.content.decode()
    token = ApiToken.objects.get(user=enterprise_user)
    secret = html.split('id="new-token-secret">')[1].split("<")[0]
    assert secret.startswith(token.prefix)
    # Stored as its hash only: no column holds the token.
    assert secret not in str(ApiToken.objects.filter(pk=token.pk).values().get())
    again = client.get(TOKENS).content.decode()
    assert secret not in again
    assert "一网通办对接" in again
    assert token.prefix in again
    assert CaseEvent.objects.filter(action="api_token_created", actor=enterprise_user).exists()


def test_the_page_refuses_a_blank_name_and_keeps_the_choices(client, enterprise_user):
    sign_in(client, enterprise_user)
    confirm_identity(client, enterprise_user)
    response = client.post(TOKENS, {"name": "\u200b ", "scope": "write", "valid_days": "30"})
    assert response.status_code == 200
    assert response.context["form"].errors["name"]
    assert not ApiToken.objects.exists()


def test_a_token_reads_what_its_user_sees_and_nothing_else(enterprise_user):
    mine = ApplicationFactory(enterprise=enterprise_user.enterprise, status=Status.SUBMITTED)
    other = ApplicationFactory(status=Status.SUBMITTED)
    secret = _token(enterprise_user).secret
    machine = Client()
    listed = machine.get("/api/v1/applications/", headers=_bearer(secret))
    assert listed.status_code == 200
    assert [row["id"] for row in listed.json()["results"]] == [mine.pk]
    assert (
        machine.get(f"/api/v1/applications/{other.pk}/", headers=_bearer(secret)).status_code == 404
    )
    assert ApiToken.objects.get().last_used_at is not None


def test_a_read_only_token_cannot_write(county_reviewer):
    case = ApplicationFactory(status=Status.SUBMITTED, jurisdiction="411502")
    sign_in(Client(), county_reviewer)  # enrols the authenticator
    secret = _token(county_reviewer).secret
    response = Client().post(
        f"/api/v1/cases/{case.pk}/transitions/",
        {"action": "recommend"},
        content_type="application/json",
        headers=_bearer(secret),
    )
    assert response.status_code == 403
    assert api_error_body(response)["code"] == "token_read_only"
    case.refresh_from_db()
    assert case.status == Status.SUBMITTED


def test_a_read_write_token_acts_without_a_session_or_csrf(county_reviewer):
    case = ApplicationFactory(status=Status.SUBMITTED, jurisdiction="411502")
    sign_in(Client(), county_reviewer)
    secret = _token(county_reviewer, scope=TokenScope.WRITE).secret
    machine = Client(enforce_csrf_checks=True)
    response = machine.post(
        f"/api/v1/cases/{case.pk}/transitions/",
        {"action": "recommend"},
        content_type="application/json",
        headers=_bearer(secret),
    )
    assert response.status_code == 200, response.content
    case.refresh_from_db()
    assert case.status == Status.RECOMMENDED


@pytest.mark.parametrize("how", ["expired", "revoked", "unknown", "malformed"])
def test_a_dead_token_is_401_with_its_reason(enterprise_user, how):
    created = _token(enterprise_user)
    secret = created.secret
    if how == "expired":
        ApiToken.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    elif how == "revoked":
        api_token_revoke(user=enterprise_user, token_id=created.token.pk)
    elif how == "unknown":
        secret = secret[:-4] + "abcd"
    headers = {"authorization": "Bearer two words"} if how == "malformed" else _bearer(secret)
    response = Client().get("/api/v1/applications/", headers=headers)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Bearer"
    expected = {
        "expired": "token_expired",
        "revoked": "token_revoked",
        "unknown": "not_authenticated",
        "malformed": "not_authenticated",
    }[how]
    body = api_error_body(response)
    assert body["code"] == "not_authenticated"
    if expected != "not_authenticated":
        assert body["codes"]["non_field_errors"] == [expected]


def test_an_official_needs_an_enrolled_second_factor(county_reviewer, admin_user):
    with pytest.raises(ServiceError) as refused:
        _token(county_reviewer)
    assert refused.value.code == "second_factor_required"
    sign_in(Client(), county_reviewer)  # enrolled now
    secret = _token(county_reviewer).secret
    assert Client().get("/api/v1/cases/", headers=_bearer(secret)).status_code == 200
    # An administrator's reset of the second factor stops the token as well.
    two_factor_reset(user=county_reviewer, actor=admin_user)
    stopped = Client().get("/api/v1/cases/", headers=_bearer(secret))
    assert stopped.status_code == 401
    assert api_error_body(stopped)["codes"]["non_field_errors"] == ["second_factor_required"]


def test_an_inactive_account_s_token_is_refused(enterprise_user):
    secret = _token(enterprise_user).secret
    enterprise_user.is_active = False
    enterprise_user.save(update_fields=["is_active"])
    assert Client().get("/api/v1/applications/", headers=_bearer(secret)).status_code == 401


def test_revoking_is_for_the_owner_only_and_audited(client, enterprise_user):
    other = make_user("enterprise")
    theirs = _token(other).token
    mine = _token(enterprise_user).token
    sign_in(client, enterprise_user)
    client.post(f"{TOKENS}{theirs.pk}/revoke/")
    theirs.refresh_from_db()
    assert theirs.revoked_at is None
    client.post(f"{TOKENS}{mine.pk}/revoke/")
    mine.refresh_from_db()
    assert mine.revoked_at is not None
    assert CaseEvent.objects.filter(action="api_token_revoked", actor=enterprise_user).count() == 1


def test_names_lifetimes_and_the_number_of_live_tokens_are_bounded(enterprise_user, settings):
    settings.API_TOKEN_MAX_PER_USER = 2
    _token(enterprise_user, name="a")
    with pytest.raises(ServiceError) as same_name:
        _token(enterprise_user, name="a")
    assert same_name.value.field == "name"
    with pytest.raises(ServiceError) as lifetime:
        _token(enterprise_user, name="b", days=10_000)
    assert lifetime.value.field == "valid_days"
    _token(enterprise_user, name="b")
    with pytest.raises(ServiceError) as limit:
        _token(enterprise_user, name="c")
    assert limit.value.code == "limit"
