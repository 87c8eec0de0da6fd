from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QualificationConfig(AppConfig):
    name = "apps.qualification"
    label = "qualification"
    verbose_name = _("Qualification review")

    def ready(self) -> None:
        from apps.projects.gates import registry
        from apps.projects.hooks import on_contract_signed_changed, on_project_created

        from .selectors import qualification_evidence, qualification_is_approved
        from .services import review_deadline_create, review_deadline_reschedule

        registry.implement("qualification_approved", qualification_is_approved, evidence=qualification_evidence)
        # Annex A: due 5 working days after signing; the deadline exists from the project's creation.
        on_project_created(review_deadline_create)
        on_contract_signed_changed(review_deadline_reschedule)
