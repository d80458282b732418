from django.urls import path

from applicants import account_views, views

app_name = "applicants"
urlpatterns = [
    path("", views.application_list, name="home"),
    path("register/", account_views.register, name="register"),
    path("members/", account_views.members, name="members"),
    path("apply/<slug:item>/", views.application_new, name="new"),
    path("quote/<slug:item>/", views.quote_preview, name="quote"),
    path("applications/<int:pk>/", views.application_detail, name="detail"),
    path("applications/<int:pk>/edit/", views.application_edit, name="edit"),
    path("applications/<int:pk>/submit/", views.application_submit_confirm, name="submit"),
    path("applications/<int:pk>/withdraw/", views.application_withdraw_view, name="withdraw"),
    path("evidence/<int:pk>/", views.evidence_download, name="evidence"),
]
