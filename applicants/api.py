"""The applicants API: the caller's applications and their evidence, and the enterprise's writes
(create, update, submit or resubmit, withdraw, upload evidence) on the same services as its pages.

Access is the same rule as the pages: `cases_visible_to` for lists, `case_get_for` for one case
or one file; another enterprise's case answers 404. A ServiceError answers 400/403/409 in the one
error body (portal.api_errors).
"""

from datetime import date
from typing import Any, cast

from django.db.models import Prefetch, prefetch_related_objects
from django.http import FileResponse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from applicants import policy
from applicants.downloads import evidence_response
from applicants.forms import DATE_IN_FUTURE
from applicants.models import Application, EvidenceFile, User
from applicants.selectors import applications_for_list, case_get_for, evidence_get_for
from applicants.serializer_fields import CleanCharField
from applicants.serializers import (
    ApplicationDetailSerializer,
    ApplicationListSerializer,
    EvidenceFileSerializer,
)
from applicants.services.applications import (
    ApplicationInput,
    application_create,
    application_submit,
    application_update,
    application_withdraw,
)
from applicants.services.editing import enterprise_actor_check
from applicants.services.evidence import evidence_add


def _user(request: Request) -> User:
    return cast(User, request.user)


def _writer(request: Request) -> User:
    """The enterprise member writing; anyone else is refused (403) before their input is read."""
    user = _user(request)
    enterprise_actor_check(user)
    return user


def _detail(application: Application) -> Application:
    prefetch_related_objects(
        [application],
        Prefetch("evidence_files", queryset=EvidenceFile.objects.order_by("kind", "version")),
    )
    return application


class ApplicationInputSerializer(serializers.Serializer):
    """What the enterprise types on the application form; facts are strings as the form sends
    them ("0.00" for money, choice codes, "true"/"false")."""

    project_name = CleanCharField(max_length=200)
    description = CleanCharField(
        multiline=True, required=False, allow_blank=True, max_length=5000, default=""
    )
    event_date = serializers.DateField(required=False, allow_null=True, default=None)
    facts = serializers.DictField(
        child=CleanCharField(allow_blank=True, max_length=200), required=False, default=dict
    )
    declaration_accepted = serializers.BooleanField(required=False, default=False)

    def validate_event_date(self, value: date | None) -> date | None:
        if value is not None and value > timezone.localdate():
            raise serializers.ValidationError(str(DATE_IN_FUTURE), code="future")
        return value


class ApplicationCreateSerializer(ApplicationInputSerializer):
    item = serializers.ChoiceField(choices=())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["item"].choices = sorted(policy.version_in_force().items)  # type: ignore[attr-defined]


def _input(data: dict[str, Any], current: Application | None = None) -> ApplicationInput:
    """The service's input: what was sent, and for a partial update the case's other values."""

    def pick(name: str, default: Any) -> Any:
        return data.get(name, default)

    return ApplicationInput(
        project_name=pick("project_name", current.project_name if current else ""),
        description=pick("description", current.description if current else ""),
        event_date=pick("event_date", current.event_date if current else None),
        facts=pick("facts", dict(current.facts) if current else {}),
        declaration_accepted=pick(
            "declaration_accepted", current.declaration_accepted if current else False
        ),
    )


class ApplicationListApi(generics.ListCreateAPIView):
    """The applications the caller may see, newest activity first; an enterprise creates a draft."""

    serializer_class = ApplicationListSerializer

    def get_queryset(self):  # type: ignore[override]
        return applications_for_list(self.request.user)  # type: ignore[arg-type]

    @extend_schema(
        request=ApplicationCreateSerializer, responses={201: ApplicationDetailSerializer}
    )
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        actor = _writer(request)
        payload = ApplicationCreateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        item = data.pop("item")
        application = application_create(actor=actor, item=item, data=_input(data))
        body = ApplicationDetailSerializer(_detail(application), context={"request": request})
        return Response(body.data, status=status.HTTP_201_CREATED)


class ApplicationDetailApi(generics.RetrieveUpdateAPIView):
    """One application with its facts, quote trace and evidence files; its owner updates a draft
    or a case returned for revision (PUT replaces the fields, PATCH changes those sent)."""

    serializer_class = ApplicationDetailSerializer
    queryset = Application.objects.none()

    def get_object(self) -> Application:
        return _detail(case_get_for(self.request.user, self.kwargs["pk"]))  # type: ignore[arg-type]

    @extend_schema(request=ApplicationInputSerializer, responses=ApplicationDetailSerializer)
    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        current = self.get_object()  # 404 unless visible
        actor = _writer(request)
        partial = kwargs.get("partial", False)
        payload = ApplicationInputSerializer(data=request.data, partial=partial)
        payload.is_valid(raise_exception=True)
        sent = {k: v for k, v in payload.validated_data.items() if k in request.data or not partial}
        application = application_update(
            actor=actor,
            application_id=current.pk,
            data=_input(sent, current if partial else None),
        )
        return Response(ApplicationDetailSerializer(_detail(application)).data)


class ApplicationWithdrawInputSerializer(serializers.Serializer):
    reason = CleanCharField(
        multiline=True, required=False, allow_blank=True, max_length=2000, default=""
    )


class ApplicationSubmitApi(APIView):
    """提交 a draft, or 补正后重新提交 a returned case: 200 with the case; 400 names the first thing
    missing (a fact, an evidence file `evidence__KIND`, the declaration, the identity check)."""

    @extend_schema(request=None, responses=ApplicationDetailSerializer)
    def post(self, request: Request, pk: int) -> Response:
        case = case_get_for(_user(request), pk)  # 404 unless visible
        submitted = application_submit(actor=_writer(request), application_id=case.pk)
        return Response(ApplicationDetailSerializer(_detail(submitted)).data)


class ApplicationWithdrawApi(APIView):
    """撤回 a case the workflow still lets its enterprise withdraw (409 once it may not)."""

    @extend_schema(
        request=ApplicationWithdrawInputSerializer, responses=ApplicationDetailSerializer
    )
    def post(self, request: Request, pk: int) -> Response:
        case = case_get_for(_user(request), pk)
        actor = _writer(request)
        payload = ApplicationWithdrawInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        withdrawn = application_withdraw(
            actor=actor, application_id=case.pk, reason=payload.validated_data["reason"]
        )
        return Response(ApplicationDetailSerializer(_detail(withdrawn)).data)


class EvidenceUploadInputSerializer(serializers.Serializer):
    kind = CleanCharField(max_length=60)
    file = serializers.FileField()


class ApplicationEvidenceApi(APIView):
    """Upload the next version of one evidence document (multipart: `kind`, `file`): PDF, JPEG
    or PNG, checked by content as on the pages."""

    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        request={"multipart/form-data": EvidenceUploadInputSerializer},
        responses={201: EvidenceFileSerializer},
    )
    def post(self, request: Request, pk: int) -> Response:
        case = case_get_for(_user(request), pk)
        actor = _writer(request)
        payload = EvidenceUploadInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        evidence = evidence_add(
            actor=actor,
            application_id=case.pk,
            kind=payload.validated_data["kind"],
            upload=payload.validated_data["file"],
        )
        return Response(EvidenceFileSerializer(evidence).data, status=status.HTTP_201_CREATED)


class EvidenceDownloadApi(APIView):
    """The file itself, to whoever may see its case."""

    @extend_schema(responses={(200, "application/octet-stream"): OpenApiTypes.BINARY})
    def get(self, request: Request, pk: int) -> FileResponse:
        return evidence_response(evidence_get_for(request.user, pk))  # type: ignore[arg-type]
