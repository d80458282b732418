"""Input serializers of the public rules API (input only; answers come from rules/)."""

from rest_framework import serializers


class QuoteInputSerializer(serializers.Serializer):
    item = serializers.CharField(max_length=40)
    facts = serializers.DictField(child=serializers.JSONField(), allow_empty=True)
    # "city" (the default) or a county programme's code: whose answer (县区同步奖励).
    programme = serializers.CharField(max_length=16, required=False, allow_blank=True)


class SimulatePayoutsInputSerializer(serializers.Serializer):
    programme = serializers.CharField(max_length=16, required=False, allow_blank=True)
    budgets = serializers.DictField(child=serializers.JSONField())
    awards = serializers.ListField(child=serializers.DictField(), allow_empty=True)
    strategy = serializers.CharField(max_length=20, default="fill")
