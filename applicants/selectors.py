"""Reads for applicants. Access to a case is decided here, in one place."""

from django.db.models import Count, QuerySet
from django.http import Http404

from applicants.models import Application, Enterprise, Status, User
from applicants.roles import Role


def enterprise_for_user(*, user: User) -> Enterprise | None:
    """The enterprise a signed-in enterprise user acts for, if any."""
    return user.enterprise if user.is_authenticated and user.enterprise_id else None


def cases_visible_to(user: User) -> QuerySet[Application]:
    """Every case `user` may see: the one rule every list, detail, file and API view uses.

    An enterprise sees its own; a county reviewer the submitted cases of its jurisdiction; the
    city, finance and administrators the cases a county recommended.
    """
    cases = Application.objects.all()
    if not user.is_authenticated or not user.is_active:
        return cases.none()
    if user.role == Role.ENTERPRISE:
        return (
            cases.filter(enterprise_id=user.enterprise_id) if user.enterprise_id else cases.none()
        )
    cases = cases.exclude(status=Status.DRAFT)
    if user.role == Role.COUNTY_REVIEWER:
        return cases.filter(jurisdiction=user.jurisdiction)
    if user.role in {Role.CITY_REVIEWER, Role.FINANCE, Role.ADMIN}:
        return cases.filter(recommended_at__isnull=False)
    return cases.none()


def case_get_for(user: User, application_id: int) -> Application:
    """The case if `user` may see it, else 404 (never reveal that another's case exists)."""
    try:
        return cases_visible_to(user).select_related("enterprise").get(pk=application_id)
    except (Application.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def enterprise_dashboard_panels(*, user: User) -> dict[str, object]:
    """Counts of the enterprise's own cases by state, for its dashboard."""
    counts = dict(cases_visible_to(user).values_list("status").annotate(n=Count("id")).order_by())
    return {
        "case_counts": [(Status(key).label, counts[key]) for key in Status.values if key in counts],
        "case_total": sum(counts.values()),
    }
