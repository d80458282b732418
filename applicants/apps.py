from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApplicantsConfig(AppConfig):
    name = "applicants"
    verbose_name = _("申报主体")

    def ready(self) -> None:
        from applicants import checks  # noqa: F401 (checks register on import)
