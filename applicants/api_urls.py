from django.urls import path

from applicants import api

urlpatterns = [
    path("applications/", api.ApplicationListApi.as_view(), name="applicants-api-applications"),
    path(
        "applications/<int:pk>/",
        api.ApplicationDetailApi.as_view(),
        name="applicants-api-application",
    ),
    path(
        "applications/<int:pk>/submit/",
        api.ApplicationSubmitApi.as_view(),
        name="applicants-api-application-submit",
    ),
    path(
        "applications/<int:pk>/withdraw/",
        api.ApplicationWithdrawApi.as_view(),
        name="applicants-api-application-withdraw",
    ),
    path(
        "applications/<int:pk>/evidence/",
        api.ApplicationEvidenceApi.as_view(),
        name="applicants-api-application-evidence",
    ),
    path("evidence/<int:pk>/", api.EvidenceDownloadApi.as_view(), name="applicants-api-evidence"),
]
