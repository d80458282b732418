"""Accounts: the credit code as one form, passwords changed and reset, a colleague's first login."""

import datetime
import re
from unittest import mock

import pytest
from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core import mail
from django.urls import reverse
from stdnum.cn import uscc

from applicants.errors import CREDIT_CODE_TAKEN
from applicants.forms import PASSWORD_SAME_AS_OLD
from applicants.models import Enterprise, User
from applicants.roles import Role
from applicants.services.enterprises import enterprise_member_invite
from tests.api_helpers import api_message
from tests.applicants.test_enterprises import _form
from tests.factories import TEST_PASSWORD, confirm_identity, credit_code_for, make_user, sign_in

pytestmark = pytest.mark.django_db

REGISTER = reverse("applicants:register")
CHANGE = reverse("password_change")
RESET = reverse("password_reset")
NEW_PASSWORD = "Own-Secret-Xinyang-77"


def _lettered_code() -> str:
    body = "91411502MA45NPQ1X"
    return body + uscc.calc_check_digit(body)


# --- the credit code ----------------------------------------------------------------------------


def test_a_code_typed_in_lower_case_or_full_width_is_one_code_stored_upper_case(client):
    code = _lettered_code()
    full_width = "".join(chr(ord(c) + 0xFEE0) for c in code.lower())
    client.post(REGISTER, _form(credit_code=full_width))
    assert Enterprise.objects.get().credit_code == code
    client.logout()
    again = client.post(REGISTER, _form(credit_code=code.lower(), username="second"))
    assert again.context["form"].errors["credit_code"] == [str(CREDIT_CODE_TAKEN)]
    assert Enterprise.objects.count() == 1


def test_a_code_registered_in_another_county_is_accepted_with_the_warning(client):
    code = credit_code_for(21_000_000_001)  # characters 3–8: 411521, 罗山县
    response = client.post(REGISTER, _form(credit_code=code, jurisdiction="411502"), follow=True)
    assert response.redirect_chain[-1][0] == reverse("home")
    assert Enterprise.objects.get().credit_code == code
    html = response.content.decode()
    assert "411521（罗山县）" in html
    assert "与所属县区“浉河区”不一致" in html
    # A code of its own county: no warning.
    client.logout()
    own = credit_code_for(2_000_000_001)  # 411502, 浉河区
    response = client.post(
        REGISTER, _form(credit_code=own, jurisdiction="411502", username="own"), follow=True
    )
    assert Enterprise.objects.filter(credit_code=own).exists()
    assert "不一致" not in response.content.decode()


def test_the_warning_is_shown_on_a_form_that_must_be_corrected_anyway(client):
    code = credit_code_for(21_000_000_001)
    response = client.post(
        REGISTER, _form(credit_code=code, jurisdiction="411502", password2="different")
    )
    assert response.status_code == 200
    assert 'id="division-warning"' in response.content.decode()
    assert not Enterprise.objects.exists()


# --- changing one's password --------------------------------------------------------------------


def test_the_user_menu_links_to_the_password_change(client, enterprise_user):
    sign_in(client, enterprise_user)
    html = client.get(reverse("home")).content.decode()
    assert f'href="{CHANGE}" id="password-change-link"' in html


def test_a_user_changes_their_password(client, county_reviewer):
    sign_in(client, county_reviewer)
    confirm_identity(client, county_reviewer)
    response = client.post(
        CHANGE,
        {
            "old_password": TEST_PASSWORD,
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
        follow=True,
    )
    assert response.redirect_chain[-1][0] == reverse("password_change_done")
    assert "密码已修改" in response.content.decode()
    county_reviewer.refresh_from_db()
    assert county_reviewer.check_password(NEW_PASSWORD)


def test_a_wrong_current_password_or_the_same_one_is_refused_with_a_message(
    client, enterprise_user
):
    sign_in(client, enterprise_user)
    confirm_identity(client, enterprise_user)
    wrong = client.post(
        CHANGE,
        {"old_password": "nope", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert wrong.status_code == 200
    assert wrong.context["form"].errors["old_password"]
    same = client.post(
        CHANGE,
        {
            "old_password": TEST_PASSWORD,
            "new_password1": TEST_PASSWORD,
            "new_password2": TEST_PASSWORD,
        },
    )
    assert same.context["form"].errors["new_password1"] == [str(PASSWORD_SAME_AS_OLD)]
    assert str(PASSWORD_SAME_AS_OLD) in same.content.decode()


def test_the_change_page_is_in_english_too(client, enterprise_user):
    sign_in(client, enterprise_user)
    confirm_identity(client, enterprise_user)
    client.cookies["django_language"] = "en"
    html = client.get(CHANGE).content.decode()
    assert "Change password" in html
    assert "修改密码" not in html


# --- resetting it by email ----------------------------------------------------------------------


def test_the_reset_link_lives_one_hour_by_default():
    assert settings.PASSWORD_RESET_TIMEOUT == 3600


def test_the_login_page_offers_the_reset(client):
    assert f'href="{RESET}"' in client.get(reverse("login")).content.decode()


def _reset_link(client, email, *, lang="zh-hans"):
    client.cookies["django_language"] = lang
    response = client.post(RESET, {"email": email}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("password_reset_done")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [email]
    return message, re.search(r"http://testserver(/accounts/password/reset/\S+/)", message.body)[1]


def test_a_user_resets_a_forgotten_password_by_email(client, enterprise_user):
    message, link = _reset_link(client, enterprise_user.email)
    assert "重设密码" in message.subject
    assert "60 分钟内有效" in message.body
    form = client.get(link, follow=True)
    assert 'id="password-reset-confirm-form"' in form.content.decode()
    done = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        follow=True,
    )
    assert done.redirect_chain[-1][0] == reverse("password_reset_complete")
    enterprise_user.refresh_from_db()
    assert enterprise_user.check_password(NEW_PASSWORD)


def test_the_reset_email_is_in_the_language_of_the_page(client, enterprise_user):
    message, _link = _reset_link(client, enterprise_user.email, lang="en")
    assert "Reset" in message.subject
    assert "60 minutes" in message.body
    assert "重设" not in message.body


def test_an_unknown_address_gets_the_same_page_and_no_mail(client):
    response = client.post(RESET, {"email": "nobody@example.com"}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("password_reset_done")
    assert mail.outbox == []


def test_an_expired_link_is_refused_with_a_new_request_offered(client, enterprise_user):
    _message, link = _reset_link(client, enterprise_user.email)
    later = datetime.datetime.now() + datetime.timedelta(
        seconds=settings.PASSWORD_RESET_TIMEOUT + 60
    )
    with mock.patch.object(PasswordResetTokenGenerator, "_now", return_value=later):
        html = client.get(link, follow=True).content.decode()
    assert 'id="password-reset-invalid"' in html
    assert f'href="{RESET}"' in html


# --- a colleague's account: their own password first --------------------------------------------


def _colleague(inviter):
    return enterprise_member_invite(
        inviter=inviter,
        username="colleague",
        display_name="钱七",
        email="qianqi@example.com",
        password="Initial-Given-2025",
    )


def test_an_invited_colleague_must_change_the_initial_password(enterprise_user):
    assert _colleague(enterprise_user).must_change_password
    assert not enterprise_user.must_change_password


def test_the_invite_through_the_page_sets_the_flag(client, enterprise_user):
    sign_in(client, enterprise_user)
    client.post(
        reverse("applicants:members"),
        {
            "username": "colleague",
            "display_name": "钱七",
            "email": "qianqi@example.com",
            "password1": "Initial-Given-2025",
            "password2": "Initial-Given-2025",
        },
    )
    assert User.objects.get(username="colleague").must_change_password


@pytest.mark.parametrize(
    "url",
    [reverse("home"), reverse("applicants:home"), reverse("awards:notifications"), "/calculator/"],
)
def test_until_then_every_page_leads_to_the_password_change(client, enterprise_user, url):
    sign_in(client, _colleague(enterprise_user))
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == CHANGE


def test_the_change_page_says_why_and_the_api_refuses(client, enterprise_user):
    sign_in(client, _colleague(enterprise_user))
    html = client.get(CHANGE).content.decode()
    assert 'id="must-change-password"' in html
    api = client.get("/api/v1/applications/")
    assert api.status_code == 403
    assert "请先设置您自己的密码" in api_message(api)


def test_logging_out_and_switching_language_stay_possible(client, enterprise_user):
    sign_in(client, _colleague(enterprise_user))
    switched = client.post(reverse("set_language"), {"language": "en", "next": CHANGE})
    assert switched["Location"] == CHANGE
    logout = client.post(reverse("logout"))
    assert logout["Location"] == reverse("login")


def test_changing_the_password_lifts_the_redirect(client, enterprise_user):
    colleague = _colleague(enterprise_user)
    sign_in(client, colleague)
    client.post(
        CHANGE,
        {
            "old_password": "Initial-Given-2025",
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    )
    colleague.refresh_from_db()
    assert not colleague.must_change_password
    assert client.get(reverse("home")).status_code == 200


def test_a_password_reset_lifts_it_too(client, enterprise_user):
    colleague = _colleague(enterprise_user)
    _message, link = _reset_link(client, colleague.email)
    form = client.get(link, follow=True)
    client.post(
        form.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )
    colleague.refresh_from_db()
    assert not colleague.must_change_password


def test_officials_made_by_the_service_are_not_asked():
    assert not make_user(Role.CITY_REVIEWER).must_change_password
