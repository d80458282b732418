"""Output shapes of the applicants API (read-only: the enterprise writes through its pages)."""

from django.urls import reverse
from rest_framework import serializers

from applicants import policy, programmes
from applicants.models import Application, EvidenceFile


class EvidenceFileSerializer(serializers.ModelSerializer):
    kind_label = serializers.SerializerMethodField()
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = EvidenceFile
        fields = [
            "id",
            "kind",
            "kind_label",
            "version",
            "original_name",
            "content_type",
            "size",
            "sha256",
            "uploaded_at",
            "download_url",
        ]

    def get_kind_label(self, evidence: EvidenceFile) -> str:
        return policy.evidence_label(evidence.application.item, evidence.kind)

    def get_download_url(self, evidence: EvidenceFile) -> str:
        return reverse("applicants-api-evidence", args=[evidence.pk])


class ApplicationListSerializer(serializers.ModelSerializer):
    reference = serializers.CharField(read_only=True)
    item_title = serializers.SerializerMethodField()
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    # None until the case is submitted (a draft has no quote on record).
    expected_amount = serializers.DecimalField(
        max_digits=14, decimal_places=2, coerce_to_string=True, read_only=True, allow_null=True
    )
    # "city", or the county code of a matching programme (县区同步奖励), with its name.
    programme_name = serializers.SerializerMethodField()

    class Meta:
        model = Application
        fields = [
            "id",
            "reference",
            "programme",
            "programme_name",
            "matched_application",
            "item",
            "item_title",
            "project_name",
            "event_date",
            "jurisdiction",
            "applicant_type",
            "status",
            "status_label",
            "expected_amount",
            "revision",
            "created_at",
            "updated_at",
            "submitted_at",
        ]

    def get_item_title(self, application: Application) -> str:
        return policy.item_title(application.item)

    def get_programme_name(self, application: Application) -> str:
        return programmes.programme_name(application.programme)


class ApplicationDetailSerializer(ApplicationListSerializer):
    evidence_files = EvidenceFileSerializer(many=True, read_only=True)

    class Meta(ApplicationListSerializer.Meta):
        fields = [
            *ApplicationListSerializer.Meta.fields,
            "description",
            "facts",
            "declaration_accepted",
            "quote_rules_version",
            "quote_trace",
            "evidence_files",
        ]
