"""Views of the 公示: the public list and objection form (no login), and the city's page that
resolves a case's objections. Thin: parse, check access, call one service, show the outcome."""

import logging

from django.conf import settings
from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from applicants import policy
from applicants.client_address import client_address
from applicants.errors import Conflict, ServiceError
from applicants.files import download_name
from applicants.models import Status
from applicants.roles import Role
from awards.announcements.forms import ObjectionForm, ObjectionResolveForm
from awards.announcements.selectors import (
    announcement_open_for_objection,
    announcement_page_public,
    case_objections_for,
    objection_get_for,
)
from awards.announcements.services import objection_file, objection_resolve
from awards.views import _service_error_message, _user, official_required

logger = logging.getLogger(__name__)

PUBLIC_PAGE_SIZE = 50


# --- the public announcement (公示), no login ---------------------------------------------------


@require_GET
def public_announcements(request: HttpRequest) -> HttpResponse:
    """The list as it is published: number, dates, body, the telephone for objections."""
    page = announcement_page_public(request.GET.get("page"), per_page=PUBLIC_PAGE_SIZE)
    titles = {a.item: policy.item_title(a.item) for a in page.object_list}
    return render(
        request,
        "awards/announcements/public_list.html",
        {
            "page": page,
            "query": "",
            "item_titles": titles,
            "objection_phone": settings.OBJECTION_PHONE,
            "working_days": settings.ANNOUNCEMENT_WORKING_DAYS,
        },
    )


@require_http_methods(["GET", "POST"])
def public_objection(request: HttpRequest, pk: int) -> HttpResponse:
    """The objection form of one announced (or held) award; a closed one answers 404, never 500."""
    award = announcement_open_for_objection(application_id=pk)
    if award is None:
        return render(request, "awards/announcements/public_closed.html", status=404)
    posted = request.method == "POST"
    form = ObjectionForm(request.POST if posted else None, request.FILES if posted else None)
    if posted and form.is_valid():
        try:
            objection_file(
                application_id=pk,
                name=form.cleaned_data["name"],
                phone=form.cleaned_data["phone"],
                text=form.cleaned_data["text"],
                evidence=form.cleaned_data["evidence"],
                ip_address=client_address(request),
            )
        except ServiceError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, str(exc.message))
        else:
            messages.success(
                request,
                _("您的异议已提交。该项目暂停公示（异议核实中），市发展改革委将依法核实处理。"),
            )
            return redirect("gongshi:list")
    return render(
        request,
        "awards/announcements/public_objection.html",
        {
            "award": award,
            "form": form,
            "held": award.application.status == Status.HELD,
            "item_titles": {award.application.item: policy.item_title(award.application.item)},
            "objection_phone": settings.OBJECTION_PHONE,
        },
        status=400 if form.is_bound and not form.is_valid() else 200,
    )


# --- the city's resolution (/review/) -----------------------------------------------------------


def _objections_page(
    request: HttpRequest,
    pk: int,
    *,
    bound: ObjectionResolveForm | None = None,
    bound_for: int | None = None,
    status: int = 200,
) -> HttpResponse:
    detail = case_objections_for(user=_user(request), application_id=pk)
    may_resolve = (
        _user(request).role == Role.CITY_REVIEWER and detail.application.status == Status.HELD
    )
    forms = {
        o.pk: bound if bound is not None and bound_for == o.pk else ObjectionResolveForm()
        for o in detail.open
    }
    return render(
        request,
        "awards/announcements/resolve.html",
        {
            "detail": detail,
            "case": detail.application,
            "award": detail.award,
            "may_resolve": may_resolve,
            "open_rows": [(o, forms[o.pk]) for o in detail.open],
            "item_title": policy.item_title(detail.application.item),
        },
        status=status,
    )


@require_GET
@official_required
def case_objections(request: HttpRequest, pk: int) -> HttpResponse:
    """A case's objections: the open ones with the city's form, the resolved ones with theirs."""
    return _objections_page(request, pk)


@require_POST
@official_required
def objection_resolve_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The city's answer to one objection; a refusal comes back as a message or a field error."""
    objection = objection_get_for(user=_user(request), objection_id=pk)
    case_pk = objection.application_id
    form = ObjectionResolveForm(request.POST)
    if not form.is_valid():
        return _objections_page(request, case_pk, bound=form, bound_for=pk, status=400)
    try:
        objection_resolve(objection_id=pk, actor=_user(request), **form.cleaned_data)
    except ServiceError as exc:
        if exc.field in form.fields and not isinstance(exc, Conflict):
            form.add_error(exc.field, str(exc.message))
            return _objections_page(request, case_pk, bound=form, bound_for=pk, status=400)
        _service_error_message(request, exc)
        return redirect("awards:case_objections", pk=case_pk)
    messages.success(request, _("异议已处理。"))
    return redirect("awards:case_objections", pk=case_pk)


@require_GET
@official_required
def objection_evidence(request: HttpRequest, pk: int) -> HttpResponse:
    """An objection's evidence file, to the officials who may see its case (inline, no cache)."""
    objection = objection_get_for(user=_user(request), objection_id=pk)
    if not objection.evidence:
        raise Http404
    try:
        stream = objection.evidence.open("rb")
    except FileNotFoundError:
        logger.error("objection evidence %s is missing from storage", objection.pk)
        raise Http404 from None
    response = FileResponse(
        stream,
        content_type=objection.evidence_type,
        as_attachment=False,
        filename=download_name(objection.evidence_name, objection.evidence_type),
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response  # type: ignore[return-value]  # a streaming response, as the decorator passes it
