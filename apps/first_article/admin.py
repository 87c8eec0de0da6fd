from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import FirstArticleVerification, RectificationSheet, WorkContactSheet


class _ReadOnlyAdmin(SimpleHistoryAdmin):
    """First-article records change only through the services (state, role, reason, signatures)."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(FirstArticleVerification)
class FirstArticleVerificationAdmin(_ReadOnlyAdmin):
    list_display = ("project", "round_no", "batch_description", "quantity", "unit", "status", "is_baseline",
                    "verified_on")
    list_filter = ("status", "is_baseline")
    search_fields = ("project__name", "batch_description", "batch_no")


@admin.register(WorkContactSheet)
class WorkContactSheetAdmin(_ReadOnlyAdmin):
    list_display = ("project", "verification", "due_date", "state", "issued_by")
    list_filter = ("state",)


@admin.register(RectificationSheet)
class RectificationSheetAdmin(_ReadOnlyAdmin):
    list_display = ("project", "contact_sheet", "submitted_by", "submitted_at")
