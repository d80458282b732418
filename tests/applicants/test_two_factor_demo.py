"""`make run`'s first look: the demo's officials are enrolled, and load_demo prints what a
newcomer types to pass the second factor (the key for an app, three backup codes)."""

import io
import re
from base64 import b32decode

import pytest
from django.core.management import call_command
from django.urls import reverse
from django_otp.oath import totp

from applicants.models import User
from portal.services import DEMO_PASSWORD

pytestmark = pytest.mark.django_db


def test_load_demo_prints_each_officials_secret_and_backup_codes_that_work(client, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    printed = out.getvalue()
    lines = {
        m.group(1): (m.group(2), m.group(3).split())
        for m in re.finditer(
            r"^  (\S+)\s+([A-Z2-7]{32})  ((?:[a-z0-9]{4}-[a-z0-9]{4} ?){3})$", printed, re.M
        )
    }
    officials = User.objects.exclude(role="enterprise").values_list("username", flat=True)
    assert set(lines) == set(officials)
    assert "qiye" not in lines

    secret, codes = lines["city"]
    client.post(reverse("login"), {"username": "city", "password": DEMO_PASSWORD})
    code = f"{totp(b32decode(secret)):06d}"
    assert client.post(reverse("two_factor:verify"), {"code": code})["Location"] == "/"
    client.post(reverse("logout"))
    client.post(reverse("login"), {"username": "city", "password": DEMO_PASSWORD})
    assert client.post(reverse("two_factor:verify"), {"code": codes[0]})["Location"] == "/"

    # Loading again keeps the keys and brings the used backup code back.
    again = io.StringIO()
    call_command("load_demo", stdout=again)
    assert f"city               {secret}  {' '.join(codes)}" in again.getvalue()


def test_load_demo_prints_the_logins_and_no_mail(settings, capsys):
    """`make run` mails to the console: the demo cases' notices would bury the logins."""
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
    call_command("load_demo")
    printed = capsys.readouterr().out
    assert printed.startswith("演示账号 / Demo logins"), printed[:500]
    assert "Subject:" not in printed
