from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from apps.core.admin import AuditedAdmin
from apps.core.history import delete_with_history

from . import services
from .models import Jurisdiction, Organization, User


class JurisdictionInline(admin.TabularInline):
    model = Jurisdiction
    fk_name = "regulator"
    extra = 0
    autocomplete_fields = ["client"]


@admin.register(Organization)
class OrganizationAdmin(AuditedAdmin):
    list_display = ("name", "kind", "uscc", "region", "is_active", "require_second_factor")
    list_filter = ("kind", "is_active", "require_second_factor")
    search_fields = ("name", "uscc", "region")
    inlines = [JurisdictionInline]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if "require_second_factor" in form.changed_data:
            revoked = services.organization_second_factor_enforce(organization=obj)
            if revoked:
                self.message_user(request, gettext("%(n)d API tokens obtained without a second factor were revoked.")
                                  % {"n": revoked}, messages.WARNING)


@admin.register(Jurisdiction)
class JurisdictionAdmin(AuditedAdmin):
    list_display = ("regulator", "client", "since")
    autocomplete_fields = ["regulator", "client"]


@admin.register(User)
class UserAdmin(AuditedAdmin, BaseUserAdmin):
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


def local_time(value) -> str:
    return date_format(timezone.localtime(value), "Y-m-d H:i") if value else "-"


# django-otp registers its own admin for TOTP devices, which edits secrets; ours only shows who
# has an authenticator app and lets an administrator remove one (a lost phone), with history.
if admin.site.is_registered(TOTPDevice):
    admin.site.unregister(TOTPDevice)


@admin.register(TOTPDevice)
class TOTPDeviceAdmin(AuditedAdmin):
    list_display = ("owner", "device_name", "is_confirmed", "created", "last_used")
    list_filter = ("confirmed",)
    search_fields = ("user__username", "user__name", "user__organization__name")
    list_select_related = ("user",)
    fields = ("owner", "device_name", "is_confirmed", "created", "last_used")
    readonly_fields = fields

    @admin.display(description=_("user"), ordering="user__username")
    def owner(self, obj):
        return f"{obj.user} ({obj.user.username})"

    @admin.display(description=_("name"))
    def device_name(self, obj):
        return obj.name

    @admin.display(description=_("confirmed"), boolean=True, ordering="confirmed")
    def is_confirmed(self, obj):
        return obj.confirmed

    @admin.display(description=_("set up at"), ordering="created_at")
    def created(self, obj):
        return local_time(obj.created_at)

    @admin.display(description=_("last used at"), ordering="last_used_at")
    def last_used(self, obj):
        return local_time(obj.last_used_at)

    def has_add_permission(self, request):
        return False  # people set up their own app, from their security page

    def has_change_permission(self, request, obj=None):
        return False

    def delete_model(self, request, obj):
        delete_with_history(obj, reason=gettext("Authenticator app removed by an administrator"), user=request.user)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)
