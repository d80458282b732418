"""The enterprise's case pages: applications and their evidence files (accounts: account_views).

Views parse the request, call one selector or service, and turn a ServiceError into a form error
or a message. Every view that touches a case goes through `case_get_for` (via the selectors).
"""

from collections.abc import Callable
from datetime import date
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.csp import CSP
from django.utils.translation import gettext as _
from django.views.decorators.csp import csp_override
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from applicants import policy, programmes
from applicants.downloads import evidence_response
from applicants.errors import (
    APPLICATION_LOCKED,
    FIRST_TIME_ALREADY_GRANTED,
    ITEM_NOT_ADMITTED_WARNING,
    ServiceError,
)
from applicants.forms import (
    EVIDENCE_PREFIX,
    ApplicationForm,
    WithdrawForm,
    service_error_to_form,
)
from applicants.history import HistoryEntry, case_history
from applicants.models import Application, Enterprise, Status, User
from applicants.roles import Role
from applicants.selectors import (
    application_detail_for,
    application_quote,
    applications_for_list,
    calculator_url_for,
    case_get_for,
    cases_visible_to,
    evidence_get_for,
    evidence_latest_by_kind,
    first_time_already_granted,
    first_time_other_case,
    granted_money,
    item_not_admitted_reason,
    latest_return_event,
    queue_place,
    submission_blockers,
)
from applicants.services.applications import (
    application_create,
    application_submit,
    application_update,
    application_withdraw,
)
from applicants.workflow import EDITABLE_STATES, enterprise_sees_document, transitions_from
from rules import ItemRule, RulesInputError, RulesVersion

View = Callable[..., HttpResponse]


def enterprise_required(view: View) -> View:
    """Signed in as a member of an enterprise; officials get 403."""

    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        user = request.user
        if user.role != Role.ENTERPRISE or user.enterprise_id is None:  # type: ignore[union-attr]
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


def own_enterprise(user: User) -> Enterprise:
    """The enterprise an `enterprise_required` view's user acts for."""
    return Enterprise.objects.get(pk=user.enterprise_id or 0)


def posted(request: HttpRequest) -> object:
    """The POST data for a bound form (even when empty), or None on GET."""
    return request.POST if request.method == "POST" else None


def _item(item: str) -> tuple[RulesVersion, ItemRule]:
    version = policy.version_in_force()
    rule = version.items.get(item)
    if rule is None:
        raise Http404
    return version, rule


# --- applications -----------------------------------------------------------------------------


@login_required
@require_GET
def application_list(request: HttpRequest) -> HttpResponse:
    """我的申报: every case the user may see, newest activity first."""
    cases = applications_for_list(request.user)  # type: ignore[arg-type]
    page = Paginator(cases, 25).get_page(request.GET.get("page"))
    return render(request, "applicants/application_list.html", {"page": page})


def _quote_context(
    *, item: str, event_date: date | None, facts: dict[str, str], enterprise: Enterprise
) -> dict[str, object]:
    """The live quote panel: the amount and its trace, or what is still missing or wrong."""
    lang = policy.rules_lang()
    try:
        result = application_quote(
            item=item,
            event_date=event_date,
            facts=facts,
            applicant_type=enterprise.applicant_type,
            jurisdiction=enterprise.jurisdiction,
        )
    except RulesInputError as error:
        texts = error.messages(lang)
        missing, invalid = [], []
        for name, codes in error.codes.items():
            label = _("事项发生日期") if name == "event_date" else policy.fact_label(item, name)
            if set(codes) == {"required"}:
                missing.append(label)
            else:
                invalid.append((label, texts[name]))
        return {"quote": None, "missing": missing, "invalid": invalid}
    return {"quote": result.to_dict(lang), "missing": [], "invalid": []}


def _after_save(request: HttpRequest, application: Application, action: str) -> HttpResponse:
    if action == "submit":
        return redirect("applicants:submit", pk=application.pk)
    messages.success(request, _("草稿已保存，可随时回来继续填写。"))
    return redirect("applicants:edit", pk=application.pk)


def _form_page(
    request: HttpRequest,
    *,
    form: ApplicationForm,
    rule: ItemRule,
    application: Application | None,
    quote: dict[str, object],
) -> HttpResponse:
    by_kind = evidence_latest_by_kind(application) if application else {}
    # 首次: another case of the item pending or granted; this one could not be submitted.
    user: User = request.user  # type: ignore[assignment]
    first_time_other = (
        first_time_other_case(
            enterprise_id=user.enterprise_id or 0,
            item=rule.code,
            exclude_id=application.pk if application else None,
        )
        if rule.first_time
        else None
    )
    return render(
        request,
        "applicants/application_form.html",
        {
            "form": form,
            "rule": rule,
            "application": application,
            "evidence_rows": [
                (form[name], by_kind.get(name.removeprefix(EVIDENCE_PREFIX), []))
                for name in form.evidence_names
            ],
            "declaration_text": policy.DECLARATION_TEXT,
            "first_time_other": first_time_other,
            **quote,
        },
    )


def _warn_if_not_admitted(request: HttpRequest, *, rule: ItemRule, enterprise: Enterprise) -> None:
    """Say up front when the rules will not admit this enterprise (it may still file)."""
    reason = item_not_admitted_reason(
        rule, applicant_type=enterprise.applicant_type, jurisdiction=enterprise.jurisdiction
    )
    if reason:
        lang = policy.rules_lang()
        messages.warning(
            request,
            ITEM_NOT_ADMITTED_WARNING
            % {
                "applicant_type": policy.applicant_type_label(enterprise.applicant_type),
                "item": rule.title(lang),
                "reason": reason,
            },
        )


@enterprise_required
@require_http_methods(["GET", "POST"])
def application_new(request: HttpRequest, item: str) -> HttpResponse:
    """新建申报 for one item: a draft is saved on the first 保存草稿 or 提交."""
    user: User = request.user  # type: ignore[assignment]
    version, rule = _item(item)
    enterprise = own_enterprise(user)
    if rule.first_time and first_time_already_granted(enterprise_id=enterprise.pk, item=rule.code):
        messages.error(
            request, FIRST_TIME_ALREADY_GRANTED % {"item": rule.title(policy.rules_lang())}
        )
        return redirect("home")
    action = request.POST.get("action", "save")
    form = ApplicationForm(
        posted(request),
        request.FILES if request.method == "POST" else None,
        rule=rule,
        version=version,
        for_submit=action == "submit",
    )
    if request.method == "POST" and form.is_valid():
        try:
            application = application_create(
                actor=user,
                item=rule.code,
                data=form.application_input(),
                evidence=form.evidence_uploads(),
            )
        except ServiceError as error:
            service_error_to_form(form, error)
        else:
            return _after_save(request, application, action)
    quote = _quote_context(item=rule.code, event_date=None, facts={}, enterprise=enterprise)
    _warn_if_not_admitted(request, rule=rule, enterprise=enterprise)
    return _form_page(request, form=form, rule=rule, application=None, quote=quote)


def _refuse_locked(request: HttpRequest, application: Application) -> HttpResponse:
    messages.error(request, APPLICATION_LOCKED % {"status": Status(application.status).label})
    return redirect("applicants:detail", pk=application.pk)


def _cited_kinds(application: Application) -> frozenset[str]:
    """The evidence a published winners list stands for in this draft (免申即享), if any."""
    kind = (application.cited_announcement or {}).get("evidence_kind")
    return frozenset({kind}) if kind else frozenset()


@enterprise_required
@require_http_methods(["GET", "POST"])
def application_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Continue a draft, or answer a return for revision (补正); refused once submitted."""
    user: User = request.user  # type: ignore[assignment]
    application = application_detail_for(user, pk)
    if application.status not in EDITABLE_STATES:
        return _refuse_locked(request, application)
    version, rule = _item(application.item)
    action = request.POST.get("action", "save")
    form = ApplicationForm(
        posted(request),
        request.FILES if request.method == "POST" else None,
        initial=ApplicationForm.initial_from(application),
        rule=rule,
        version=version,
        for_submit=action == "submit",
        uploaded_kinds=frozenset(e.kind for e in application.evidence_files.all())
        | _cited_kinds(application),
        cited_announcement=application.cited_announcement,
    )
    if request.method == "POST" and form.is_valid():
        try:
            application = application_update(
                actor=user,
                application_id=application.pk,
                data=form.application_input(),
                evidence=form.evidence_uploads(),
            )
        except ServiceError as error:
            service_error_to_form(form, error)
        else:
            return _after_save(request, application, action)
    quote = _quote_context(
        item=application.item,
        event_date=application.event_date,
        facts=application.facts,
        enterprise=application.enterprise,
    )
    _warn_if_not_admitted(request, rule=rule, enterprise=application.enterprise)
    return _form_page(request, form=form, rule=rule, application=application, quote=quote)


@enterprise_required
@require_POST
def quote_preview(request: HttpRequest, item: str) -> HttpResponse:
    """The live quote panel (htmx): the facts as typed so far, priced by the rules."""
    user: User = request.user  # type: ignore[assignment]
    version, rule = _item(item)
    form = ApplicationForm(request.POST, rule=rule, version=version)
    form.is_valid()
    typed_wrong = [
        (form[name].label, form[name].errors)
        for name in ["event_date", *form.fact_names]
        if form[name].errors
    ]
    if typed_wrong:
        context: dict[str, object] = {"quote": None, "missing": [], "invalid": typed_wrong}
    else:
        context = _quote_context(
            item=rule.code,
            event_date=form.cleaned_data.get("event_date"),
            facts=form.typed_facts(),
            enterprise=own_enterprise(user),
        )
    return render(request, "applicants/_quote.html", context)


@enterprise_required
@require_http_methods(["GET", "POST"])
def application_submit_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    """Review before submitting: the expected amount, and why it may be ineligible (提交确认)."""
    user: User = request.user  # type: ignore[assignment]
    application = application_detail_for(user, pk)
    if application.status not in EDITABLE_STATES:
        return _refuse_locked(request, application)
    if request.method == "POST":
        try:
            application_submit(actor=user, application_id=application.pk)
        except ServiceError as error:
            messages.error(request, str(error.message))
            return redirect("applicants:edit", pk=application.pk)
        messages.success(request, _("申报已提交，请留意审核进度。"))
        return redirect("applicants:detail", pk=application.pk)
    quote = _quote_context(
        item=application.item,
        event_date=application.event_date,
        facts=application.facts,
        enterprise=application.enterprise,
    )
    return render(
        request,
        "applicants/application_confirm.html",
        {
            "application": application,
            "blockers": [message for _field, message in submission_blockers(application)],
            "declaration_text": policy.DECLARATION_TEXT,
            **quote,
        },
    )


@enterprise_required
@require_http_methods(["GET", "POST"])
def application_withdraw_view(request: HttpRequest, pk: int) -> HttpResponse:
    """撤回申报, while the workflow table allows it (before review starts)."""
    user: User = request.user  # type: ignore[assignment]
    application = case_get_for(user, pk)
    form = WithdrawForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            application_withdraw(
                actor=user, application_id=application.pk, reason=form.cleaned_data["reason"]
            )
        except ServiceError as error:
            messages.error(request, str(error.message))
        else:
            messages.success(request, _("申报已撤回。"))
        return redirect("applicants:detail", pk=application.pk)
    return render(
        request, "applicants/application_withdraw.html", {"application": application, "form": form}
    )


def _return_notice(application: Application, *, show_official_names: bool) -> HistoryEntry | None:
    """The return for 补正 the case now answers, worded like its history: who, when, why."""
    event = latest_return_event(application)
    if event is None:
        return None
    return case_history([event], application=application, show_official_names=show_official_names)[
        0
    ]


def _case_documents(application: Application, *, for_enterprise: bool) -> list[object]:
    """The case's current documents (awards renders them; read here by the reverse relation)."""
    documents = application.documents.filter(  # type: ignore[attr-defined]
        superseded_by__isnull=True, voided_at__isnull=True
    ).order_by("kind", "-created_at")
    if not for_enterprise:
        return list(documents)
    return [d for d in documents if enterprise_sees_document(d.kind, application.status)]


@login_required
@require_GET
def application_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The case page: facts, expected amount, evidence, status timeline and every revision."""
    user: User = request.user  # type: ignore[assignment]
    application = application_detail_for(user, pk)
    actions = {t.action for t in transitions_from(application.status, user.role)}
    is_owner = user.role == Role.ENTERPRISE and user.enterprise_id == application.enterprise_id
    item = application.item
    facts = [
        (policy.fact_label(item, code), policy.fact_value_label(item, code, str(value)))
        for code, value in application.facts.items()
    ]
    context: dict[str, object] = {
        "application": application,
        "facts": facts,
        "evidence_by_kind": evidence_latest_by_kind(application),
        "events": list(application.events.all()),
        "revisions": list(application.revisions.all()),
        "can_edit": is_owner and application.status in EDITABLE_STATES,
        "can_withdraw": is_owner and "withdraw" in actions,
        "money": granted_money(application),
        "queue_place": queue_place(application),
        "return_notice": _return_notice(application, show_official_names=user.is_official),
        "documents": _case_documents(application, for_enterprise=is_owner),
        "programme_cases": programmes.programme_cases_of(
            application, visible=cases_visible_to(user), url_name="applicants:detail"
        ),
        "calculator_url": calculator_url_for(application) if is_owner else "",
    }
    if application.status in EDITABLE_STATES:
        context.update(
            _quote_context(
                item=application.item,
                event_date=application.event_date,
                facts=application.facts,
                enterprise=application.enterprise,
            )
        )
    return render(request, "applicants/application_detail.html", context)


# --- evidence files ---------------------------------------------------------------------------


@login_required
@require_GET
# The file is shown inline; a PDF needs the browser's viewer (an object), nothing else runs.
@csp_override(
    {
        "default-src": [CSP.NONE],
        "object-src": [CSP.SELF],
        "img-src": [CSP.SELF],
        "style-src": [CSP.UNSAFE_INLINE],
        "frame-ancestors": [CSP.SELF],
    }
)
def evidence_download(request: HttpRequest, pk: int) -> HttpResponseBase:
    """Serve one evidence file to the owning enterprise and the officials entitled to the case."""
    return evidence_response(evidence_get_for(request.user, pk))  # type: ignore[arg-type]
