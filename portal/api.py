"""The rules over HTTP: POST /api/v1/quote/ and /api/v1/simulate-payouts/ (public, no login)."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from applicants.policy import rules_lang
from applicants.programmes import (
    programme_requested,
    quote_answer,
    simulation_scope,
    unknown_programme_error,
)
from portal.serializers import QuoteInputSerializer, SimulatePayoutsInputSerializer
from portal.throttles import ClientAnonThrottle
from rules import RulesInputError, allocate, parse_simulation_input, quote

# A public what-if is a planning aid, not a batch service: bound the work one request may ask for.
# The public simulation is bounded in work, not only in bytes: a city's payout queue is dozens to
# hundreds of awards; these bounds keep one anonymous request to a fraction of a second.
MAX_SIMULATED_AWARDS = 5_000
MAX_SIMULATED_YEARS = 50
TOO_MANY_AWARDS = _("一次模拟最多 %(max)s 项奖励。")
TOO_MANY_YEARS = _("一次模拟最多 %(max)s 个预算年度。")


def _rules_errors(invalid: RulesInputError, *, nest_under: str | None = None) -> dict:
    """RulesInputError as DRF-style field errors; fact errors nest under "facts"."""
    messages = invalid.messages(rules_lang())
    if nest_under is None:
        return messages
    top = {k: v for k, v in messages.items() if k == "item"}
    nested = {k: v for k, v in messages.items() if k != "item"}
    return {**top, **({nest_under: nested} if nested else {})}


class _PublicRulesView(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list = []
    throttle_classes = [ClientAnonThrottle]


class QuoteView(_PublicRulesView):
    @extend_schema(
        request=QuoteInputSerializer,
        responses={200: OpenApiResponse(description="quote"), 400: OpenApiResponse()},
    )
    def post(self, request: Request) -> Response:
        data = QuoteInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        programme = programme_requested(data.validated_data.get("programme"))
        errors = unknown_programme_error(programme, rules_lang())
        try:
            answer = quote(data.validated_data["item"], data.validated_data["facts"])
        except RulesInputError as invalid:
            raise serializers.ValidationError(
                {**_rules_errors(invalid, nest_under="facts"), **errors}
            ) from None
        if errors:
            raise serializers.ValidationError(errors)
        return Response(quote_answer(programme, answer, rules_lang()), status=status.HTTP_200_OK)


class SimulatePayoutsView(_PublicRulesView):
    @extend_schema(
        request=SimulatePayoutsInputSerializer,
        responses={200: OpenApiResponse(description="plan"), 400: OpenApiResponse()},
    )
    def post(self, request: Request) -> Response:
        data = SimulatePayoutsInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        if len(data.validated_data["awards"]) > MAX_SIMULATED_AWARDS:
            raise serializers.ValidationError(
                {"awards": [TOO_MANY_AWARDS % {"max": MAX_SIMULATED_AWARDS}]}
            )
        if len(data.validated_data["budgets"]) > MAX_SIMULATED_YEARS:
            raise serializers.ValidationError(
                {"budgets": [TOO_MANY_YEARS % {"max": MAX_SIMULATED_YEARS}]}
            )
        programme = programme_requested(data.validated_data.get("programme"))
        errors = unknown_programme_error(programme, rules_lang())
        if errors:
            raise serializers.ValidationError(errors)
        quota, known_items = simulation_scope(programme)
        rest = {k: v for k, v in dict(request.data).items() if k != "programme"}
        try:
            budgets, awards, strategy = parse_simulation_input(rest, known_items=known_items)
            plan = allocate(budgets, awards, strategy=strategy, quota_per_item=quota)
        except RulesInputError as invalid:
            raise serializers.ValidationError(_rules_errors(invalid)) from None
        return Response(plan.to_dict(), status=status.HTTP_200_OK)
