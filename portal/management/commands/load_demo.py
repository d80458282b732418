from django.core.management.base import BaseCommand
from django.test.utils import override_settings

from applicants.models import User
from applicants.roles import Role
from applicants.two_factor.selectors import two_factor_required
from applicants.two_factor.services import two_factor_demo_enrol
from portal.services import DEMO_PASSWORD, demo_data_load

_MAIL_DISCARDED = {"default": {"BACKEND": "django.core.mail.backends.dummy.EmailBackend"}}


class Command(BaseCommand):
    help = "Load demo enterprises, users for every role and cases at every stage (idempotent)."

    def handle(self, *args: object, **options: object) -> None:
        # The demo's cases notify their enterprises as real ones would; that mail is no news to
        # anyone, and on the console it would bury the logins a newcomer needs under it.
        with override_settings(MAILERS=_MAIL_DISCARDED):
            logins = demo_data_load()
        county_label = str(Role.COUNTY_REVIEWER.label)
        self.stdout.write(f"演示账号 / Demo logins (password: {DEMO_PASSWORD})")
        for login in logins:
            if login.role_label != county_label:
                line = f"  {login.username:<18} {login.role_label} · {login.description}"
                self.stdout.write(line)
        counties = [login for login in logins if login.role_label == county_label]
        self.stdout.write(f"  {county_label}（{len(counties)}）:")
        for start in range(0, len(counties), 4):
            row = counties[start : start + 4]
            self.stdout.write("    " + "  ".join(f"{c.username} {c.description}" for c in row))
        self._second_factor([login.username for login in logins])

    def _second_factor(self, usernames: list[str]) -> None:
        """Officials are enrolled already: their keys (for an authenticator app), backup codes."""
        self.stdout.write(
            "两步验证 / Second factor for officials: add the secret to an authenticator app "
            "(TOTP, 6 digits), or type one backup code (each works once; load_demo restores them)"
        )
        officials = User.objects.filter(username__in=usernames).order_by("id")
        for user in officials:
            if two_factor_required(user=user):
                factor = two_factor_demo_enrol(user=user)
                codes = " ".join(factor.backup_codes)
                self.stdout.write(f"  {user.username:<18} {factor.secret}  {codes}")
