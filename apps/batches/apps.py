from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BatchesConfig(AppConfig):
    name = "apps.batches"
    label = "batches"
    verbose_name = _("Batches and three-level inspection")

    def ready(self) -> None:
        from apps.projects.hooks import register_history_source

        from . import rules  # noqa: F401 — registers the predicates
        from .models import Batch, MutualCheck, SelfCheck, SpecialInspection

        register_history_source(lambda project: Batch.history.filter(project_id=project.pk))
        register_history_source(lambda project: SpecialInspection.history.filter(project_id=project.pk))
        register_history_source(lambda project: SelfCheck.history.filter(project_id=project.pk))
        register_history_source(lambda project: MutualCheck.history.filter(project_id=project.pk))

        from apps.projects.annex_a import register_step_reader

        from .annex_a import internal_qc

        register_step_reader("internal_qc", internal_qc)

        from apps.projects.gates import registry

        from .selectors import batches_accepted, batches_accepted_evidence

        # §5.3.1: acceptance once every batch is accepted.
        registry.implement("batches_accepted", batches_accepted, evidence=batches_accepted_evidence)
