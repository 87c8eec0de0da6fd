from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ControlConfig(AppConfig):
    name = "apps.control"
    label = "control"
    verbose_name = _("Project control")

    def ready(self) -> None:
        from apps.projects.annex_a import register_step_reader
        from apps.projects.hooks import on_project_created, register_history_source

        from . import rules  # noqa: F401 — registers the rules
        from .selectors import HISTORY_MODELS
        from .services import project_started

        # §5.2.2: the risks are assessed at project start.
        on_project_created(project_started)
        # Annex A 风险管控 read from the risk register.
        from .annex_a import risk_control

        register_step_reader("risk_control", risk_control)
        for model in HISTORY_MODELS:
            register_history_source(lambda project, model=model: model.history.filter(project_id=project.pk))
