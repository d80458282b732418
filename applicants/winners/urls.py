"""免申即享 (the city's reviewers), under /review/winners/."""

from django.urls import path

from applicants.winners import views

app_name = "winners"
urlpatterns = [
    path("", views.winners_imports, name="imports"),
    path("<int:pk>/", views.winners_import_detail, name="detail"),
    path("<int:pk>/report.csv", views.winners_import_report, name="report"),
]
