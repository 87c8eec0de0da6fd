from django.contrib import admin

from apps.core.admin import ReadOnlyAdmin

from .models import WarrantyConclusion


@admin.register(WarrantyConclusion)
class WarrantyConclusionAdmin(ReadOnlyAdmin):
    list_display = ("project", "period_start", "period_end", "tickets", "late_responses", "concluded_by",
                    "concluded_at")
    search_fields = ("project__name", "project__contract_no")
