"""The city's objection pages, under /review/ (the awards namespace)."""

from django.urls import path

from awards.announcements import views

urlpatterns = [
    path("cases/<int:pk>/objections/", views.case_objections, name="case_objections"),
    path("objections/<int:pk>/resolve/", views.objection_resolve_view, name="objection_resolve"),
    path("objections/<int:pk>/evidence/", views.objection_evidence, name="objection_evidence"),
]
