from django.core.management.base import BaseCommand

from portal.services import DEMO_PASSWORD, demo_data_load


class Command(BaseCommand):
    help = "Load demo enterprises and one user per role (idempotent) and print their logins."

    def handle(self, *args: object, **options: object) -> None:
        logins = demo_data_load()
        self.stdout.write(f"演示账号 / Demo logins (password: {DEMO_PASSWORD})")
        for login in logins:
            self.stdout.write(f"  {login.username:<16} {login.role_label} · {login.description}")
