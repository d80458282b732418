from django.apps import AppConfig
from django.contrib.auth.signals import user_logged_in
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
        # Every way of signing in (the login form, registration, the admin, a test's force_login)
        # goes through auth.login(): its signal is where the role's session policy starts.
        from portal.middleware import session_start

        user_logged_in.connect(session_start, dispatch_uid="portal_session_start")
