"""Passwords: change (signed in) and reset by email (signed out), Django's views, our templates;
re-authentication; officials' second factor (two-factor/)."""

from django.contrib.auth import views as auth_views
from django.urls import include, path

from applicants import account_views
from applicants.reauth import reauth_confirm, reauthentication_required_unless

urlpatterns = [
    # The change a colleague's initial password forces comes right after the sign-in, and its
    # form asks that password: no second confirmation then (applicants.middleware).
    path(
        "password/change/",
        reauthentication_required_unless(
            lambda request: getattr(request.user, "must_change_password", False),
            account_views.PasswordChangeView.as_view(),
        ),
        name="password_change",
    ),
    path(
        "password/change/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("password/reset/", account_views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        account_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("confirm/", reauth_confirm, name="reauth"),
    path("two-factor/", include("applicants.two_factor.urls")),
    path("api-tokens/", include("applicants.api_tokens.urls")),
]
