from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import ItemDefect, LotInspection, SampledItem


class _ReadOnlyAdmin(SimpleHistoryAdmin):
    """Sampling records change only through the services (role, state, history)."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(LotInspection)
class LotInspectionAdmin(_ReadOnlyAdmin):
    list_display = ("project", "batch", "service_type", "lot_size", "sample_size", "regime", "status", "decision",
                    "pass_rate")
    list_filter = ("status", "decision", "regime")
    search_fields = ("project__name",)
    raw_id_fields = ("project", "batch")


@admin.register(SampledItem)
class SampledItemAdmin(_ReadOnlyAdmin):
    list_display = ("inspection", "position", "result", "worst_grade", "checked_by")
    list_filter = ("result",)
    raw_id_fields = ("inspection", "batch_item")


@admin.register(ItemDefect)
class ItemDefectAdmin(_ReadOnlyAdmin):
    list_display = ("sampled_item", "defect_type", "grade")
    raw_id_fields = ("sampled_item", "defect_type")
