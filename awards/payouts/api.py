"""The finance desk over the API: the programmes one's finance sees, their budgets per year, and
the payout planning runs (兑付年度安排), on the same services and rules as the desk's page.

A programme the caller's desk does not show answers 404 (as a foreign object); one it shows
read-only (city finance reading a county's, an administrator) answers 403 on a write.
"""

from typing import Any, cast

from django.http import Http404
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, permissions, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from applicants.errors import NotAllowed
from applicants.models import User
from awards.forms import MAX_AMOUNT
from awards.payouts import selectors
from awards.payouts.models import PayoutRun
from awards.payouts.selectors import FinanceProgramme
from awards.payouts.services import payout_run_request
from awards.services.payouts import MAX_BUDGET_YEAR, MIN_BUDGET_YEAR, budget_set

PROGRAMME_PARAMETER = OpenApiParameter(
    "programme",
    OpenApiTypes.STR,
    OpenApiParameter.PATH,
    description='"city", or the county code of a matching programme (县区同步奖励).',
)


def _user(request: Request) -> User:
    return cast(User, request.user)


class FinanceDesk(permissions.BasePermission):
    """Finance officials and administrators: those whose desk shows at least one programme."""

    def has_permission(self, request: Request, view: APIView) -> bool:
        user = request.user
        return bool(
            user and user.is_authenticated and selectors.finance_programmes_for(cast(User, user))
        )


def programme_for(user: User, code: str, *, write: bool = False) -> FinanceProgramme:
    """The programme if the user's desk shows it (404 otherwise); 403 for a write it may not."""
    for programme in selectors.finance_programmes_for(user):
        if programme.code == code:
            if write and not programme.can_write:
                raise NotAllowed()
            return programme
    raise Http404


# --- programmes and budgets -------------------------------------------------------------------


def _money() -> serializers.DecimalField:
    return serializers.DecimalField(max_digits=14, decimal_places=2, read_only=True)


def _nullable_money() -> serializers.DecimalField:
    return serializers.DecimalField(
        max_digits=14, decimal_places=2, read_only=True, allow_null=True
    )


class BudgetYearSerializer(serializers.Serializer):
    """One budget year: the budget (none when not set), what is planned and paid from it."""

    year = serializers.IntegerField()
    budget = _nullable_money()
    scheduled = _money()
    paid = _money()
    remaining = _nullable_money()
    count = serializers.IntegerField(help_text="Awards planned or paid from this year.")


class ProgrammeSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    funding_body = serializers.CharField()
    can_write = serializers.BooleanField(help_text="Whether the caller's finance manages it.")
    plan_stale = serializers.BooleanField(
        help_text="A budget or an exemption changed since the last plan: payments wait for a run."
    )
    plan_stale_reason = serializers.CharField()
    planned_at = serializers.DateTimeField(allow_null=True)
    unplanned_count = serializers.IntegerField(
        help_text="Confirmed awards the plan has not placed yet."
    )
    years = BudgetYearSerializer(many=True)


def _programme_data(programme: FinanceProgramme) -> dict[str, Any]:
    state = selectors.plan_state(programme.code)
    return {
        "code": programme.code,
        "name": programme.name,
        "funding_body": programme.funding_body,
        "can_write": programme.can_write,
        "plan_stale": state.stale,
        "plan_stale_reason": state.stale_reason,
        "planned_at": state.planned_at,
        "unplanned_count": selectors.confirmed_without_year_count(programme.code),
        "years": selectors.payout_overview(programme.code),
    }


class ProgrammeListApi(APIView):
    """The programmes on the caller's finance desk, each with its budget years (a handful)."""

    permission_classes = [permissions.IsAuthenticated, FinanceDesk]

    @extend_schema(responses=ProgrammeSerializer(many=True))
    def get(self, request: Request) -> Response:
        programmes = selectors.finance_programmes_for(_user(request))
        return Response(
            ProgrammeSerializer([_programme_data(p) for p in programmes], many=True).data
        )


class ProgrammeDetailApi(APIView):
    permission_classes = [permissions.IsAuthenticated, FinanceDesk]

    @extend_schema(parameters=[PROGRAMME_PARAMETER], responses=ProgrammeSerializer)
    def get(self, request: Request, programme: str) -> Response:
        return Response(
            ProgrammeSerializer(_programme_data(programme_for(_user(request), programme))).data
        )


class BudgetInputSerializer(serializers.Serializer):
    amount = serializers.DecimalField(
        max_digits=14,
        decimal_places=2,
        min_value=0,
        max_value=MAX_AMOUNT,
        help_text='Yuan, 2 places (a string such as "500000.00").',
    )


def _year(year: int) -> int:
    if not MIN_BUDGET_YEAR <= year <= MAX_BUDGET_YEAR:
        raise Http404
    return year


class BudgetApi(APIView):
    """PUT one programme's budget of one year (its finance): idempotent, audited, and the plan
    is run again before anything is paid from it."""

    permission_classes = [permissions.IsAuthenticated, FinanceDesk]

    @extend_schema(
        parameters=[
            PROGRAMME_PARAMETER,
            OpenApiParameter("year", OpenApiTypes.INT, OpenApiParameter.PATH),
        ],
        request=BudgetInputSerializer,
        responses=BudgetYearSerializer,
    )
    def put(self, request: Request, programme: str, year: int) -> Response:
        code = programme_for(_user(request), programme, write=True).code
        budget_year = _year(year)
        payload = BudgetInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        budget_set(
            actor=_user(request),
            programme=code,
            year=budget_year,
            amount=payload.validated_data["amount"],
        )
        row = next(r for r in selectors.payout_overview(code) if r.year == budget_year)
        return Response(BudgetYearSerializer(row).data)


# --- planning runs ----------------------------------------------------------------------------


class PayoutRunSerializer(serializers.ModelSerializer):
    state_label = serializers.CharField(source="get_state_display")
    stage_label = serializers.CharField(source="get_stage_display")
    trigger_label = serializers.CharField(source="get_trigger_display")
    requested_by = serializers.SerializerMethodField()
    percent = serializers.IntegerField()
    is_active = serializers.BooleanField()

    class Meta:
        model = PayoutRun
        fields = [
            "id",
            "programme",
            "state",
            "state_label",
            "stage",
            "stage_label",
            "trigger",
            "trigger_label",
            "requested_by",
            "requested_at",
            "started_at",
            "finished_at",
            "progress_done",
            "progress_total",
            "percent",
            "is_active",
            "changes",
            "error",
        ]
        read_only_fields = fields

    def get_requested_by(self, run: PayoutRun) -> str | None:
        return str(run.requested_by) if run.requested_by else None


class PayoutRunDetailSerializer(PayoutRunSerializer):
    """With the result: per year its budget, planned, paid and remaining, and the queue."""

    class Meta(PayoutRunSerializer.Meta):
        fields = [*PayoutRunSerializer.Meta.fields, "result"]
        read_only_fields = fields


class ProgrammeRunsApi(generics.ListAPIView):
    """GET a programme's planning runs, newest first; POST asks for a run (202), which a worker
    plans while GET /payout-runs/{id}/ follows it. Refused (409) while one is queued or running."""

    permission_classes = [permissions.IsAuthenticated, FinanceDesk]
    serializer_class = PayoutRunSerializer
    queryset = PayoutRun.objects.none()  # for the schema; get_queryset reads the programme

    def get_queryset(self):  # type: ignore[no-untyped-def]
        code = programme_for(_user(self.request), self.kwargs["programme"]).code
        return (
            PayoutRun.objects.filter(programme=code)
            .select_related("requested_by")
            .defer("result")
            .order_by("-requested_at", "-id")
        )

    @extend_schema(parameters=[PROGRAMME_PARAMETER])
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    @extend_schema(
        parameters=[PROGRAMME_PARAMETER], request=None, responses={202: PayoutRunSerializer}
    )
    def post(self, request: Request, programme: str) -> Response:
        code = programme_for(_user(request), programme, write=True).code
        run = payout_run_request(actor=_user(request), programme=code)
        location = request.build_absolute_uri(reverse("api-payout-run", args=[run.pk]))
        return Response(
            PayoutRunSerializer(run).data,
            status=status.HTTP_202_ACCEPTED,
            headers={"Location": location},
        )


class PayoutRunDetailApi(generics.RetrieveAPIView):
    """One run with its result: 404 unless its programme is on the caller's desk."""

    permission_classes = [permissions.IsAuthenticated, FinanceDesk]
    serializer_class = PayoutRunDetailSerializer
    queryset = PayoutRun.objects.none()

    def get_object(self) -> PayoutRun:
        run = selectors.run_visible_to(user=_user(self.request), pk=int(self.kwargs["pk"]))
        if run is None:
            raise Http404
        return run
