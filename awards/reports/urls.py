"""The reports pages under /review/reports/."""

from django.urls import path

urlpatterns: list = []
