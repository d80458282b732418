"""The reports pages under /review/reports/."""

from django.urls import path

from awards.reports import views

urlpatterns = [
    path("", views.reports, name="reports"),
    path("export/", views.report_export, name="report_export"),
    path("exports/<int:pk>/", views.report_export_status, name="report_export_status"),
    path("exports/<int:pk>/download/", views.report_export_download, name="report_export_download"),
]
