from django.contrib import admin

from .models import (
    ActionItem,
    ChangeRequest,
    ImprovementPlan,
    Meeting,
    ProgressMilestone,
    QualityReport,
    RiskAssessment,
    RiskPoint,
    RiskReassessmentRequest,
)


@admin.register(RiskPoint, RiskAssessment, RiskReassessmentRequest, ChangeRequest, Meeting, ActionItem, QualityReport,
                ProgressMilestone, ImprovementPlan)
class ReadOnlyAdmin(admin.ModelAdmin):
    """Records change through the services only (history, rules, signatures)."""

    list_filter = ("project",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
