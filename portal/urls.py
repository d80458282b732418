from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.views import SpectacularAPIView

from applicants.login_form import LockoutAuthenticationForm
from portal import views
from portal.api_docs import ApiDocsView

# The admin wears the portal's name, in the page's language, not "Django administration".
admin.site.site_header = _("信阳数据产业奖补平台")
admin.site.site_title = _("信阳数据产业奖补平台")
admin.site.index_title = _("系统管理")

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(authentication_form=LockoutAuthenticationForm),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/", include("applicants.account_urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("enterprise/", include("applicants.urls")),
    path("", include("applicants.verification.urls")),
    path("review/winners/", include("applicants.winners.urls")),
    path("review/rules/", include("awards.revisions.urls")),
    path("review/", include("awards.urls")),
    # Public pages, no login: the policy calculator (政策计算器) and the announcements (公示).
    path("", include("portal.public_urls")),
    # /verify/<code>/ is public (the QR code on every document); /documents/<id>/ by case access.
    path("", include("awards.documents.urls")),
    path("gongshi/", include("awards.public_urls")),
    path("api/v1/", include("portal.api_urls")),
    path("api/v1/", include("applicants.api_urls")),
    path("api/v1/", include("awards.api_urls")),
    path("api/v1/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/v1/docs/", ApiDocsView.as_view(url_name="api-schema"), name="api-docs"),
    path("admin/", admin.site.urls),
]

handler400 = "portal.views.bad_request"
handler403 = "portal.views.permission_denied"
handler404 = "portal.views.page_not_found"
handler500 = "portal.views.server_error"
