"""Officials' second factor, under /accounts/two-factor/."""

from django.urls import path

from applicants.two_factor import views

app_name = "two_factor"
urlpatterns = [
    path("", views.security, name="security"),
    path("verify/", views.verify, name="verify"),
    path("enrol/", views.enrol, name="enrol"),
    path("reenrol/", views.reenrol, name="reenrol"),
    path("backup-codes/", views.backup_codes, name="backup_codes"),
    path("backup-codes/new/", views.backup_codes_new, name="backup_codes_regenerate"),
]
