from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Batch, BatchItem, MutualCheck, SelfCheck, SpecialInspection


class _ReadOnlyAdmin(SimpleHistoryAdmin):
    """Batches and inspection records change only through the services (state, role, reason)."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Batch)
class BatchAdmin(_ReadOnlyAdmin):
    list_display = ("project", "number", "service_type", "quantity", "unit", "status", "submitted_at")
    list_filter = ("status", "service_type")
    search_fields = ("project__name", "description")


@admin.register(BatchItem)
class BatchItemAdmin(_ReadOnlyAdmin):
    list_display = ("batch", "position", "archive_code", "title", "pages", "contractor_passed")
    search_fields = ("archive_code", "title", "file_name")


@admin.register(SelfCheck)
class SelfCheckAdmin(_ReadOnlyAdmin):
    list_display = ("project", "date", "operator", "process_step", "output_count", "self_checked_count")


@admin.register(MutualCheck)
class MutualCheckAdmin(_ReadOnlyAdmin):
    list_display = ("project", "date", "process_step", "producer", "checker", "checked_count")


@admin.register(SpecialInspection)
class SpecialInspectionAdmin(_ReadOnlyAdmin):
    list_display = ("project", "batch", "date", "inspector", "checked_count", "conclusion")
