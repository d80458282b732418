"""Documents over the API: the approval sheets (审批表), receipts (申报回执) and batch lists
(兑现资金汇总表) the caller may read, each with its public verification code, and its PDF.

Who reads what is `documents_visible_to`, the rule the download page uses too.
"""

from typing import Any, cast

import django_filters
from django.http import FileResponse, Http404
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, serializers
from rest_framework.request import Request
from rest_framework.views import APIView

from applicants.models import User
from awards.documents.downloads import document_response
from awards.documents.models import Document, DocumentKind
from awards.documents.selectors import documents_visible_to


class DocumentFilter(django_filters.FilterSet):
    application = django_filters.NumberFilter(help_text="The case's id.")
    kind = django_filters.ChoiceFilter(choices=DocumentKind.choices)
    current = django_filters.BooleanFilter(
        method="filter_current",
        help_text="Only versions not superseded nor voided (true), or only those (false).",
    )

    class Meta:
        model = Document
        fields = ["application", "kind", "current"]

    def filter_current(self, queryset: Any, name: str, value: bool) -> Any:
        current = {"superseded_by__isnull": True, "voided_at__isnull": True}
        return queryset.filter(**current) if value else queryset.exclude(**current)


class DocumentSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display")
    reference = serializers.SerializerMethodField()
    is_current = serializers.SerializerMethodField()
    superseded_by: serializers.PrimaryKeyRelatedField = serializers.PrimaryKeyRelatedField(
        read_only=True, allow_null=True
    )
    file_url = serializers.SerializerMethodField()
    verify_url = serializers.SerializerMethodField()

    class Meta:
        model = Document
        fields = [
            "id",
            "kind",
            "kind_label",
            "code",
            "application",
            "reference",
            "programme",
            "pay_year",
            "revision",
            "sha256",
            "size",
            "pages",
            "subject",
            "created_at",
            "superseded_by",
            "voided_at",
            "void_reason",
            "is_current",
            "file_url",
            "verify_url",
        ]
        read_only_fields = fields

    def get_reference(self, document: Document) -> str | None:
        """The case number a case's document belongs to (none for a batch list)."""
        return document.application.reference if document.application else None

    def get_is_current(self, document: Document) -> bool:
        """Neither superseded by a new version nor voided."""
        return document.superseded_by_id is None and document.voided_at is None

    def get_file_url(self, document: Document) -> str:
        return reverse("api-document-file", args=[document.pk])

    def get_verify_url(self, document: Document) -> str:
        """The public page anyone may open to check the printed code (no login)."""
        return reverse("documents:verify", args=[document.code])


def _visible(request: Request) -> Any:
    return documents_visible_to(cast(User, request.user)).select_related("application")


class DocumentListApi(generics.ListAPIView):
    """The documents the caller may read, newest first."""

    serializer_class = DocumentSerializer
    filterset_class = DocumentFilter
    queryset = Document.objects.none()

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return _visible(self.request).order_by("-created_at", "-id")


class DocumentDetailApi(generics.RetrieveAPIView):
    serializer_class = DocumentSerializer
    queryset = Document.objects.none()

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return _visible(self.request)


class DocumentFileApi(APIView):
    """The document as the PDF it was signed as."""

    @extend_schema(
        responses={(200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY)},
    )
    def get(self, request: Request, pk: int) -> FileResponse:
        document = _visible(request).filter(pk=pk).first()
        if document is None:
            raise Http404
        return document_response(document, as_attachment=True)
