"""Reads for the site-wide pages: what each role's dashboard shows."""

from collections.abc import Callable
from dataclasses import dataclass, field

from applicants.models import User
from applicants.roles import Role
from applicants.selectors import enterprise_dashboard_panels
from awards.selectors import official_dashboard_panels


@dataclass(frozen=True)
class Dashboard:
    role: str
    role_label: str
    template: str
    panels: dict[str, object] = field(default_factory=dict)


_DASHBOARDS: dict[str, tuple[str, Callable[..., dict[str, object]]]] = {
    Role.ENTERPRISE: ("portal/dashboard_enterprise.html", enterprise_dashboard_panels),
    Role.COUNTY_REVIEWER: ("portal/dashboard_county.html", official_dashboard_panels),
    Role.CITY_REVIEWER: ("portal/dashboard_city.html", official_dashboard_panels),
    Role.FINANCE: ("portal/dashboard_finance.html", official_dashboard_panels),
    Role.COUNTY_FINANCE: ("portal/dashboard_finance.html", official_dashboard_panels),
    Role.ADMIN: ("portal/dashboard_admin.html", official_dashboard_panels),
}


def dashboard_for(*, user: User) -> Dashboard:
    """The dashboard of the user's role, with its panels' data."""
    role = Role(user.role)
    template, panels = _DASHBOARDS[role]
    return Dashboard(
        role=role, role_label=str(role.label), template=template, panels=panels(user=user)
    )
