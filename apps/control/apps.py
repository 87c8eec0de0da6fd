from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ControlConfig(AppConfig):
    name = "apps.control"
    label = "control"
    verbose_name = _("Project control")

    def ready(self) -> None:
        from apps.projects.annex_a import register_step_reader
        from apps.projects.hooks import (
            on_project_created,
            on_risk_reassessment_needed,
            register_history_source,
            register_risk_level_source,
        )

        from . import rules  # noqa: F401 — registers the rules
        from .selectors import HISTORY_MODELS, risk_levels_on
        from .services import project_started, risk_reassessment_request

        # §5.2.2: the risks are assessed at project start.
        on_project_created(project_started)
        # §5.2.2: and again after an incident (or another module's event), through the hook.
        on_risk_reassessment_needed(risk_reassessment_request)
        # §8.2.2: the patrol frequency of each week follows the risk level in force that week.
        register_risk_level_source(risk_levels_on)
        # Annex A 风险管控 read from the risk register.
        from .annex_a import risk_control

        register_step_reader("risk_control", risk_control)
        for model in HISTORY_MODELS:
            register_history_source(lambda project, model=model: model.history.filter(project_id=project.pk))
