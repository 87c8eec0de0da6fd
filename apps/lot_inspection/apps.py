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
        # An open inspection's rows (its seed, the defects found so far) show once it is decided: the
        # history tab is read by the contractor too, who must not learn the sample before then.
        from .enums import InspectionStatus

        def _open(project):
            return LotInspection.objects.filter(project_id=project.pk, status=InspectionStatus.OPEN).values("pk")

        register_history_source(lambda project: LotInspection.history.filter(project_id=project.pk)
                                .exclude(id__in=_open(project)))
        register_history_source(
            lambda project: ItemDefect.history.filter(sampled_item__inspection__project_id=project.pk)
            .exclude(sampled_item__inspection_id__in=_open(project)))
