"""Payout reports over the API: the grouped summary with its totals, and exports as jobs.

The filter is the report page's (awards.reports.filters): what an official may choose, over the
cases they may see; a bad value is a 400 on its field, never dropped. An export is always a job
here (a machine polls; the page downloads small ones at once): POST answers 202 with the job,
GET follows it, and its file is its requester's (or an administrator's) alone.
"""

from typing import Any, cast

from django.http import FileResponse, Http404, QueryDict
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, permissions, serializers, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from applicants.models import User
from awards.api import IsOfficial
from awards.reports import errors as E
from awards.reports import selectors, services
from awards.reports.downloads import export_file_response
from awards.reports.exports import CONTENT_TYPES
from awards.reports.filters import FILTER_KEYS, PayoutReportFilter
from awards.reports.models import ExportFormat, ExportState, PayoutExport
from awards.reports.selectors import GroupBy, ReportStatus


def _user(request: Request) -> User:
    return cast(User, request.user)


FILTER_PARAMETERS = [
    OpenApiParameter("year", OpenApiTypes.INT, description="Pay year (兑付年度)."),
    OpenApiParameter("programme", OpenApiTypes.STR, description='"city" or a county code.'),
    OpenApiParameter("item", OpenApiTypes.STR, description="A reward item code."),
    OpenApiParameter("jurisdiction", OpenApiTypes.STR, description="A county code you may see."),
    OpenApiParameter("status", OpenApiTypes.STR, enum=ReportStatus.values),
    OpenApiParameter("q", OpenApiTypes.STR, description="Enterprise name or credit code."),
    OpenApiParameter("group", OpenApiTypes.STR, enum=GroupBy.values, description="Grouping."),
]


def _filters(data: QueryDict | dict[str, Any]) -> dict[str, Any]:
    return {key: data[key] for key in FILTER_KEYS if data.get(key) not in (None, "")}


def _valid_filter(user: User, data: QueryDict | dict[str, Any]) -> PayoutReportFilter:
    """The report's filter over the user's cases; every bad value is a 400 on its field."""
    filterset = PayoutReportFilter(_filters(data), selectors.report_cases(user), user=user)
    if not filterset.is_valid():
        raise serializers.ValidationError(
            {name: [str(m) for m in messages] for name, messages in filterset.form.errors.items()}
        )
    return filterset


def _money() -> serializers.DecimalField:
    return serializers.DecimalField(max_digits=14, decimal_places=2, read_only=True)


class SumsSerializer(serializers.Serializer):
    planned_count = serializers.IntegerField()
    planned_amount = _money()
    paid_count = serializers.IntegerField()
    paid_amount = _money()
    queued_count = serializers.IntegerField()
    queued_amount = _money()
    count = serializers.IntegerField()
    amount = _money()


class GroupSerializer(serializers.Serializer):
    key = serializers.CharField()
    # Named as in the body; DRF takes declared fields out of the class.
    label = serializers.CharField(  # type: ignore[assignment]
        help_text="What people call the group: a name, never a code."
    )
    sums = SumsSerializer()


class ReportPageSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    group = serializers.ChoiceField(choices=GroupBy.choices)
    totals = SumsSerializer()
    results = GroupSerializer(many=True)


class PayoutReportApi(APIView):
    """Awards planned, paid and queued, grouped (a page of groups) with the filter's totals."""

    permission_classes = [permissions.IsAuthenticated, IsOfficial]

    @extend_schema(
        parameters=[*FILTER_PARAMETERS, OpenApiParameter("page", OpenApiTypes.INT)],
        responses=ReportPageSerializer,
    )
    def get(self, request: Request) -> Response:
        filterset = _valid_filter(_user(request), request.query_params)
        summary = selectors.report_summary(filterset.qs, group_by=filterset.group_by)
        paginator = PageNumberPagination()
        groups = paginator.paginate_queryset(summary, request, view=self)  # type: ignore[arg-type]
        assert paginator.page is not None
        return Response(
            ReportPageSerializer(
                {
                    "count": paginator.page.paginator.count,
                    "next": paginator.get_next_link(),
                    "previous": paginator.get_previous_link(),
                    "group": filterset.group_by,
                    "totals": selectors.report_totals(filterset.qs),
                    "results": groups,
                }
            ).data
        )


class ExportSerializer(serializers.ModelSerializer):
    state_label = serializers.CharField(source="get_state_display")
    description = serializers.SerializerMethodField()
    file_url = serializers.SerializerMethodField()

    class Meta:
        model = PayoutExport
        fields = [
            "id",
            "format",
            "filters",
            "description",
            "state",
            "state_label",
            "rows",
            "rows_done",
            "requested_at",
            "finished_at",
            "error",
            "file_url",
        ]
        read_only_fields = fields

    def get_description(self, export: PayoutExport) -> str:
        return selectors.filters_description(export.filters)

    def get_file_url(self, export: PayoutExport) -> str | None:
        """Where the file is once written (none before)."""
        if export.state != ExportState.DONE:
            return None
        return reverse("api-report-export-file", args=[export.pk])


class ExportInputSerializer(serializers.Serializer):
    format = serializers.ChoiceField(choices=ExportFormat.choices)
    filters = serializers.DictField(
        child=serializers.CharField(allow_blank=True, max_length=100),
        required=False,
        default=dict,
        help_text="The report's filter: " + ", ".join(FILTER_KEYS) + ".",
    )

    def validate_filters(self, value: dict[str, str]) -> dict[str, str]:
        unknown = sorted(set(value) - set(FILTER_KEYS))
        if unknown:
            raise serializers.ValidationError(
                [str(E.UNKNOWN_CHOICE % {"value": key}) for key in unknown], code="unknown"
            )
        return value


class ExportListApi(generics.ListAPIView):
    """GET the caller's export jobs, newest first; POST asks for one (202, written by a worker)."""

    permission_classes = [permissions.IsAuthenticated, IsOfficial]
    serializer_class = ExportSerializer
    queryset = PayoutExport.objects.none()

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return PayoutExport.objects.filter(requested_by=_user(self.request)).order_by(
            "-requested_at", "-id"
        )

    @extend_schema(request=ExportInputSerializer, responses={202: ExportSerializer})
    def post(self, request: Request) -> Response:
        payload = ExportInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        filterset = _valid_filter(_user(request), payload.validated_data["filters"])
        export = services.payout_export_request(
            actor=_user(request),
            filters=filterset.stored(),
            file_format=payload.validated_data["format"],
            rows=filterset.qs.count(),
        )
        return Response(
            ExportSerializer(export).data,
            status=status.HTTP_202_ACCEPTED,
            headers={
                "Location": request.build_absolute_uri(
                    reverse("api-report-export", args=[export.pk])
                )
            },
        )


def _export_for(request: Request, pk: int) -> PayoutExport:
    export = selectors.export_for_download(_user(request), pk)
    if export is None:
        raise Http404
    return export


class ExportDetailApi(APIView):
    permission_classes = [permissions.IsAuthenticated, IsOfficial]

    @extend_schema(responses=ExportSerializer)
    def get(self, request: Request, pk: int) -> Response:
        return Response(ExportSerializer(_export_for(request, pk)).data)


class ExportFileApi(APIView):
    """The finished export's file (404 until it is written)."""

    permission_classes = [permissions.IsAuthenticated, IsOfficial]

    @extend_schema(
        responses={
            (200, CONTENT_TYPES["xlsx"]): OpenApiResponse(OpenApiTypes.BINARY, description="XLSX"),
            (200, CONTENT_TYPES["csv"]): OpenApiResponse(OpenApiTypes.STR, description="CSV"),
        }
    )
    def get(self, request: Request, pk: int) -> FileResponse:
        return export_file_response(actor=_user(request), export=_export_for(request, pk))
