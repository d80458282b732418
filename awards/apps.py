from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AwardsConfig(AppConfig):
    name = "awards"
    verbose_name = _("奖励评审与兑付")

    def ready(self) -> None:
        from awards.announcements import checks as _announcement_checks  # noqa: F401
        from awards.documents import checks, receivers  # noqa: F401 (checks register on import)

        receivers.connect()
        from awards.webhooks import receivers as webhook_receivers

        webhook_receivers.connect()
        from pathlib import Path

        from django.conf import settings

        from rules.loader import use_adopted_directory

        use_adopted_directory(
            Path(settings.RULES_ADOPTED_DIR), recheck_seconds=settings.RULES_RECHECK_SECONDS
        )
