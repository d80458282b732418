from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from applicants.models import Enterprise, User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    fieldsets = (
        *(DjangoUserAdmin.fieldsets or ()),
        (None, {"fields": ("display_name", "role", "jurisdiction", "enterprise")}),
    )
    list_display = ("username", "display_name", "role", "jurisdiction", "enterprise", "is_active")
    list_filter = ("role", "jurisdiction", "is_active")
    list_select_related = ("enterprise",)


@admin.register(Enterprise)
class EnterpriseAdmin(admin.ModelAdmin):
    list_display = ("name", "credit_code", "jurisdiction", "applicant_type", "created_at")
    search_fields = ("name", "credit_code")
    list_filter = ("jurisdiction", "applicant_type")
