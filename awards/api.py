"""The review API: the queue, a case, and taking an action on it. Thin: input serializer, one
service, output serializer; a ServiceError becomes 400/403/409 with its message."""

from decimal import Decimal
from typing import Any, cast

from django.db.models import QuerySet
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from applicants import policy, programmes
from applicants.errors import NotAllowed
from applicants.models import Application, User
from applicants.roles import OFFICIAL_ROLES, Role
from applicants.serializer_fields import CleanCharField
from applicants.workflow import BY_ACTION, TRANSITIONS
from awards import selectors
from awards.cases import selectors as case_selectors
from awards.filters import ReviewQueueFilter
from awards.models import Award
from awards.queue.api_rows import api_rows_of, case_list_items
from awards.services.decisions import (
    award_override,
    award_quota_exempt,
    case_decide,
    cases_bulk_decide,
)
from awards.services.dependents import award_reprice_decide
from portal.pagination import LargeListPagination


class IsOfficial(permissions.BasePermission):
    """Reviewers, finance and administrators; enterprise users are refused (403)."""

    def has_permission(self, request: Request, view: APIView) -> bool:
        user = request.user
        return bool(
            user and user.is_authenticated and getattr(user, "role", None) in OFFICIAL_ROLES
        )


class CaseListSerializer(serializers.ModelSerializer):
    reference = serializers.CharField(read_only=True)
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    credit_code = serializers.CharField(source="enterprise.credit_code", read_only=True)
    item_title = serializers.SerializerMethodField()
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    # The approved amount once there is one, else the expected amount (none before submission).
    amount = serializers.DecimalField(
        max_digits=14, decimal_places=2, read_only=True, allow_null=True
    )
    # Beside the approved amount: what the rules computed, and whether the city adjusted it.
    computed_amount = serializers.DecimalField(
        max_digits=14, decimal_places=2, read_only=True, allow_null=True
    )
    overridden = serializers.BooleanField(read_only=True)
    programme_name = serializers.SerializerMethodField()

    class Meta:
        model = Application
        fields = [
            "id",
            "reference",
            "programme",
            "programme_name",
            "matched_application",
            "enterprise_name",
            "credit_code",
            "item",
            "item_title",
            "project_name",
            "jurisdiction",
            "status",
            "status_label",
            "submitted_at",
            "amount",
            "computed_amount",
            "overridden",
            "possible_duplicate_of",
        ]
        read_only_fields = fields

    def get_item_title(self, case: Application) -> str:
        return policy.item_title(case.item)

    def get_programme_name(self, case: Application) -> str:
        return programmes.programme_name(case.programme)


def _money(value: Decimal | None) -> str | None:
    return f"{value:.2f}" if value is not None else None


def _nullable_money() -> serializers.DecimalField:
    # A new instance each time: a DRF field is bound to one name of one serializer.
    return serializers.DecimalField(
        max_digits=14, decimal_places=2, read_only=True, allow_null=True
    )


class CaseActionSerializer(serializers.Serializer):
    action = serializers.CharField()
    # Named as in the body; DRF takes declared fields out of the class.
    label = serializers.CharField()  # type: ignore[assignment]
    needs_reason = serializers.BooleanField()


class CaseAmountSerializer(serializers.Serializer):
    """The case page's amount card: a live quote before the case is granted, the award after.

    `overridden` and `override_reason` are the award's only when the card shows it (not live):
    a live quote is the rules' own amount.
    """

    live = serializers.BooleanField()
    amount = _nullable_money()
    computed_amount = _nullable_money()
    overridden = serializers.BooleanField()
    override_reason = serializers.CharField()
    eligible = serializers.BooleanField()
    rules_version = serializers.CharField()
    trace = serializers.ListField(child=serializers.DictField(child=serializers.CharField()))
    reasons = serializers.ListField(child=serializers.CharField())
    # Named as in the body; DRF takes declared fields out of the class, so `errors` stays usable.
    errors = serializers.DictField(  # type: ignore[assignment]
        child=serializers.ListField(child=serializers.CharField())
    )
    quota_exempt = serializers.BooleanField()
    exempt_reason = serializers.CharField()
    announcement_starts_on = serializers.DateField(allow_null=True)
    announcement_ends_on = serializers.DateField(allow_null=True)
    pay_year = serializers.IntegerField(allow_null=True)
    paid_at = serializers.DateField(allow_null=True)


class CaseDetailSerializer(CaseListSerializer):
    """One case. `amount`, `computed_amount`, `overridden` and `override_reason` are the decision
    on record, read as the queue reads them: the award's once approved, else the expected amount
    (computed = expected, not overridden)."""

    # Read from the case's award here: the detail is not the annotated queue queryset.
    amount = serializers.SerializerMethodField()  # type: ignore[assignment]
    computed_amount = serializers.SerializerMethodField()  # type: ignore[assignment]
    overridden = serializers.SerializerMethodField()  # type: ignore[assignment]
    override_reason = serializers.SerializerMethodField()
    facts = serializers.JSONField(read_only=True)
    event_date = serializers.DateField(read_only=True)
    award = serializers.SerializerMethodField()
    evidence = serializers.SerializerMethodField()
    history = serializers.SerializerMethodField()
    actions = serializers.SerializerMethodField()

    class Meta(CaseListSerializer.Meta):
        fields = [
            *CaseListSerializer.Meta.fields,
            "override_reason",
            "event_date",
            "facts",
            "award",
            "evidence",
            "history",
            "actions",
        ]
        read_only_fields = fields

    @staticmethod
    def _award(case: Application) -> Award | None:
        return getattr(case, "award", None)

    @extend_schema_field(_nullable_money())
    def get_amount(self, case: Application) -> str | None:
        award = self._award(case)
        return _money(award.amount if award else case.expected_amount)

    @extend_schema_field(_nullable_money())
    def get_computed_amount(self, case: Application) -> str | None:
        award = self._award(case)
        return _money(award.computed_amount if award else case.expected_amount)

    def get_overridden(self, case: Application) -> bool:
        award = self._award(case)
        return bool(award and award.overridden)

    def get_override_reason(self, case: Application) -> str:
        award = self._award(case)
        return award.override_reason if award and award.overridden else ""

    @extend_schema_field(CaseAmountSerializer)
    def get_award(self, case: Application) -> dict[str, Any]:
        amount = self.context["detail"].amount
        award = amount.award
        shown = award if award is not None and not amount.live else None
        return {
            "live": amount.live,
            "amount": _money(amount.amount),
            "eligible": amount.eligible,
            "rules_version": amount.rules_version,
            "trace": amount.trace,
            "reasons": amount.reasons,
            "errors": amount.errors,
            "computed_amount": _money(amount.computed_amount),
            "overridden": bool(shown and shown.overridden),
            "override_reason": shown.override_reason if shown else "",
            "quota_exempt": award.quota_exempt if award else False,
            "exempt_reason": award.exempt_reason if award else "",
            "announcement_starts_on": award.announcement_starts_on if award else None,
            "announcement_ends_on": award.announcement_ends_on if award else None,
            "pay_year": award.pay_year if award else None,
            "paid_at": award.paid_at if award else None,
        }

    def get_evidence(self, case: Application) -> list[dict[str, Any]]:
        return [
            {
                "id": row.file.pk,
                "kind": row.file.kind,
                "version": row.file.version,
                "name": row.file.original_name,
                "size": row.file.size,
                "sha256": row.file.sha256,
                "url": row.url,
            }
            for row in self.context["detail"].evidence
        ]

    def get_history(self, case: Application) -> list[dict[str, Any]]:
        return [
            {
                "id": row.event.pk,
                "at": row.event.created_at,
                "action": row.event.action,
                "label": row.label,
                # The sentence the case page shows (办理记录), in the request's language.
                "text": row.sentence,
                "actor_text": str(row.actor),
                "actor": str(row.event.actor) if row.event.actor else None,
                "actor_role": row.event.actor_role,
                "from_status": row.event.from_status,
                "to_status": row.event.to_status,
                "reason": row.event.reason,
                "data": row.event.data,
            }
            for row in self.context["detail"].history
        ]

    @extend_schema_field(CaseActionSerializer(many=True))
    def get_actions(self, case: Application) -> list[dict[str, Any]]:
        return [
            {"action": t.action, "label": str(t.label), "needs_reason": t.needs_reason}
            for t in self.context["detail"].actions
        ]


class TransitionInputSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=sorted(BY_ACTION))
    reason = CleanCharField(
        multiline=True, required=False, allow_blank=True, max_length=2000, default=""
    )
    amount = serializers.DecimalField(
        max_digits=14, decimal_places=2, min_value=0, required=False, allow_null=True, default=None
    )
    override_reason = CleanCharField(
        multiline=True, required=False, allow_blank=True, max_length=2000, default=""
    )
    # Left out: an award approved again keeps the exemption it had (none for a first approval).
    quota_exempt = serializers.BooleanField(required=False, allow_null=True, default=None)
    exempt_reason = CleanCharField(
        multiline=True, required=False, allow_blank=True, max_length=2000, default=""
    )
    payment_reference = CleanCharField(required=False, allow_blank=True, max_length=100, default="")
    paid_at = serializers.DateField(required=False, allow_null=True, default=None)


class TransitionOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    reference = serializers.CharField()
    status = serializers.CharField()
    status_label = serializers.CharField(source="get_status_display")


# One request decides at most this many cases (the queue's page shows 50 at a time).
MAX_BULK_CASES = 500


class BulkTransitionInputSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=sorted(t.action for t in TRANSITIONS if t.bulk))
    ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1),
        min_length=1,
        max_length=MAX_BULK_CASES,
    )


class BulkOutcomeSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="application_id")
    reference = serializers.CharField()
    ok = serializers.BooleanField()
    # Why a case was not decided ("" when it was).
    message = serializers.CharField()


class BulkTransitionOutputSerializer(serializers.Serializer):
    results = BulkOutcomeSerializer(many=True)


class OverrideInputSerializer(serializers.Serializer):
    amount = serializers.DecimalField(max_digits=14, decimal_places=2, min_value=0)
    override_reason = CleanCharField(multiline=True, max_length=2000)


class ExemptionInputSerializer(serializers.Serializer):
    quota_exempt = serializers.BooleanField(help_text="true exempts, false revokes.")
    exempt_reason = CleanCharField(multiline=True, max_length=2000)


class RepriceInputSerializer(serializers.Serializer):
    accept = serializers.BooleanField(help_text="true takes the new price; false keeps the amount.")
    reason = CleanCharField(multiline=True, required=False, allow_blank=True, max_length=2000)


class AwardOutputSerializer(serializers.ModelSerializer):
    """The award as decided now."""

    case_id = serializers.IntegerField(source="application_id")
    reference = serializers.CharField(source="application.reference")
    status = serializers.CharField(source="application.status")
    amount = serializers.DecimalField(max_digits=14, decimal_places=2)
    computed_amount = serializers.DecimalField(max_digits=14, decimal_places=2)
    reprice_to = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)

    class Meta:
        model = Award
        fields = [
            "case_id",
            "reference",
            "status",
            "amount",
            "computed_amount",
            "overridden",
            "override_reason",
            "quota_exempt",
            "exempt_reason",
            "reprice_to",
            "pay_year",
        ]
        read_only_fields = fields


class CaseViewSet(viewsets.ReadOnlyModelViewSet):
    """The review queue (same filters as the pages) and one case; only cases the official sees."""

    permission_classes = [permissions.IsAuthenticated, IsOfficial]
    filter_backends = [DjangoFilterBackend]
    filterset_class = ReviewQueueFilter
    pagination_class = LargeListPagination
    lookup_value_regex = r"\d+"

    def get_queryset(self) -> QuerySet[Application]:
        return selectors.review_queue(user=cast(User, self.request.user))

    def get_serializer_class(self) -> type[serializers.Serializer]:
        return CaseDetailSerializer if self.action == "retrieve" else CaseListSerializer

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """A page of the queue as `CaseListSerializer` describes it, built from named tuples
        (`awards.queue.api_rows`): the same answer without a model per case."""
        cases = self.filter_queryset(self.get_queryset())
        paginator = cast(LargeListPagination, self.paginator)
        rows = paginator.paginate_rows(api_rows_of(cases), cases, request, view=self)
        return paginator.get_paginated_response(case_list_items(rows))

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        detail = case_selectors.case_detail_for(
            user=cast(User, request.user), application_id=kwargs["pk"]
        )
        serializer = CaseDetailSerializer(
            detail.application, context={"request": request, "detail": detail}
        )
        return Response(serializer.data)

    @extend_schema(request=TransitionInputSerializer, responses=TransitionOutputSerializer)
    @action(detail=True, methods=["post"], url_path="transitions")
    def transitions(self, request: Request, pk: str | None = None) -> Response:
        """Take one action: 200 with the new status, 400 field errors, 403 role, 404 not
        visible, 409 when the case was decided meanwhile."""
        case = self.get_object()  # 404 unless visible to this official
        payload = TransitionInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        # A ServiceError answers 400/403/409 in the one error body (portal.api_errors).
        case = case_decide(
            application_id=case.pk,
            actor=cast(User, request.user),
            **payload.validated_data,  # type: ignore[arg-type]
        )
        return Response(TransitionOutputSerializer(case).data, status=status.HTTP_200_OK)

    @extend_schema(request=BulkTransitionInputSerializer, responses=BulkTransitionOutputSerializer)
    @action(detail=False, methods=["post"], url_path="bulk-transitions")
    def bulk_transitions(self, request: Request) -> Response:
        """One bulk action (推荐, 复审通过…) on many cases, each on its own, as the queue's bulk
        form: 200 with every case's outcome; a case not visible or decided meanwhile is one
        outcome with its reason, never a failure of the others."""
        payload = BulkTransitionInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        outcomes = cases_bulk_decide(
            application_ids=payload.validated_data["ids"],
            action=payload.validated_data["action"],
            actor=cast(User, request.user),
        )
        return Response(BulkTransitionOutputSerializer({"results": outcomes}).data)

    def _city_case(self) -> Application:
        """The case, if visible (404), for the city's reviewer alone (403, before the input)."""
        case = self.get_object()
        if cast(User, self.request.user).role != Role.CITY_REVIEWER:
            raise NotAllowed()
        return case

    def _award_answer(self, award: Award) -> Response:
        award = Award.objects.select_related("application").get(pk=award.pk)
        return Response(AwardOutputSerializer(award).data)

    @extend_schema(request=OverrideInputSerializer, responses=AwardOutputSerializer)
    @action(detail=True, methods=["post"], url_path="override")
    def override(self, request: Request, pk: str | None = None) -> Response:
        """The city sets another approved amount before announcement, with its reason: never
        above what the policy allows the case (400), only while approved (409)."""
        case = self._city_case()
        payload = OverrideInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        award = award_override(
            application_id=case.pk,
            actor=cast(User, request.user),
            amount=payload.validated_data["amount"],
            reason=payload.validated_data["override_reason"],
        )
        return self._award_answer(award)

    @extend_schema(request=ExemptionInputSerializer, responses=AwardOutputSerializer)
    @action(detail=True, methods=["post"], url_path="quota-exemption")
    def quota_exemption(self, request: Request, pk: str | None = None) -> Response:
        """The city exempts an award from the five-per-item quota, or revokes it, with a reason;
        a confirmed or planned award's programme is planned again before payment."""
        case = self._city_case()
        payload = ExemptionInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        award = award_quota_exempt(
            application_id=case.pk,
            actor=cast(User, request.user),
            exempt=payload.validated_data["quota_exempt"],
            reason=payload.validated_data["exempt_reason"],
        )
        return self._award_answer(award)

    @extend_schema(request=RepriceInputSerializer, responses=AwardOutputSerializer)
    @action(detail=True, methods=["post"], url_path="reprice")
    def reprice(self, request: Request, pk: str | None = None) -> Response:
        """The city takes, or declines with a reason, the new price the rules flagged for a
        top-up award (409 when nothing is flagged)."""
        case = self._city_case()
        payload = RepriceInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        award = award_reprice_decide(
            application_id=case.pk,
            actor=cast(User, request.user),
            accept=payload.validated_data["accept"],
            reason=payload.validated_data.get("reason", ""),
        )
        return self._award_answer(award)
