"""Rule revisions (规则修订) under /review/rules/: the city's reviewers only."""

from django.urls import path

from awards.revisions import views

app_name = "revisions"
urlpatterns = [
    path("", views.candidates, name="candidates"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/status/", views.report_status, name="status"),
    path("<int:pk>/export/", views.export, name="export"),
    path("<int:pk>/compare/", views.compare, name="compare"),
    path("<int:pk>/discard/", views.discard, name="discard"),
    path("<int:pk>/adopt/", views.adopt, name="adopt"),
]
