from django.contrib import admin

from apps.core.admin import ReadOnlyAdmin

from .models import Breach, EvaluationScheme, QualityEvaluation, ScoreAdjustment


@admin.register(QualityEvaluation, ScoreAdjustment, Breach, EvaluationScheme)
class EvaluationAdmin(ReadOnlyAdmin):
    """Records change through the services only (history, rules, the lead's signature)."""
