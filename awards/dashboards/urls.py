"""The dashboards pages under /review/dashboards/."""

from django.urls import path

urlpatterns: list = []
