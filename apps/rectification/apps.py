from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RectificationConfig(AppConfig):
    name = "apps.rectification"
    label = "rectification"
    verbose_name = _("Problem handling")

    def ready(self) -> None:
        from apps.projects import hooks
        from apps.projects.annex_a import register_step_reader
        from apps.projects.gates import registry

        from . import selectors, services
        from .models import (Complaint, Incident, ProblemSettings, RectificationTicket, RegulatorReport, Suspension,
                             TicketReview)

        # §5.3.1, §4.4: acceptance only with every ticket closed.
        registry.implement("no_open_tickets", selectors.no_open_tickets, evidence=lambda project: (
            selectors.no_open_tickets_evidence(project), selectors._project_url(project)))

        # §5.2.3, §6.3.3: suspension needs a ground; resuming needs its causes closed.
        hooks.register_suspension_rules(services.SuspensionRules)
        hooks.on_problem_found(services.on_problem_found)
        hooks.on_problem_answered(services.on_problem_answered)

        # Annex A rows of 问题处置 and 整改复核, read from the tickets; shown before the stage is
        # reached when tickets already exist (e.g. after a failed first article).
        for code, reader in (("problem_notice", selectors.read_problem_notice),
                             ("rectification", selectors.read_rectification),
                             ("review_closure", selectors.read_review_closure),
                             ("major_issue", selectors.read_major_issue),
                             ("rectification_review", selectors.read_rectification_review)):
            register_step_reader(code, reader, before_reached=True)

        hooks.register_history_source(lambda project: TicketReview.history.filter(
            ticket_id__in=RectificationTicket.objects.filter(project_id=project.pk).values("pk")))
        for model in (RectificationTicket, Complaint, Incident, Suspension, RegulatorReport, ProblemSettings):
            hooks.register_history_source(lambda project, m=model: m.history.filter(project_id=project.pk))
