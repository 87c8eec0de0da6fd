from django.contrib import admin

from apps.core.admin import ReadOnlyAdmin

from .models import Handover, HandoverLine


@admin.register(Handover)
class HandoverAdmin(ReadOnlyAdmin):
    list_display = ("project", "state", "submissions", "submitted_at", "confirmed_at", "signed_at")
    list_filter = ("state",)
    search_fields = ("project__name", "project__contract_no")


@admin.register(HandoverLine)
class HandoverLineAdmin(ReadOnlyAdmin):
    list_display = ("handover", "position", "kind", "description", "quantity", "unit", "medium", "status")
    list_filter = ("kind", "medium", "status")
    search_fields = ("description", "handover__project__name")
