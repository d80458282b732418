"""The dashboards pages under /review/dashboards/."""

from django.urls import path

from awards.dashboards import views

urlpatterns = [
    path("", views.dashboards, name="dashboards"),
]
