"""Pages of payment batches: list and create, detail, export, the bank return's preview."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from applicants import programmes
from applicants.downloads import private_attachment
from applicants.errors import NotAllowed, ServiceError
from awards.payments import selectors, services
from awards.payments.forms import BankReturnForm, BatchCreateForm
from awards.payments.models import OPEN_STATES, BankReturnImport, BatchState, PaymentBatch
from awards.payouts.selectors import FinanceProgramme, finance_programmes_for
from awards.services.payouts import finance_may_manage
from awards.views import _service_error_message, _user, official_required


def _programme_for(request: HttpRequest) -> tuple[FinanceProgramme, list[FinanceProgramme]]:
    """The programme whose batches are shown: one this user's finance manages, else 403."""
    user = _user(request)
    managed = [p for p in finance_programmes_for(user) if finance_may_manage(user, p.code)]
    requested = request.POST.get("programme") or request.GET.get("programme")
    for programme in managed:
        if not requested or programme.code == requested:
            return programme, managed
    raise PermissionDenied


def _batch_for(request: HttpRequest, pk: int) -> PaymentBatch:
    try:
        return services.batch_get_for(actor=_user(request), batch_id=pk)
    except NotAllowed:
        raise PermissionDenied from None


def _award_label(award: object) -> str:
    case = award.application  # type: ignore[attr-defined]
    return f"{case.reference} · {case.enterprise.name} · {award.amount:,.2f}"  # type: ignore[attr-defined]


@require_http_methods(["GET", "POST"])
@official_required
def batches(request: HttpRequest) -> HttpResponse:
    """A programme's batches, and a new batch from a pay year's scheduled awards not yet batched."""
    programme, managed = _programme_for(request)
    years = selectors.candidate_years(programme.code)
    source = request.POST if request.method == "POST" else request.GET
    try:
        year = int(source.get("year") or (years[0] if years else 0))
    except ValueError:
        year = 0
    candidates = list(selectors.batch_candidates(programme=programme.code, year=year))
    form = BatchCreateForm(
        request.POST if request.method == "POST" else None,
        years=years,
        award_choices=[(a.pk, _award_label(a)) for a in candidates],
        initial={"year": year, "awards": [a.pk for a in candidates]},
    )
    if request.method == "POST" and form.is_valid():
        try:
            batch = services.batch_create(
                actor=_user(request),
                programme=programme.code,
                year=form.cleaned_data["year"],
                award_ids=form.cleaned_data["awards"] or None,
            )
        except ServiceError as exc:
            _service_error_message(request, exc)
        else:
            messages.success(
                request,
                _("已创建拨付批次 %(batch)s（%(count)s 笔）。")
                % {"batch": batch.reference, "count": batch.items.count()},
            )
            return redirect("awards:batch_detail", batch.pk)
    return render(
        request,
        "awards/payments/batches.html",
        {
            "programme": programme,
            "programmes": managed,
            "batches": list(selectors.batches_of(programme.code)[:200]),
            "form": form,
            "year": year,
            "candidates": candidates,
            "candidate_total": sum(a.amount for a in candidates),
        },
        status=400 if form.is_bound and not form.is_valid() else 200,
    )


def _detail(
    request: HttpRequest,
    batch: PaymentBatch,
    *,
    outcomes: list[services.RowOutcome] | None = None,
    pending: BankReturnImport | None = None,
    upload_form: BankReturnForm | None = None,
    status: int = 200,
) -> HttpResponse:
    if pending is None:
        pending = selectors.pending_import(batch)
    if pending is not None and outcomes is None:
        outcomes = services.bank_return_preview(actor=_user(request), import_id=pending.pk)
    items = list(batch.items.all())
    return render(
        request,
        "awards/payments/batch_detail.html",
        {
            "batch": batch,
            "programme_name": programmes.programme_name(batch.programme),
            "items": items,
            "total": sum(i.amount for i in items),
            "is_open": batch.state in OPEN_STATES,
            "can_import": batch.state == BatchState.EXPORTED,
            "upload_form": upload_form or BankReturnForm(),
            "pending": pending,
            "outcomes": outcomes or [],
            "bad_rows": sum(1 for o in outcomes or [] if not o.ok),
        },
        status=status,
    )


@require_http_methods(["GET"])
@official_required
def batch_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One batch: its awards and results, its files, the bank return waiting to be confirmed."""
    return _detail(request, _batch_for(request, pk))


@require_POST
@official_required
def batch_export_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Download the batch as XLSX or CSV (a draft becomes exported)."""
    batch = _batch_for(request, pk)
    try:
        exported = services.batch_export(
            actor=_user(request), batch_id=batch.pk, file_format=request.POST.get("format", "")
        )
    except ServiceError as exc:
        _service_error_message(request, exc)
        return redirect("awards:batch_detail", batch.pk)
    return private_attachment(
        exported.content, content_type=exported.content_type, file_name=exported.file_name
    )


@require_POST
@official_required
def batch_cancel_view(request: HttpRequest, pk: int) -> HttpResponse:
    batch = _batch_for(request, pk)
    try:
        services.batch_cancel(actor=_user(request), batch_id=batch.pk)
    except ServiceError as exc:
        _service_error_message(request, exc)
    else:
        messages.success(request, _("批次 %(batch)s 已撤销。") % {"batch": batch.reference})
    return redirect("awards:batch_detail", batch.pk)


@require_POST
@official_required
def bank_return_upload_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Read the bank's return file and show every row's outcome before anything is recorded."""
    batch = _batch_for(request, pk)
    form = BankReturnForm(request.POST, request.FILES)
    if not form.is_valid():
        return _detail(request, batch, upload_form=form, status=400)
    upload = form.cleaned_data["file"]
    try:
        services.bank_return_upload(
            actor=_user(request),
            batch_id=batch.pk,
            file_name=upload.name or "",
            content=upload.read(services.MAX_UPLOAD_BYTES + 1),
        )
    except ServiceError as exc:
        form.add_error("file", str(exc.message))
        return _detail(request, batch, upload_form=form, status=400)
    return redirect(f"{reverse('awards:batch_detail', args=[batch.pk])}#bank-return-preview")


def _import_for(request: HttpRequest, pk: int) -> BankReturnImport:
    pending = BankReturnImport.objects.filter(pk=pk).select_related("batch").first()
    if pending is None or not finance_may_manage(_user(request), pending.batch.programme):
        raise PermissionDenied
    return pending


@require_POST
@official_required
def bank_return_confirm_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Record the whole return, or nothing if any row is refused now (checked again)."""
    pending = _import_for(request, pk)
    try:
        result = services.bank_return_commit(actor=_user(request), import_id=pending.pk)
    except services.ImportRefused as exc:
        _service_error_message(request, exc)
        batch = _batch_for(request, pending.batch_id)
        return _detail(request, batch, outcomes=exc.outcomes, pending=pending, status=400)
    except ServiceError as exc:
        _service_error_message(request, exc)
    else:
        messages.success(
            request,
            _("银行回单已导入：支付成功 %(paid)s 笔（%(total)s 元），支付失败 %(failed)s 笔。")
            % {"paid": result.paid, "total": f"{result.paid_total:,.2f}", "failed": result.failed},
        )
        if result.settled:
            messages.info(request, _("本批次已全部有结果，已结清。"))
    return redirect("awards:batch_detail", pending.batch_id)


@require_POST
@official_required
def bank_return_discard_view(request: HttpRequest, pk: int) -> HttpResponse:
    pending = _import_for(request, pk)
    try:
        services.bank_return_discard(actor=_user(request), import_id=pending.pk)
    except ServiceError as exc:
        _service_error_message(request, exc)
    else:
        messages.info(request, _("已放弃这份银行回单，未登记任何一笔。"))
    return redirect("awards:batch_detail", pending.batch_id)
