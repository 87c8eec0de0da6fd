from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationConfig(AppConfig):
    name = "apps.evaluation"
    label = "evaluation"
    verbose_name = _("Quality evaluation")

    def ready(self) -> None:
        from apps.projects import hooks
        from apps.projects.annex_a import register_step_reader
        from apps.projects.gates import registry

        from . import rules  # noqa: F401 — registers the rules
        from .models import Breach, QualityEvaluation, ScoreAdjustment
        from .printing import register_forms
        from .selectors import (
            evaluation_done,
            evaluation_evidence,
            read_continuous_improvement,
            read_problem_summary,
        )
        from .services import evaluation_open_on_acceptance

        # §5.3.3, §10.1: closing the project needs the issued evaluation report.
        registry.implement("evaluation_done", evaluation_done, evidence=evaluation_evidence)
        # §5.3.3: the evaluation is due 3 months after the acceptance.
        hooks.on_acceptance_passed(evaluation_open_on_acceptance)
        # Annex A 评估改进: 问题总结 (the contractor's answer), 持续改进 (its improvement plan).
        register_step_reader("problem_summary", read_problem_summary)
        register_step_reader("continuous_improvement", read_continuous_improvement)
        # A draft evaluation is the client's working paper: its rows show on the project's history
        # (read by the contractor and the regulator too) once it is issued.
        from .enums import EvaluationState

        def _issued(project):
            return QualityEvaluation.objects.filter(project_id=project.pk).exclude(
                state=EvaluationState.DRAFT).values("pk")

        hooks.register_history_source(lambda project: QualityEvaluation.history.filter(
            project_id=project.pk, id__in=_issued(project)))
        hooks.register_history_source(lambda project: Breach.history.filter(project_id=project.pk))
        hooks.register_history_source(lambda project: ScoreAdjustment.history.filter(evaluation_id__in=_issued(project)))
        register_forms()
