from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from .models import Jurisdiction, Organization, User


class JurisdictionInline(admin.TabularInline):
    model = Jurisdiction
    fk_name = "regulator"
    extra = 0
    autocomplete_fields = ["client"]


@admin.register(Organization)
class OrganizationAdmin(SimpleHistoryAdmin):
    list_display = ("name", "kind", "uscc", "region", "is_active")
    list_filter = ("kind", "is_active")
    search_fields = ("name", "uscc", "region")
    inlines = [JurisdictionInline]


@admin.register(Jurisdiction)
class JurisdictionAdmin(SimpleHistoryAdmin):
    list_display = ("regulator", "client", "since")
    autocomplete_fields = ["regulator", "client"]


@admin.register(User)
class UserAdmin(SimpleHistoryAdmin, BaseUserAdmin):
    list_display = ("username", "name", "organization", "email", "is_active", "is_staff")
    list_filter = ("organization__kind", "is_active", "is_staff")
    search_fields = ("username", "name", "email", "organization__name")
    autocomplete_fields = ["organization"]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Person"), {"fields": ("name", "email", "phone", "organization")}),
        (_("Permissions"), {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("username", "name", "email", "organization", "password1", "password2")}),
    )
