from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HandoverConfig(AppConfig):
    name = "apps.handover"
    label = "handover"
    verbose_name = _("Handover of results")

    def ready(self) -> None:
        from apps.projects import hooks
        from apps.projects.annex_a import register_step_reader
        from apps.projects.gates import registry

        from .annex_a import results_handover
        from .models import Handover, HandoverLine
        from .printing import register_forms
        from .selectors import handover_confirmed, handover_evidence
        from .services import handover_deadline_open

        # §6.5.2: the project closes only with its results handed over, signed by both parties.
        registry.implement("handover_confirmed", handover_confirmed, evidence=handover_evidence)
        # Annex A: 验收后7个工作日内 — the deadline starts when the acceptance passes.
        hooks.on_acceptance_passed(handover_deadline_open)
        register_step_reader("results_handover", results_handover)
        register_forms()
        hooks.register_history_source(lambda project: Handover.history.filter(project_id=project.pk))
        hooks.register_history_source(lambda project: HandoverLine.history.filter(
            handover_id__in=Handover.objects.filter(project_id=project.pk).values("pk")))
