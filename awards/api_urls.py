from django.urls import URLPattern, URLResolver, include, path
from rest_framework.routers import SimpleRouter

from awards.api import CaseViewSet
from awards.documents import api as documents
from awards.notifications import api as notifications
from awards.payments import api as payments
from awards.payouts import api as payouts
from awards.reports import api as reports

router = SimpleRouter()
router.register("cases", CaseViewSet, basename="case")

# Finance: a programme is "city" or a county's code (县区同步奖励).
PROGRAMME = "programmes/<str:programme>/"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", include(router.urls)),
    # The finance desk: programmes, budgets, planning runs.
    path("programmes/", payouts.ProgrammeListApi.as_view(), name="api-programmes"),
    path(PROGRAMME, payouts.ProgrammeDetailApi.as_view(), name="api-programme"),
    path(f"{PROGRAMME}budgets/<int:year>/", payouts.BudgetApi.as_view(), name="api-budget"),
    path(f"{PROGRAMME}payout-runs/", payouts.ProgrammeRunsApi.as_view(), name="api-payout-runs"),
    path("payout-runs/<int:pk>/", payouts.PayoutRunDetailApi.as_view(), name="api-payout-run"),
    # Payment batches and the bank's return.
    path(
        f"{PROGRAMME}batch-candidates/",
        payments.BatchCandidatesApi.as_view(),
        name="api-batch-candidates",
    ),
    path(f"{PROGRAMME}batches/", payments.ProgrammeBatchesApi.as_view(), name="api-batches"),
    path("batches/<int:pk>/", payments.BatchDetailApi.as_view(), name="api-batch"),
    path("batches/<int:pk>/export/", payments.BatchExportApi.as_view(), name="api-batch-export"),
    path("batches/<int:pk>/cancel/", payments.BatchCancelApi.as_view(), name="api-batch-cancel"),
    path(
        "batches/<int:pk>/bank-returns/",
        payments.BatchReturnUploadApi.as_view(),
        name="api-batch-bank-returns",
    ),
    path("bank-returns/<int:pk>/", payments.BankReturnDetailApi.as_view(), name="api-bank-return"),
    path(
        "bank-returns/<int:pk>/confirm/",
        payments.BankReturnConfirmApi.as_view(),
        name="api-bank-return-confirm",
    ),
    path(
        "bank-returns/<int:pk>/discard/",
        payments.BankReturnDiscardApi.as_view(),
        name="api-bank-return-discard",
    ),
    # Reports and their exports.
    path("reports/payouts/", reports.PayoutReportApi.as_view(), name="api-report-payouts"),
    path("report-exports/", reports.ExportListApi.as_view(), name="api-report-exports"),
    path("report-exports/<int:pk>/", reports.ExportDetailApi.as_view(), name="api-report-export"),
    path(
        "report-exports/<int:pk>/file/",
        reports.ExportFileApi.as_view(),
        name="api-report-export-file",
    ),
    # What everyone reads: documents and notifications.
    path("documents/", documents.DocumentListApi.as_view(), name="api-documents"),
    path("documents/<int:pk>/", documents.DocumentDetailApi.as_view(), name="api-document"),
    path("documents/<int:pk>/file/", documents.DocumentFileApi.as_view(), name="api-document-file"),
    path("notifications/", notifications.NotificationListApi.as_view(), name="api-notifications"),
    path(
        "notifications/read-all/",
        notifications.NotificationReadAllApi.as_view(),
        name="api-notifications-read-all",
    ),
    path(
        "notifications/<int:pk>/read/",
        notifications.NotificationReadApi.as_view(),
        name="api-notification-read",
    ),
]
