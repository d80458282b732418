"""Admin of awards: read-only views. Decisions are made in the portal, where they are audited."""

from django.contrib import admin

from awards.models import Award, Budget, Objection, WebhookDelivery, WebhookEndpoint


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Award)
class AwardAdmin(ReadOnlyAdmin):
    list_display = (
        "application",
        "amount",
        "computed_amount",
        "overridden",
        "quota_exempt",
        "rules_version",
        "approved_at",
        "pay_year",
        "paid_at",
    )
    list_filter = ("overridden", "quota_exempt", "pay_year", "rules_version")
    list_select_related = ("application",)
    search_fields = ("application__project_name", "application__enterprise__name")


@admin.register(Objection)
class ObjectionAdmin(ReadOnlyAdmin):
    list_display = ("application", "name", "phone", "state", "created_at", "resolved_at")
    list_select_related = ("application",)


@admin.register(Budget)
class BudgetAdmin(ReadOnlyAdmin):
    list_display = ("year", "amount", "updated_by", "updated_at")


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(admin.ModelAdmin):
    """Integrations are configured here by an administrator (docs/webhooks.md)."""

    list_display = ["name", "url", "actions", "jurisdiction", "active", "created_at"]
    list_filter = ["active"]


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(ReadOnlyAdmin):
    """The delivery log: what was sent where, how often, and the last answer."""

    list_display = [
        "id",
        "endpoint",
        "event",
        "state",
        "attempts",
        "last_status_code",
        "last_error",
        "created_at",
        "delivered_at",
    ]
    list_filter = ["state", "endpoint"]
