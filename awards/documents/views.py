"""The public verification page and the document downloads (access as for the case)."""

from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from applicants.client_address import client_address
from applicants.models import CITY_PROGRAMME, User
from applicants.roles import Role
from awards.documents import selectors
from awards.documents.downloads import document_response
from awards.documents.models import DocumentLookup
from awards.payouts.selectors import finance_programmes_for

_CODE_CHARS = frozenset("23456789ABCDEFGHJKMNPQRSTUVWXYZ")


@require_GET
def verify(request: HttpRequest, code: str) -> HttpResponse:
    """What a document with this code states, and whether it is the current version (no login)."""
    address = client_address(request)
    since = timezone.now() - timedelta(hours=1)
    recent = DocumentLookup.objects.filter(ip_address=address, created_at__gte=since).count()
    if settings.VERIFY_LOOKUPS_PER_HOUR and recent >= settings.VERIFY_LOOKUPS_PER_HOUR:
        return render(request, "awards/documents/verify_throttled.html", status=429)
    DocumentLookup.objects.create(ip_address=address)
    normalised = code.strip().upper()
    document = selectors.document_by_code(normalised) if set(normalised) <= _CODE_CHARS else None
    if document is None:
        return render(request, "awards/documents/verify_unknown.html", {"code": code}, status=404)
    return render(
        request,
        "awards/documents/verify.html",
        {
            "document": document,
            "current": selectors.document_is_current(document),
            "successor": selectors.current_successor(document),
        },
    )


@login_required
@require_GET
def download(request: HttpRequest, pk: int) -> FileResponse:
    """One stored document, as the PDF it was signed as."""
    document = selectors.documents_visible_to(request.user).filter(pk=pk).first()  # type: ignore[arg-type]
    if document is None:
        raise Http404
    return document_response(document, as_attachment=request.GET.get("download") == "1")


@login_required
@require_POST
def render_batch(request: HttpRequest, year: int) -> HttpResponse:
    """Queue a programme's batch list of a pay year (who sees its finance desk, and the city)."""
    from awards.documents.tasks import render_batch as render_batch_task

    user: User = request.user  # type: ignore[assignment]
    programme = request.POST.get("programme") or CITY_PROGRAMME
    desk = {p.code for p in finance_programmes_for(user)}
    if user.role == Role.CITY_REVIEWER:
        desk.add(CITY_PROGRAMME)
    if programme not in desk or not 2020 <= year <= 2100:
        raise Http404
    transaction.on_commit(lambda: render_batch_task.delay(year, programme))
    messages.success(
        request, _("%(year)s 年度兑现资金汇总表正在生成，稍后刷新本页即可下载。") % {"year": year}
    )
    return redirect(f"{reverse('awards:finance')}?programme={programme}")
