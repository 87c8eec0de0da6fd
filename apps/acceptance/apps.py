from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AcceptanceConfig(AppConfig):
    name = "apps.acceptance"
    label = "acceptance"
    verbose_name = _("Acceptance")

    def ready(self) -> None:
        from apps.projects import hooks
        from apps.projects.annex_a import register_step_reader
        from apps.projects.gates import registry
        from apps.signatures.services import signer_checks

        from . import annex_a, printing, rules, selectors
        from .models import (
            AcceptanceApplication,
            AcceptanceRound,
            CommonProblem,
            MaterialLine,
            PlanSampling,
            TeamMember,
        )

        # §5.3.1, §8.3.1: acceptance is entered with complete materials; 质保 after a passed round.
        registry.implement("acceptance_applied", selectors.application_complete, evidence=selectors.application_evidence)
        registry.implement("acceptance_passed", selectors.acceptance_passed,
                           evidence=selectors.acceptance_passed_evidence)

        register_step_reader("acceptance_organisation", annex_a.read_organisation, before_reached=True)
        register_step_reader("acceptance_implementation", annex_a.read_implementation)

        if rules.report_signer_check not in signer_checks:
            signer_checks.append(rules.report_signer_check)

        printing.register_forms()
        # §5.3.2: a round beyond the third is flagged on the project page.
        hooks.register_project_notice(selectors.over_limit_notices)
        # The acceptance inspection admits the members and experts the lead named to the team.
        hooks.register_acceptance_team(lambda user, project: rules.team_membership(user, project) is not None)

        for model in (AcceptanceApplication, AcceptanceRound, CommonProblem, TeamMember):
            hooks.register_history_source(lambda project, m=model: m.history.filter(project_id=project.pk))
        hooks.register_history_source(lambda project: MaterialLine.history.filter(
            application_id__in=AcceptanceApplication.objects.filter(project_id=project.pk).values("pk")))
        hooks.register_history_source(lambda project: PlanSampling.history.filter(
            round_id__in=AcceptanceRound.objects.filter(project_id=project.pk).values("pk")))
