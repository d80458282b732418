"""Payment batches (拨付批次) over the API: the awards a batch may take, building, exporting and
cancelling batches, and the bank's return (upload, preview, confirm or discard), on the desk's
services. A batch or a return of a programme the caller's finance does not manage is a 404.
"""

from decimal import Decimal
from typing import Any, cast

from django.http import Http404, HttpResponse
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
)
from rest_framework import generics, permissions, serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from applicants import policy
from applicants.downloads import private_attachment
from applicants.errors import NotAllowed
from applicants.models import User
from awards.models import Award
from awards.payments import selectors, services
from awards.payments.exports import ExportFile
from awards.payments.models import BankReturnImport, PaymentBatch, PaymentBatchItem
from awards.payouts.api import PROGRAMME_PARAMETER, FinanceDesk, programme_for
from awards.services.payouts import finance_may_manage

# The most awards one POST may name (a pay year's batch is dozens to hundreds).
MAX_BATCH_AWARDS = 5_000


def _user(request: Request) -> User:
    return cast(User, request.user)


def _managed(request: Request, programme: str) -> str:
    """The programme's code if the caller's finance manages it: 404 off the desk, 403 read-only."""
    return programme_for(_user(request), programme, write=True).code


def _batch_for(request: Request, pk: int) -> PaymentBatch:
    try:
        return services.batch_get_for(actor=_user(request), batch_id=pk)
    except NotAllowed:
        raise Http404 from None


def _import_for(request: Request, pk: int) -> BankReturnImport:
    pending = BankReturnImport.objects.filter(pk=pk).select_related("batch").first()
    if pending is None or not finance_may_manage(_user(request), pending.batch.programme):
        raise Http404
    return pending


def _money() -> serializers.DecimalField:
    return serializers.DecimalField(max_digits=14, decimal_places=2, read_only=True)


# --- output shapes ----------------------------------------------------------------------------


class CandidateSerializer(serializers.ModelSerializer):
    """A scheduled award of the pay year that no open batch holds yet."""

    case_id = serializers.IntegerField(source="application_id")
    reference = serializers.CharField(source="application.reference")
    enterprise_name = serializers.CharField(source="application.enterprise.name")
    credit_code = serializers.CharField(source="application.enterprise.credit_code")
    item = serializers.CharField(source="application.item")
    item_title = serializers.SerializerMethodField()
    amount = _money()

    class Meta:
        model = Award
        fields = [
            "id",
            "case_id",
            "reference",
            "enterprise_name",
            "credit_code",
            "item",
            "item_title",
            "amount",
            "pay_year",
        ]
        read_only_fields = fields

    def get_item_title(self, award: Award) -> str:
        return policy.item_title(award.application.item)


class BatchItemSerializer(serializers.ModelSerializer):
    award = serializers.IntegerField(source="award_id")
    case_id = serializers.IntegerField(source="award.application_id")
    reference = serializers.CharField(source="award.application.reference")
    enterprise_name = serializers.CharField(source="award.application.enterprise.name")
    amount = _money()
    outcome_label = serializers.CharField(source="get_outcome_display")

    class Meta:
        model = PaymentBatchItem
        fields = [
            "id",
            "award",
            "case_id",
            "reference",
            "enterprise_name",
            "amount",
            "outcome",
            "outcome_label",
            "voucher",
            "paid_on",
            "failure_reason",
        ]
        read_only_fields = fields


class BatchSerializer(serializers.ModelSerializer):
    reference = serializers.CharField()
    state_label = serializers.CharField(source="get_state_display")
    created_by = serializers.SerializerMethodField()
    item_count = serializers.IntegerField()
    total = _money()

    class Meta:
        model = PaymentBatch
        fields = [
            "id",
            "reference",
            "programme",
            "year",
            "state",
            "state_label",
            "created_by",
            "created_at",
            "exported_at",
            "settled_at",
            "item_count",
            "total",
        ]
        read_only_fields = fields

    def get_created_by(self, batch: PaymentBatch) -> str:
        return str(batch.created_by)


class BatchDetailSerializer(BatchSerializer):
    item_count = serializers.SerializerMethodField()  # type: ignore[assignment]
    total = serializers.SerializerMethodField()  # type: ignore[assignment]
    items = BatchItemSerializer(many=True)
    pending_return = serializers.SerializerMethodField()

    class Meta(BatchSerializer.Meta):
        fields = [*BatchSerializer.Meta.fields, "items", "pending_return"]
        read_only_fields = fields

    def get_item_count(self, batch: PaymentBatch) -> int:
        return len(batch.items.all())

    @staticmethod
    def _total(batch: PaymentBatch) -> str:
        return f"{sum((i.amount for i in batch.items.all()), Decimal('0.00')):.2f}"

    def get_total(self, batch: PaymentBatch) -> str:
        return self._total(batch)

    def get_pending_return(self, batch: PaymentBatch) -> int | None:
        """The bank return uploaded and waiting for confirmation, if any (its id)."""
        pending = selectors.pending_import(batch)
        return pending.pk if pending else None


class BatchCreateSerializer(serializers.Serializer):
    year = serializers.IntegerField(min_value=2020, max_value=2100)
    # Left out: every candidate of the year (the page's default choice).
    awards = serializers.ListField(
        child=serializers.IntegerField(min_value=1),
        required=False,
        allow_empty=False,
        max_length=MAX_BATCH_AWARDS,
    )


class BatchExportSerializer(serializers.Serializer):
    format = serializers.ChoiceField(choices=services.EXPORT_FORMATS)


class RowOutcomeSerializer(serializers.Serializer):
    line = serializers.IntegerField()
    reference = serializers.CharField()
    account = serializers.CharField()
    payee = serializers.CharField()
    amount = serializers.CharField()
    status = serializers.CharField()
    voucher = serializers.CharField()
    paid_on = serializers.CharField()
    reason = serializers.CharField()
    ok = serializers.BooleanField()
    errors = serializers.ListField(child=serializers.CharField())  # type: ignore[assignment]


class BankReturnSerializer(serializers.ModelSerializer):
    batch = serializers.IntegerField(source="batch_id")
    state_label = serializers.CharField(source="get_state_display")
    rows = serializers.SerializerMethodField()
    bad_rows = serializers.SerializerMethodField()

    class Meta:
        model = BankReturnImport
        fields = [
            "id",
            "batch",
            "file_name",
            "state",
            "state_label",
            "uploaded_at",
            "committed_at",
            "rows",
            "bad_rows",
        ]
        read_only_fields = fields

    def _outcomes(self, pending: BankReturnImport) -> list[services.RowOutcome]:
        return self.context.get("outcomes") or []

    @extend_schema_field(RowOutcomeSerializer(many=True))
    def get_rows(self, pending: BankReturnImport) -> list[dict[str, Any]]:
        """Every row as it would be recorded now (a preview; empty once confirmed or dropped)."""
        return RowOutcomeSerializer(self._outcomes(pending), many=True).data  # type: ignore[return-value]

    def get_bad_rows(self, pending: BankReturnImport) -> int:
        return sum(1 for o in self._outcomes(pending) if not o.ok)


class BankReturnUploadSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="The bank's return, CSV or XLSX.")


class ImportResultSerializer(serializers.Serializer):
    paid = serializers.IntegerField()
    failed = serializers.IntegerField()
    paid_total = _money()
    settled = serializers.BooleanField()


# --- views ------------------------------------------------------------------------------------


YEAR_PARAMETER = OpenApiParameter(
    "year", OpenApiTypes.INT, OpenApiParameter.QUERY, required=True, description="The pay year."
)


class BatchCandidatesApi(generics.ListAPIView):
    """The scheduled awards of a pay year that a new batch may take."""

    permission_classes = [permissions.IsAuthenticated, FinanceDesk]
    serializer_class = CandidateSerializer
    queryset = Award.objects.none()

    def get_queryset(self):  # type: ignore[no-untyped-def]
        code = _managed(self.request, self.kwargs["programme"])
        raw = self.request.query_params.get("year", "")
        year = serializers.IntegerField(min_value=2020, max_value=2100)
        try:
            value = year.run_validation(raw)
        except serializers.ValidationError as invalid:
            raise serializers.ValidationError({"year": invalid.detail}) from None
        return selectors.batch_candidates(programme=code, year=value)

    @extend_schema(parameters=[PROGRAMME_PARAMETER, YEAR_PARAMETER])
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)


class ProgrammeBatchesApi(generics.ListAPIView):
    """GET a programme's batches, newest first; POST builds a draft batch of one pay year."""

    permission_classes = [permissions.IsAuthenticated, FinanceDesk]
    serializer_class = BatchSerializer
    queryset = PaymentBatch.objects.none()

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return selectors.batches_of(_managed(self.request, self.kwargs["programme"]))

    @extend_schema(parameters=[PROGRAMME_PARAMETER])
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    @extend_schema(
        parameters=[PROGRAMME_PARAMETER],
        request=BatchCreateSerializer,
        responses={201: BatchDetailSerializer},
    )
    def post(self, request: Request, programme: str) -> Response:
        code = _managed(request, programme)
        payload = BatchCreateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        batch = services.batch_create(
            actor=_user(request),
            programme=code,
            year=payload.validated_data["year"],
            award_ids=payload.validated_data.get("awards"),
        )
        full = _batch_for(request, batch.pk)
        return Response(
            BatchDetailSerializer(full).data,
            status=status.HTTP_201_CREATED,
            headers={"Location": request.build_absolute_uri(reverse("api-batch", args=[batch.pk]))},
        )


class BatchDetailApi(APIView):
    permission_classes = [permissions.IsAuthenticated, FinanceDesk]

    @extend_schema(responses=BatchDetailSerializer)
    def get(self, request: Request, pk: int) -> Response:
        return Response(BatchDetailSerializer(_batch_for(request, pk)).data)


class BatchExportApi(APIView):
    """The batch as the treasury form (财政直接支付申请书), XLSX or CSV; a draft becomes
    exported (sent to the bank). Each export is audited."""

    permission_classes = [permissions.IsAuthenticated, FinanceDesk]

    @extend_schema(
        request=BatchExportSerializer,
        responses={
            (200, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"): (
                OpenApiResponse(OpenApiTypes.BINARY, description="XLSX")
            ),
            (200, "text/csv"): OpenApiResponse(OpenApiTypes.STR, description="CSV"),
        },
    )
    def post(self, request: Request, pk: int) -> HttpResponse:
        batch = _batch_for(request, pk)
        payload = BatchExportSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        exported: ExportFile = services.batch_export(
            actor=_user(request), batch_id=batch.pk, file_format=payload.validated_data["format"]
        )
        return private_attachment(
            exported.content, content_type=exported.content_type, file_name=exported.file_name
        )


class BatchCancelApi(APIView):
    """Cancel a batch the bank has not answered for (409 once it has results)."""

    permission_classes = [permissions.IsAuthenticated, FinanceDesk]

    @extend_schema(request=None, responses=BatchDetailSerializer)
    def post(self, request: Request, pk: int) -> Response:
        batch = _batch_for(request, pk)
        services.batch_cancel(actor=_user(request), batch_id=batch.pk)
        return Response(BatchDetailSerializer(_batch_for(request, pk)).data)


class BatchReturnUploadApi(APIView):
    """Upload the bank's return for an exported batch: 201 with every row's outcome; nothing is
    recorded until POST /bank-returns/{id}/confirm/."""

    permission_classes = [permissions.IsAuthenticated, FinanceDesk]
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(request=BankReturnUploadSerializer, responses={201: BankReturnSerializer})
    def post(self, request: Request, pk: int) -> Response:
        batch = _batch_for(request, pk)
        payload = BankReturnUploadSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        upload = payload.validated_data["file"]
        pending = services.bank_return_upload(
            actor=_user(request),
            batch_id=batch.pk,
            file_name=upload.name or "",
            content=upload.read(services.MAX_UPLOAD_BYTES + 1),
        )
        outcomes = services.bank_return_preview(actor=_user(request), import_id=pending.pk)
        return Response(
            BankReturnSerializer(pending, context={"outcomes": outcomes}).data,
            status=status.HTTP_201_CREATED,
            headers={
                "Location": request.build_absolute_uri(
                    reverse("api-bank-return", args=[pending.pk])
                )
            },
        )


def _preview(request: Request, pending: BankReturnImport) -> list[services.RowOutcome]:
    if pending.state != "preview":
        return []
    return services.bank_return_preview(actor=_user(request), import_id=pending.pk)


class BankReturnDetailApi(APIView):
    """A return: while it waits, every row as it would be recorded now."""

    permission_classes = [permissions.IsAuthenticated, FinanceDesk]

    @extend_schema(responses=BankReturnSerializer)
    def get(self, request: Request, pk: int) -> Response:
        pending = _import_for(request, pk)
        return Response(
            BankReturnSerializer(pending, context={"outcomes": _preview(request, pending)}).data
        )


class BankReturnConfirmApi(APIView):
    """Record the whole return, or nothing (400 `import_refused`) if a row is refused now: the
    preview (GET /bank-returns/{id}/) names each row's reason."""

    permission_classes = [permissions.IsAuthenticated, FinanceDesk]

    @extend_schema(request=None, responses=ImportResultSerializer)
    def post(self, request: Request, pk: int) -> Response:
        pending = _import_for(request, pk)
        result = services.bank_return_commit(actor=_user(request), import_id=pending.pk)
        return Response(ImportResultSerializer(result).data)


class BankReturnDiscardApi(APIView):
    permission_classes = [permissions.IsAuthenticated, FinanceDesk]

    @extend_schema(request=None, responses=BankReturnSerializer)
    def post(self, request: Request, pk: int) -> Response:
        pending = _import_for(request, pk)
        services.bank_return_discard(actor=_user(request), import_id=pending.pk)
        pending.refresh_from_db()
        return Response(BankReturnSerializer(pending).data)
