from django.urls import path

from applicants import api

urlpatterns = [
    path("applications/", api.ApplicationListApi.as_view(), name="applicants-api-applications"),
    path(
        "applications/<int:pk>/",
        api.ApplicationDetailApi.as_view(),
        name="applicants-api-application",
    ),
    path("evidence/<int:pk>/", api.EvidenceDownloadApi.as_view(), name="applicants-api-evidence"),
]
