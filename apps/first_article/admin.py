from django.contrib import admin

from apps.core.admin import ReadOnlyAdmin

from .models import FirstArticleVerification, RectificationSheet, WorkContactSheet


@admin.register(FirstArticleVerification)
class FirstArticleVerificationAdmin(ReadOnlyAdmin):
    list_display = ("project", "round_no", "batch_description", "quantity", "unit", "status", "is_baseline",
                    "verified_on")
    list_filter = ("status", "is_baseline")
    search_fields = ("project__name", "batch_description", "batch_no")


@admin.register(WorkContactSheet)
class WorkContactSheetAdmin(ReadOnlyAdmin):
    list_display = ("project", "verification", "due_date", "state", "issued_by")
    list_filter = ("state",)


@admin.register(RectificationSheet)
class RectificationSheetAdmin(ReadOnlyAdmin):
    list_display = ("project", "contact_sheet", "submitted_by", "submitted_at")
