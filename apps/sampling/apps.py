from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SamplingConfig(AppConfig):
    name = "apps.sampling"
    label = "sampling"
    verbose_name = _("Sampling plans (GB/T 2828.1)")

    def ready(self) -> None:
        from apps.projects.hooks import register_history_source

        from .models import SamplingSettings, SwitchingState

        register_history_source(lambda project: SamplingSettings.history.filter(project_id=project.pk))
        register_history_source(lambda project: SwitchingState.history.filter(project_id=project.pk))
