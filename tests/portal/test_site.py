import subprocess
import sys

import pytest
from django.urls import reverse

from applicants.roles import Role
from tests.conftest import REPO_ROOT
from tests.factories import TEST_PASSWORD, authenticator_of, sign_in, totp_code

DASHBOARD_TITLES = {
    Role.ENTERPRISE: "企业工作台",
    Role.COUNTY_REVIEWER: "县区初审工作台",
    Role.CITY_REVIEWER: "市发展改革委复审工作台",
    Role.FINANCE: "财政兑付工作台",
    Role.ADMIN: "系统管理工作台",
}


@pytest.mark.parametrize("role", list(DASHBOARD_TITLES))
def test_each_role_logs_in_and_lands_on_its_dashboard(client, role_users, role):
    user = role_users[role]
    device = authenticator_of(user) if user.is_official else None
    response = client.post(
        reverse("login"), {"username": user.username, "password": TEST_PASSWORD}, follow=True
    )
    if device is not None:
        # An official's password leads to the second factor, and the code to the dashboard.
        assert response.redirect_chain[-1][0].startswith(reverse("two_factor:verify"))
        response = client.post(
            response.redirect_chain[-1][0], {"code": totp_code(device)}, follow=True
        )
    assert response.redirect_chain[-1][0] == reverse("home")
    html = response.content.decode()
    assert DASHBOARD_TITLES[role] in html
    assert str(Role(role).label) in html


def test_wrong_password_rerenders_login_with_a_chinese_message(client, enterprise_user):
    response = client.post(
        reverse("login"), {"username": enterprise_user.username, "password": "x"}
    )
    assert response.status_code == 200
    assert "请输入一个正确的" in response.content.decode()


@pytest.mark.parametrize("url_name", ["home", "applicants:home"])
def test_anonymous_visitors_are_sent_to_login(client, db, url_name):
    url = reverse(url_name)
    response = client.get(url)
    assert response.status_code == 302
    assert response.url == f"{reverse('login')}?next={url}"


def test_pages_are_chinese_by_default_and_english_on_request(client, enterprise_user):
    sign_in(client, enterprise_user)
    assert "企业工作台" in client.get(reverse("home")).content.decode()
    response = client.post(
        reverse("set_language"), {"language": "en", "next": reverse("home")}, follow=True
    )
    html = response.content.decode()
    assert '<html lang="en">' in html
    assert "Enterprise dashboard" in html
    assert "企业工作台" not in html


def test_unknown_page_renders_the_portal_404(client, db):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "页面不存在" in response.content.decode()


def test_health_check_answers_ok(client, db):
    assert client.get(reverse("healthz")).json() == {"status": "ok"}


def test_responses_carry_a_content_security_policy(client, db):
    response = client.get(reverse("login"))
    policy = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "object-src 'none'" in policy


def _check_deploy(tmp_path, **extra: str) -> subprocess.CompletedProcess:
    env = {
        "PATH": "/usr/bin:/bin",
        "DJANGO_SETTINGS_MODULE": "portal.settings.production",
        "SECRET_KEY": "a-long-random-production-secret-key-with-enough-entropy-0123456789",
        "ALLOWED_HOSTS": "jiangbu.xinyang.example",
        "DATABASE_URL": "sqlite:///:memory:",
        "AUDIT_KEYS": "office-2027:hmac-sm3:"
        + "b2ZmaWNlLWtleS1vZi10aGUteGlueWFuZy1wb3J0YWwtMDEyMzQ1Njc4OQ==",
        "OBJECTION_PHONE": "0376-6200000",
        **extra,
    }
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def test_production_settings_pass_check_deploy(tmp_path):
    from awards.documents.signing import _demo_key_pair

    key, cert = _demo_key_pair(tmp_path)
    result = _check_deploy(tmp_path, PDF_SIGNING_KEY_FILE=str(key), PDF_SIGNING_CERT_FILE=str(cert))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize(("phone", "check"), [("", "awards.E020"), ("0376-12", "awards.E021")])
def test_production_publishes_the_offices_own_objection_phone(tmp_path, phone, check):
    from awards.documents.signing import _demo_key_pair

    key, cert = _demo_key_pair(tmp_path)
    result = _check_deploy(
        tmp_path,
        PDF_SIGNING_KEY_FILE=str(key),
        PDF_SIGNING_CERT_FILE=str(cert),
        OBJECTION_PHONE=phone,
    )
    assert result.returncode != 0
    assert check in result.stdout + result.stderr
    assert "OBJECTION_PHONE" in result.stdout + result.stderr


def test_production_refuses_to_sign_without_its_own_key(tmp_path):
    result = _check_deploy(tmp_path)
    assert result.returncode != 0
    assert "awards.E001" in result.stdout + result.stderr
    assert "PDF_SIGNING_KEY_FILE" in result.stdout + result.stderr


def test_demo_data_loads_one_user_per_role_and_is_idempotent(db, luoshan_programme):
    from applicants.models import Application, User
    from portal.services import demo_data_load

    demo_data_load()
    demo_data_load()
    assert set(User.objects.values_list("role", flat=True)) == set(Role.values)
    assert User.objects.filter(username="county_shihe", jurisdiction="411502").exists()
    # As `make run` has it, with the example county programme: Luoshan's finance, and a match
    # confirmed and planned beside one waiting for the county's reviewer.
    assert User.objects.filter(username="finance_luoshan", jurisdiction="411521").exists()
    matches = Application.objects.filter(programme="411521")
    assert sorted(matches.values_list("status", flat=True)) == ["proposed", "scheduled"]


def test_an_english_browser_still_gets_the_chinese_portal_until_the_switch(client, db):
    html = client.get(
        reverse("login"), headers={"accept-language": "en-US,en;q=0.9"}
    ).content.decode()
    assert '<html lang="zh-hans">' in html
    client.post(reverse("set_language"), {"language": "en", "next": reverse("login")})
    html = client.get(reverse("login")).content.decode()
    assert '<html lang="en">' in html


def test_the_api_schema_and_its_docs_page_are_served_without_a_cdn(client, db):
    schema = client.get(reverse("api-schema"))
    assert schema.status_code == 200
    assert b"/api/v1/quote/" in schema.content
    docs = client.get(reverse("api-docs")).content.decode()
    assert "swagger-ui-bundle.js" in docs
    assert "cdn" not in docs.lower()
    script = client.get(reverse("api-docs") + "?script=")
    assert script.status_code == 200


def test_production_refuses_the_development_audit_key_or_none_at_all(tmp_path):
    from django.conf import settings

    for audit_keys in (settings.DEVELOPMENT_AUDIT_KEY, "office:hmac-sm3:not-base64"):
        result = _check_deploy(tmp_path, AUDIT_KEYS=audit_keys)
        assert result.returncode != 0
        assert "AUDIT_KEYS" in result.stdout + result.stderr
