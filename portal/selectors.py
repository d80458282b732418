"""Reads for the site-wide pages: what each role's dashboard shows."""

from dataclasses import dataclass, field

from applicants.models import User
from applicants.roles import Role


@dataclass(frozen=True)
class Dashboard:
    role: str
    role_label: str
    template: str
    panels: dict[str, object] = field(default_factory=dict)


_TEMPLATES = {
    Role.ENTERPRISE: "portal/dashboard_enterprise.html",
    Role.COUNTY_REVIEWER: "portal/dashboard_county.html",
    Role.CITY_REVIEWER: "portal/dashboard_city.html",
    Role.FINANCE: "portal/dashboard_finance.html",
    Role.ADMIN: "portal/dashboard_admin.html",
}


def dashboard_for(*, user: User) -> Dashboard:
    """The dashboard of the user's role."""
    role = Role(user.role)
    return Dashboard(role=role, role_label=str(role.label), template=_TEMPLATES[role])
