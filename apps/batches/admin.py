from django.contrib import admin

from apps.core.admin import ReadOnlyAdmin

from .models import Batch, BatchItem, MutualCheck, SelfCheck, SpecialInspection


@admin.register(Batch)
class BatchAdmin(ReadOnlyAdmin):
    list_display = ("project", "number", "service_type", "quantity", "unit", "status", "submitted_at")
    list_filter = ("status", "service_type")
    search_fields = ("project__name", "description")


@admin.register(BatchItem)
class BatchItemAdmin(ReadOnlyAdmin):
    list_display = ("batch", "position", "archive_code", "title", "pages", "contractor_passed")
    search_fields = ("archive_code", "title", "file_name")


@admin.register(SelfCheck)
class SelfCheckAdmin(ReadOnlyAdmin):
    list_display = ("project", "date", "operator", "process_step", "output_count", "self_checked_count")


@admin.register(MutualCheck)
class MutualCheckAdmin(ReadOnlyAdmin):
    list_display = ("project", "date", "process_step", "producer", "checker", "checked_count")


@admin.register(SpecialInspection)
class SpecialInspectionAdmin(ReadOnlyAdmin):
    list_display = ("project", "batch", "date", "inspector", "checked_count", "conclusion")
