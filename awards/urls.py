from django.urls import include, path

from awards import views
from awards.announcements import urls as announcement_urls
from awards.payments import urls as payment_urls
from awards.payouts import views as payout_views

app_name = "awards"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("bulk/", views.queue_bulk, name="queue_bulk"),
    path("cases/<int:pk>/", views.case_detail, name="case_detail"),
    path("cases/<int:pk>/decide/", views.case_decide_view, name="case_decide"),
    path("cases/<int:pk>/override/", views.award_override_view, name="award_override"),
    path("cases/<int:pk>/exempt/", views.award_exempt_view, name="award_exempt"),
    path("cases/<int:pk>/reprice/", views.award_reprice_view, name="award_reprice"),
    path("", include(announcement_urls)),
    path("finance/", payout_views.finance, name="finance"),
    path("finance/schedule/", payout_views.finance_schedule, name="finance_schedule"),
    path("finance/runs/<int:pk>/", payout_views.payout_run_detail, name="payout_run"),
    path("finance/runs/<int:pk>/panel/", payout_views.payout_run_panel, name="payout_run_panel"),
    path("finance/batches/", include(payment_urls)),
    path("reports/", include("awards.reports.urls")),
    path("dashboards/", include("awards.dashboards.urls")),
    path("notifications/", views.notifications, name="notifications"),
    path("notifications/<int:pk>/", views.notification_open, name="notification_open"),
]
