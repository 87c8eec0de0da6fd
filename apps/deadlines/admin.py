from django.contrib import admin

from apps.core.admin import AuditedAdmin

from .models import Deadline


@admin.register(Deadline)
class DeadlineAdmin(AuditedAdmin):
    list_display = ("title", "kind", "project", "due_date", "state", "responsible_org", "responsible_user")
    list_filter = ("state", "kind", "counting", "escalate_to_regulator")
    search_fields = ("title", "kind")
    date_hierarchy = "due_date"
    raw_id_fields = ("project", "responsible_org", "responsible_user", "closed_by", "created_by")
    # Deadlines change only through the services (rule, reason, permission).
    readonly_fields = ("content_type", "object_id", "project", "kind", "title", "counting", "base_date", "amount",
                       "due_date", "responsible_org", "responsible_user", "escalate_to_regulator", "state",
                       "closed_at", "closed_by", "waive_reason", "created_by", "created_at", "updated_at")

    def has_add_permission(self, request):
        return False
