from django.contrib import admin

from apps.core.admin import ReadOnlyAdmin

from .models import ItemDefect, LotInspection, SampledItem


@admin.register(LotInspection)
class LotInspectionAdmin(ReadOnlyAdmin):
    list_display = ("project", "purpose", "batch", "label", "service_type", "lot_size", "sample_size", "regime",
                    "status", "decision", "pass_rate")
    list_filter = ("purpose", "status", "decision", "regime")
    search_fields = ("project__name",)
    raw_id_fields = ("project", "batch")


@admin.register(SampledItem)
class SampledItemAdmin(ReadOnlyAdmin):
    list_display = ("inspection", "position", "result", "worst_grade", "checked_by")
    list_filter = ("result",)
    raw_id_fields = ("inspection", "batch_item")


@admin.register(ItemDefect)
class ItemDefectAdmin(ReadOnlyAdmin):
    list_display = ("sampled_item", "defect_type", "grade")
    raw_id_fields = ("sampled_item", "defect_type")
