from django.core.management.base import BaseCommand

from applicants.roles import Role
from portal.services import DEMO_PASSWORD, demo_data_load


class Command(BaseCommand):
    help = "Load demo enterprises, users for every role and cases at every stage (idempotent)."

    def handle(self, *args: object, **options: object) -> None:
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
