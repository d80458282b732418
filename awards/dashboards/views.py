"""统计图表: one programme's money charts, and for the city the review queues and the counties."""

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from applicants.roles import Role
from awards.dashboards import selectors
from awards.dashboards.charts import dashboard_charts_as_of
from awards.views import _user, official_required


@require_GET
@official_required
def dashboards(request: HttpRequest) -> HttpResponse:
    """The charts of the programme asked for (the first this user may read by default)."""
    user = _user(request)
    available = selectors.dashboard_programmes_for(user)
    if not available:
        # A county reviewer, or county finance of a county without a programme.
        raise PermissionDenied
    requested = request.GET.get("programme")
    programme = next((p for p in available if p.code == requested), None)
    if programme is None:
        if requested:
            raise PermissionDenied
        programme = available[0]
    charts, as_of = dashboard_charts_as_of(user=user, programme=programme)
    return render(
        request,
        "awards/dashboards.html",
        {
            "programme": programme,
            "programmes": available,
            "charts": charts,
            "as_of": as_of,
            "chart_specs": {chart.key: chart.spec() for chart in charts if not chart.empty},
            "finance_link": user.role in {Role.FINANCE, Role.COUNTY_FINANCE},
        },
    )
