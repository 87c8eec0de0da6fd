from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WarrantyConfig(AppConfig):
    name = "apps.warranty"
    label = "warranty"
    verbose_name = _("Warranty")

    def ready(self) -> None:
        from apps.projects import hooks
        from apps.projects.annex_a import register_step_reader

        from .annex_a import warranty_service
        from .models import WarrantyConclusion
        from .services import warranty_start

        # §6.5.3: the warranty runs from the acceptance for the contract's warranty_months.
        hooks.on_acceptance_passed(warranty_start)
        # Annex A 质保服务, read from the follow-up.
        register_step_reader("warranty_service", warranty_service)
        hooks.register_history_source(lambda project: WarrantyConclusion.history.filter(project_id=project.pk))

        from apps.projects.gates import registry

        from .selectors import conclusion_evidence, warranty_concluded

        # §6.5.3: the project is closed once the warranty service has run its course.
        registry.implement("warranty_concluded", warranty_concluded, evidence=conclusion_evidence)
