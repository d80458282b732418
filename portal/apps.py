from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _sync_role_groups(sender: AppConfig, **kwargs: object) -> None:
    from applicants.services.accounts import roles_sync

    roles_sync()


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("门户")

    def ready(self) -> None:
        # portal is the last installed app, so every app's permissions exist when this runs.
        post_migrate.connect(_sync_role_groups, sender=self, dispatch_uid="portal_sync_role_groups")
