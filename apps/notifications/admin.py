from django.contrib import admin

from apps.core.admin import AuditedAdmin

from .models import Notification


@admin.register(Notification)
class NotificationAdmin(AuditedAdmin):
    list_display = ("recipient", "title", "kind", "project", "created_at", "read_at", "emailed_at")
    list_filter = ("kind",)
    search_fields = ("title", "key", "recipient__username", "recipient__name")
    raw_id_fields = ("recipient", "project")
    # Messages are written by services only; the admin shows them.
    readonly_fields = ("recipient", "project", "kind", "key", "title", "body", "link", "created_at", "read_at",
                       "emailed_at")

    def has_add_permission(self, request):
        return False
