from django.contrib import admin

from apps.core.admin import ReadOnlyAdmin

from .models import Attachment


@admin.register(Attachment)
class AttachmentAdmin(ReadOnlyAdmin):
    """Read-only: attachments are added and removed only through the services (history, checks)."""

    list_display = ("original_name", "kind", "project", "size", "uploaded_by", "uploaded_at", "is_removed")
    list_filter = ("kind", "is_removed")
    search_fields = ("original_name", "sha256")
