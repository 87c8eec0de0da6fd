from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LotInspectionConfig(AppConfig):
    name = "apps.lot_inspection"
    label = "lot_inspection"
    verbose_name = _("Sampling inspection of batches")

    def ready(self) -> None:
        from apps.projects.hooks import register_history_source

        from . import integration
        from .models import ItemDefect, LotInspection
        from .selectors import defect_counts

        # Annex B form: the project's defects found by sampling, per service type and grade.
        integration.register_defect_counter(defect_counts)

        # The drawn items' own rows (thousands per batch) stay on the inspection's page; the project's
        # history tab shows the inspections and the defects recorded.
        register_history_source(lambda project: LotInspection.history.filter(project_id=project.pk))
        register_history_source(
            lambda project: ItemDefect.history.filter(sampled_item__inspection__project_id=project.pk))
