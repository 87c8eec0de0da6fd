from django.contrib import admin

from apps.core.admin import ReadOnlyAdmin

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
class ControlAdmin(ReadOnlyAdmin):
    """Records change through the services only (history, rules, signatures)."""

    list_filter = ("project",)
