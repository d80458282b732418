"""Admin of applicants: accounts and enterprises; cases and their audit trail read-only."""

import re

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from applicants import policy
from applicants.history import action_label
from applicants.login_throttle import login_unlock
from applicants.models import Application, CaseEvent, Enterprise, LoginFailure, User
from applicants.two_factor.services import two_factor_reset

# django-otp's device admins would let a device be deleted or edited: a second-factor reset that
# leaves no audit entry. The audited reset is the user admin's action below.
for _device in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(_device):
        admin.site.unregister(_device)


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    fieldsets = (
        *(DjangoUserAdmin.fieldsets or ()),
        (None, {"fields": ("display_name", "role", "jurisdiction", "enterprise")}),
    )
    list_display = ("username", "display_name", "role", "jurisdiction", "enterprise", "is_active")
    list_filter = ("role", "jurisdiction", "is_active")
    list_select_related = ("enterprise",)
    actions = ["reset_two_factor"]

    @admin.action(description=_("重置所选账户的两步验证（丢失手机时；下次登录时重新绑定）"))
    def reset_two_factor(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        users = list(queryset)
        for user in users:
            two_factor_reset(user=user, actor=request.user)  # type: ignore[arg-type]
        self.message_user(
            request,
            _("已重置 %(n)s 个账户的两步验证，这些账户下次打开平台时须重新绑定身份验证器。")
            % {"n": len(users)},
        )


@admin.register(Enterprise)
class EnterpriseAdmin(admin.ModelAdmin):
    """Contact details may be corrected here; who the enterprise is and where its money goes may
    not: identity is the county's decision and a bank account change waits for the county, both
    through their audited services (applicants.verification)."""

    list_display = ("name", "credit_code", "jurisdiction", "applicant_type", "created_at")
    search_fields = ("name", "credit_code")
    list_filter = ("jurisdiction", "applicant_type")
    readonly_fields = (
        "credit_code",
        "bank_name",
        "bank_account",
        "identity_status",
        "identity_reason",
        "identity_decided_by",
        "identity_decided_at",
        "licence",
    )

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class ReadOnlyAdmin(admin.ModelAdmin):
    """Look, never touch: cases move through the portal's services, where they are audited."""

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class ItemFilter(admin.SimpleListFilter):
    """Reward items by their titles (the rules version's), not their codes."""

    title = _("奖励事项")
    parameter_name = "item"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        return policy.version_in_force().item_choices(policy.rules_lang())

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        return queryset.filter(item=self.value()) if self.value() else queryset


class JurisdictionFilter(admin.SimpleListFilter):
    """Jurisdictions by their names, not their division codes."""

    title = _("所属县区")
    parameter_name = "jurisdiction"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        return policy.jurisdiction_choices()

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        return queryset.filter(jurisdiction=self.value()) if self.value() else queryset


# XY-2026-000006 → case 6: the number people read is the year of creation and the id.
_CASE_NUMBER = re.compile(r"^\s*XY-(\d{4})-(\d{1,12})\s*$", re.IGNORECASE)


@admin.register(Application)
class ApplicationAdmin(ReadOnlyAdmin):
    list_display = (
        "case_number",
        "enterprise",
        "item_title",
        "project_name",
        "jurisdiction_name",
        "status",
        "submitted_at",
    )
    list_filter = ("status", "programme", ItemFilter, JurisdictionFilter)
    list_select_related = ("enterprise",)
    search_fields = ("enterprise__credit_code", "enterprise__name", "project_name")
    ordering = ("-id",)
    show_full_result_count = False

    @admin.display(description=_("申报编号"), ordering="id")
    def case_number(self, case: Application) -> str:
        return case.reference

    @admin.display(description=_("奖励事项"))
    def item_title(self, case: Application) -> str:
        return policy.item_title(case.item)

    @admin.display(description=_("所属县区"))
    def jurisdiction_name(self, case: Application) -> str:
        return policy.jurisdiction_name(case.jurisdiction)

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet, search_term: str
    ) -> tuple[QuerySet, bool]:
        """A case number finds its case; anything else searches code, name and project."""
        match = _CASE_NUMBER.match(search_term)
        if match:
            return queryset.filter(pk=int(match.group(2))), False
        # Credit codes match whatever the letter case (search fields are icontains).
        return super().get_search_results(request, queryset, search_term.strip())


@admin.register(CaseEvent)
class CaseEventAdmin(ReadOnlyAdmin):
    """The audit trail, read-only: a changed row would break the hash chain (verify_audit)."""

    list_display = ("id", "created_at", "case_number", "action_label", "actor", "actor_role")
    list_filter = ("action", "actor_role")
    list_select_related = ("application", "actor")
    search_fields = ("action", "reason")
    ordering = ("-id",)

    @admin.display(description=_("申报编号"))
    def case_number(self, event: CaseEvent) -> str:
        return event.application.reference if event.application else "—"

    @admin.display(description=_("操作"))
    def action_label(self, event: CaseEvent) -> str:
        return action_label(event.action)


@admin.register(LoginFailure)
class LoginFailureAdmin(admin.ModelAdmin):
    """Failed sign-ins; an administrator lifts an account's lock here (audited)."""

    list_display = ["username", "ip_address", "created_at"]
    list_filter = ["created_at"]
    search_fields = ["username", "ip_address"]
    actions = ["unlock_accounts"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        # Deleting the failures would lift a lock unaudited: the action below is the way.
        return False

    @admin.action(description=_("解除所选账户的登录锁定"))
    def unlock_accounts(self, request: HttpRequest, queryset: QuerySet[LoginFailure]) -> None:
        names = sorted(set(queryset.values_list("username", flat=True)))
        for name in names:
            login_unlock(username=name, actor=request.user)  # type: ignore[arg-type]
        self.message_user(request, _("已解除 %(n)s 个账户的登录锁定。") % {"n": len(names)})
