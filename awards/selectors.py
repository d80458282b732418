"""Reads for awards: review queues and what officials' dashboards show."""

from django.db.models import Count

from applicants.models import Status, User
from applicants.roles import Role
from applicants.selectors import cases_visible_to

# The states in which a case waits for each official role.
PENDING_STATES: dict[str, tuple[str, ...]] = {
    Role.COUNTY_REVIEWER: (Status.SUBMITTED,),
    Role.CITY_REVIEWER: (Status.RECOMMENDED, Status.REVIEWED, Status.APPROVED, Status.ANNOUNCED),
    Role.FINANCE: (Status.CONFIRMED, Status.SCHEDULED),
    Role.ADMIN: (),
}


def official_dashboard_panels(*, user: User) -> dict[str, object]:
    """How many visible cases wait in each state this official acts on."""
    pending = PENDING_STATES.get(user.role, ())
    counts = dict(
        cases_visible_to(user)
        .filter(status__in=pending)
        .values_list("status")
        .annotate(n=Count("id"))
        .order_by()
    )
    return {
        "pending_counts": [(Status(key).label, counts.get(key, 0)) for key in pending],
        "pending_total": sum(counts.values()),
    }
