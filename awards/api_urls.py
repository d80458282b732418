from django.urls import URLPattern, URLResolver, include, path
from rest_framework.routers import SimpleRouter

from awards.api import CaseViewSet

router = SimpleRouter()
router.register("cases", CaseViewSet, basename="case")

urlpatterns: list[URLPattern | URLResolver] = [path("", include(router.urls))]
