"""Site-wide pages: the role-aware home dashboard, health check and error pages."""

from decimal import Decimal
from typing import cast

from django.contrib.auth.decorators import login_required
from django.core.exceptions import RequestDataTooBig
from django.db import connection
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.views.decorators.http import require_GET
from django_htmx.middleware import HtmxDetails

from applicants.models import User
from applicants.policy import jurisdiction_name, rules_lang, version_in_force
from applicants.programmes import matching_quotes, programme_name
from portal.api_errors import BODY_TOO_LARGE, api_error_for_status, is_api_request, json_error
from portal.forms import CalculatorForm
from portal.selectors import dashboard_for
from rules import Quote, RulesInputError, quote


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


@login_required
def home(request: HttpRequest) -> HttpResponse:
    dashboard = dashboard_for(user=cast(User, request.user))
    return render(request, dashboard.template, {"dashboard": dashboard})


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


@require_GET
def favicon(request: HttpRequest) -> HttpResponse:
    """/favicon.ico, which browsers ask for on their own: the icon among the static files."""
    return HttpResponseRedirect(static("favicon.ico"))


# Under /api/ Django's own error answers are the API's one error body, never an HTML page.
def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    if is_api_request(request):
        if isinstance(exception, RequestDataTooBig):
            return json_error(request, 413, BODY_TOO_LARGE, kind="too_large")
        return api_error_for_status(request, 400)
    return render(request, "400.html", status=400)


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    if is_api_request(request):
        return api_error_for_status(request, 403)
    return render(request, "403.html", status=403)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    if is_api_request(request):
        return api_error_for_status(request, 404)
    return render(request, "404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    if is_api_request(request):
        return api_error_for_status(request, 500)
    return render(request, "500.html", status=500)


@require_GET
def calculator(request: HtmxHttpRequest) -> HttpResponse:
    """政策计算器: public; pick an item, type its facts, see the amount and why (GET, shareable)."""
    lang = rules_lang()
    version = version_in_force()
    item = request.GET.get("item", "")
    context: dict[str, object] = {
        "items": version.item_choices(lang),
        "item": item,
        "rules_version": version.version,
    }
    if item in version.items:
        rule = version.items[item]
        context["rule"] = {
            "title": rule.title(lang),
            "clause": rule.clause,
            "text": rule.clause_text,
        }
        submitted = any(name in request.GET for name in ("event_date", "applicant_type"))
        form = CalculatorForm(
            request.GET if submitted else None, version=version, item=item, lang=lang
        )
        context["form"] = form
        if submitted and form.is_valid():
            try:
                result = quote(item, form.facts())
            except RulesInputError as invalid:
                for field, messages in invalid.messages(lang).items():
                    form.add_error(field if field in form.fields else None, messages)
            else:
                context["quote"] = result.to_dict(lang)
                context["matching"] = _matching_summary(result, lang)
    elif item:
        context["unknown_item"] = True
    template = "portal/_calculator_panel.html" if request.htmx else "portal/calculator.html"
    return render(request, template, context)


def _matching_summary(city: Quote, lang: str) -> dict[str, object] | None:
    """市级奖励 + 县级同步奖励 = 合计, when the applicant's county matches the item."""
    matches = [m for m in matching_quotes(city) if m.eligible]
    if not matches or not city.eligible:
        return None
    return {
        "city": city.amount,
        "rows": [
            {
                "name": programme_name(m.programme),
                "county": jurisdiction_name(m.programme),
                "amount": m.amount,
                "quote": m.to_dict(lang),
            }
            for m in matches
        ],
        "total": city.amount + sum((m.amount for m in matches), Decimal("0.00")),
    }
