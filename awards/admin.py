"""Admin of awards: read-only views. Decisions are made in the portal, where they are audited."""

from django.contrib import admin

from awards.models import Award, Budget, Objection


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
