"""The applicants API: the caller's visible applications and their evidence files (read-only).

Access is the same rule as the pages: `cases_visible_to` for lists, `case_get_for` for one case
or one file; another enterprise's case answers 404.
"""

from django.db.models import Prefetch, prefetch_related_objects
from django.http import FileResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import generics
from rest_framework.request import Request
from rest_framework.views import APIView

from applicants.downloads import evidence_response
from applicants.models import Application, EvidenceFile
from applicants.selectors import applications_for_list, case_get_for, evidence_get_for
from applicants.serializers import ApplicationDetailSerializer, ApplicationListSerializer


class ApplicationListApi(generics.ListAPIView):
    """The applications the caller may see, newest activity first."""

    serializer_class = ApplicationListSerializer

    def get_queryset(self):  # type: ignore[override]
        return applications_for_list(self.request.user)  # type: ignore[arg-type]


class ApplicationDetailApi(generics.RetrieveAPIView):
    """One application with its facts, quote trace and evidence files."""

    serializer_class = ApplicationDetailSerializer
    queryset = Application.objects.none()

    def get_object(self) -> Application:
        application = case_get_for(self.request.user, self.kwargs["pk"])  # type: ignore[arg-type]
        prefetch_related_objects(
            [application],
            Prefetch("evidence_files", queryset=EvidenceFile.objects.order_by("kind", "version")),
        )
        return application


class EvidenceDownloadApi(APIView):
    """The file itself, to whoever may see its case."""

    @extend_schema(responses={(200, "application/octet-stream"): OpenApiTypes.BINARY})
    def get(self, request: Request, pk: int) -> FileResponse:
        return evidence_response(evidence_get_for(request.user, pk))  # type: ignore[arg-type]
