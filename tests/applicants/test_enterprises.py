"""Enterprise registration (one credit code, one enterprise) and colleagues' accounts."""

import pytest
from django.db import IntegrityError
from django.urls import reverse

from applicants.errors import CREDIT_CODE_CHECKSUM, CREDIT_CODE_LENGTH, CREDIT_CODE_TAKEN
from applicants.models import Enterprise, User
from applicants.roles import Role
from tests.factories import TEST_PASSWORD, EnterpriseFactory, credit_code_for, sign_in, upload

pytestmark = pytest.mark.django_db

GOOD_CODE = credit_code_for(424242)


def _form(**overrides):
    data = {
        "name": "信阳云数科技有限公司",
        "credit_code": GOOD_CODE,
        "jurisdiction": "411503",
        "applicant_type": "data_enterprise",
        "legal_representative": "王五",
        "contact_name": "赵六",
        "contact_phone": "0376-6200009",
        "contact_email": "zhaoliu@example.com",
        "bank_name": "中国银行信阳分行",
        "bank_account": "6216 6102 0000 9999",
        "username": "yunshu",
        "password1": "Xinyang-Reward-2025",
        "password2": "Xinyang-Reward-2025",
        # Each call gets its own file: an upload is read once per request.
        "licence": upload("营业执照.pdf"),
    }
    return {**data, **overrides}


def test_the_login_page_links_to_registration(client):
    html = client.get(reverse("login")).content.decode()
    assert reverse("applicants:register") in html


def test_an_enterprise_registers_and_its_first_member_is_signed_in(client):
    response = client.post(reverse("applicants:register"), _form(), follow=True)
    assert response.redirect_chain[-1][0] == reverse("home")
    enterprise = Enterprise.objects.get(credit_code=GOOD_CODE)
    assert enterprise.jurisdiction == "411503"
    assert enterprise.bank_account == "6216610200009999"
    user = User.objects.get(username="yunshu")
    assert (user.role, user.enterprise, user.email) == (
        Role.ENTERPRISE,
        enterprise,
        "zhaoliu@example.com",
    )
    assert user.groups.filter(name=Role.ENTERPRISE).exists()
    assert "企业工作台" in response.content.decode()
    assert response.context["user"] == user


def test_the_code_is_accepted_in_lower_case_with_spaces(client):
    typed = f"{GOOD_CODE[:6]} {GOOD_CODE[6:]}".lower()
    client.post(reverse("applicants:register"), _form(credit_code=typed))
    assert Enterprise.objects.filter(credit_code=GOOD_CODE).exists()


def test_a_code_with_a_wrong_check_character_is_refused_with_that_reason(client):
    body, check = GOOD_CODE[:17], GOOD_CODE[17]
    wrong = body + ("0" if check != "0" else "1")
    response = client.post(reverse("applicants:register"), _form(credit_code=wrong))
    assert response.status_code == 200
    assert response.context["form"].errors["credit_code"] == [str(CREDIT_CODE_CHECKSUM)]
    assert "校验位不正确" in response.content.decode()
    assert not Enterprise.objects.exists()
    assert not User.objects.filter(username="yunshu").exists()


def test_a_code_of_the_wrong_length_is_refused(client):
    response = client.post(reverse("applicants:register"), _form(credit_code=GOOD_CODE[:17]))
    assert response.context["form"].errors["credit_code"] == [str(CREDIT_CODE_LENGTH)]


def test_a_registered_code_is_refused_and_the_database_holds_the_line(client):
    EnterpriseFactory(credit_code=GOOD_CODE)
    response = client.post(reverse("applicants:register"), _form())
    assert response.context["form"].errors["credit_code"] == [str(CREDIT_CODE_TAKEN)]
    assert not User.objects.filter(username="yunshu").exists()
    with pytest.raises(IntegrityError):
        EnterpriseFactory(credit_code=GOOD_CODE)


def test_a_refused_registration_keeps_what_was_typed(client):
    response = client.post(reverse("applicants:register"), _form(password2="different-2025"))
    form = response.context["form"]
    assert "password2" in form.errors
    html = response.content.decode()
    assert "信阳云数科技有限公司" in html
    assert GOOD_CODE in html


def test_a_taken_username_is_refused_without_creating_the_enterprise(client, enterprise_user):
    response = client.post(reverse("applicants:register"), _form(username=enterprise_user.username))
    assert "username" in response.context["form"].errors
    assert not Enterprise.objects.filter(credit_code=GOOD_CODE).exists()


def test_jurisdictions_come_from_the_rules_version(client):
    response = client.get(reverse("applicants:register"))
    choices = dict(response.context["form"].fields["jurisdiction"].choices)
    assert choices["411502"] == "浉河区"
    assert choices["jigongshan"] == "鸡公山管理区"
    response = client.post(reverse("applicants:register"), _form(jurisdiction="999999"))
    assert "jurisdiction" in response.context["form"].errors


def test_a_member_creates_a_colleagues_account_in_the_same_enterprise(client, enterprise_user):
    sign_in(client, enterprise_user)
    response = client.post(
        reverse("applicants:members"),
        {
            "username": "colleague",
            "display_name": "钱七",
            "email": "qianqi@example.com",
            "password1": "Colleague-Pass-2025",
            "password2": "Colleague-Pass-2025",
        },
        follow=True,
    )
    colleague = User.objects.get(username="colleague")
    assert colleague.enterprise == enterprise_user.enterprise
    assert colleague.role == Role.ENTERPRISE
    assert "钱七" in response.content.decode()
    assert client.login(username="colleague", password="Colleague-Pass-2025")


def test_officials_cannot_open_the_members_page(client, county_reviewer):
    sign_in(client, county_reviewer)
    assert client.get(reverse("applicants:members")).status_code == 403


def test_the_members_page_lists_only_own_colleagues(client, enterprise_user):
    from tests.factories import make_user

    stranger = make_user(Role.ENTERPRISE, username="stranger-member")
    sign_in(client, enterprise_user)
    html = client.get(reverse("applicants:members")).content.decode()
    assert enterprise_user.username in html
    assert stranger.username not in html


def test_sign_in_works_with_the_registered_password(client):
    client.post(reverse("applicants:register"), _form())
    client.logout()
    assert client.login(username="yunshu", password="Xinyang-Reward-2025")
    assert not client.login(username="yunshu", password=TEST_PASSWORD)


LONG_EMAIL = "a" * 64 + "@" + ("b" * 63 + ".") * 3 + "com"  # valid by RFC, longer than 254


def test_an_email_longer_than_the_column_is_a_form_error_on_registration(client):
    response = client.post(reverse("applicants:register"), _form(contact_email=LONG_EMAIL))
    assert response.status_code == 200
    assert "contact_email" in response.context["form"].errors


def test_an_email_longer_than_the_column_is_a_form_error_for_a_colleague(client, enterprise_user):
    sign_in(client, enterprise_user)
    response = client.post(
        reverse("applicants:members"),
        {
            "username": "colleague",
            "display_name": "钱七",
            "email": LONG_EMAIL,
            "password1": "Colleague-Pass-2025",
            "password2": "Colleague-Pass-2025",
        },
    )
    assert response.status_code == 200
    assert not User.objects.filter(username="colleague").exists()
