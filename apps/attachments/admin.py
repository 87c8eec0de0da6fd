from django.contrib import admin

from .models import Attachment


@admin.register(Attachment)
class AttachmentAdmin(admin.ModelAdmin):
    """Read-only: attachments are added and removed only through the services (history, checks)."""

    list_display = ("original_name", "kind", "project", "size", "uploaded_by", "uploaded_at", "is_removed")
    list_filter = ("kind", "is_removed")
    search_fields = ("original_name", "sha256")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
