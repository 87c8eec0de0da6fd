from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InspectionsConfig(AppConfig):
    name = "apps.inspections"
    label = "inspections"
    verbose_name = _("Client supervision and inspection ledger")

    def ready(self) -> None:
        from . import rules  # noqa: F401  (registers the rules)
        from .printing import register_forms

        register_forms()

        from apps.projects.hooks import on_project_created, on_service_types_changed, register_history_source

        from .services import catalogue_ensure

        on_project_created(catalogue_ensure)
        on_service_types_changed(catalogue_ensure)

        from .models import CheckItem, DefectType, KeyNodeCheck, Patrol

        register_history_source(lambda project: Patrol.history.filter(project_id=project.pk))
        register_history_source(lambda project: KeyNodeCheck.history.filter(project_id=project.pk))
        register_history_source(lambda project: CheckItem.history.filter(project_id=project.pk))
        register_history_source(lambda project: DefectType.history.filter(project_id=project.pk))

        from apps.projects.annex_a import register_step_reader

        from .annex_a import patrol_sampling

        register_step_reader("patrol_sampling", patrol_sampling)
