"""Identity checks: the county's pages under /review/identity/, the enterprise's under
/enterprise/identity/ (mounted at the site's root by portal/urls.py)."""

from django.urls import path

from applicants.verification import views

app_name = "identity"
urlpatterns = [
    path("review/identity/", views.queue, name="queue"),
    path("review/identity/enterprises/<int:pk>/", views.enterprise_review, name="enterprise"),
    path("review/identity/claims/<int:pk>/", views.claim_review, name="claim"),
    path("review/identity/bank-changes/<int:pk>/", views.bank_change_review, name="bank_change"),
    path("review/identity/licences/<int:pk>/", views.licence_file, name="licence"),
    path("enterprise/identity/", views.enterprise_identity, name="mine"),
    path("enterprise/identity/bank-account/", views.bank_account_change, name="bank_account"),
]
