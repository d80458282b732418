"""The portal's roles: stable keys, their labels, and the permissions each role's group holds."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ENTERPRISE = "enterprise", _("企业申报人")
    COUNTY_REVIEWER = "county_reviewer", _("县区初审人员")
    # Pays a county's matching rewards (县区同步奖励) from the county's budget.
    COUNTY_FINANCE = "county_finance", _("县区财政人员")
    CITY_REVIEWER = "city_reviewer", _("市发展改革委复审人员")
    FINANCE = "finance", _("市财政局人员")
    ADMIN = "admin", _("系统管理员")


OFFICIAL_ROLES = frozenset(
    {Role.COUNTY_REVIEWER, Role.COUNTY_FINANCE, Role.CITY_REVIEWER, Role.FINANCE, Role.ADMIN}
)
# Roles bound to one jurisdiction (User.jurisdiction).
COUNTY_ROLES = frozenset({Role.COUNTY_REVIEWER, Role.COUNTY_FINANCE})

# Each role is a Group of the same name holding these permissions ("app_label.codename").
# Object-level access (own enterprise, own jurisdiction) is decided by selectors, not here.
ROLE_PERMISSIONS: dict[str, tuple[str, ...]] = {
    Role.ENTERPRISE: ("applicants.view_enterprise", "applicants.change_enterprise"),
    Role.COUNTY_REVIEWER: ("applicants.view_enterprise",),
    Role.CITY_REVIEWER: ("applicants.view_enterprise",),
    Role.FINANCE: ("applicants.view_enterprise",),
    Role.COUNTY_FINANCE: ("applicants.view_enterprise",),
    Role.ADMIN: (
        "applicants.view_enterprise",
        "applicants.change_enterprise",
        "applicants.view_user",
        "applicants.add_user",
        "applicants.change_user",
    ),
}
