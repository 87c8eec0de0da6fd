from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlansConfig(AppConfig):
    name = "apps.plans"
    label = "plans"
    verbose_name = _("Plan review")

    def ready(self) -> None:
        from apps.projects.gates import registry

        from .selectors import plan_evidence, plan_is_approved

        registry.implement("plan_approved", plan_is_approved, evidence=plan_evidence)
