"""Who may do what in the acceptance (§5.3.1, §8.3): every rule with its refusal sentence.

"may_*" rules check the person (services check them first, then the state, so that a repeated
action is told the record is no longer in that state); "can_*" rules add the state (the pages
show buttons with them).

- The contractor's project manager applies and completes the materials (§6.5.1 验收配合).
- The client's project lead reviews the materials, names the acceptance team, starts rounds
  (a round beyond the third only with a written override, §5.3.2), approves the plan and
  confirms the conclusion once the team has signed.
- The team leader (or the lead) drafts the plan and issues the report; the team (client members
  and invited experts of another organisation than the contractor) inspects, records common
  problems and signs the report; the contractor PM acknowledges it.
"""

from __future__ import annotations

import rules
from django.utils.translation import gettext_lazy as _

from apps.accounts.enums import ProjectRole
from apps.attachments.registry import attachment_rules
from apps.core.permissions import rule
from apps.projects.enums import Phase
from apps.projects.rules import (
    active_roles,
    is_client_inspector,
    is_client_lead,
    is_contractor_pm,
    is_writer,
    phase_predicate,
    project_not_closed,
    project_of,
)

from .enums import ApplicationState, RoundState
from .models import TEAM_ROLES, AcceptanceApplication, AcceptanceRound, MaterialLine, TeamMember

project_in_implementation = phase_predicate("acceptance_project_in_implementation", Phase.IMPLEMENTATION)
project_in_acceptance = phase_predicate("acceptance_project_in_acceptance", Phase.ACCEPTANCE)
project_before_warranty = phase_predicate("acceptance_project_before_warranty",
                                          Phase.PREPARATION, Phase.IMPLEMENTATION, Phase.ACCEPTANCE)


def team_membership(user, obj) -> TeamMember | None:
    """``user``'s place on the project's acceptance team, if they still hold a team role there
    (cached on the project instance for one request's rule checks)."""
    if obj is None or not getattr(user, "is_authenticated", False):
        return None
    project = project_of(obj)
    if project is None or project.pk is None:
        return None
    cache = getattr(project, "_acceptance_team_cache", None)
    if cache is None:
        cache = project._acceptance_team_cache = {}
    if user.pk not in cache:
        cache[user.pk] = TeamMember.objects.filter(project=project, user=user).first()
    member = cache[user.pk]
    if member is None or not (active_roles(user, project) & TEAM_ROLES):
        return None
    # An expert never belongs to the contractor; everybody else belongs to the client.
    if user.organization_id == project.contractor_id:
        return None
    if user.organization_id != project.client_id and ProjectRole.ACCEPTANCE_EXPERT not in active_roles(user, project):
        return None
    return member


@rules.predicate
def is_team_member(user, obj) -> bool:
    return team_membership(user, obj) is not None


@rules.predicate
def is_team_leader(user, obj) -> bool:
    member = team_membership(user, obj)
    return member is not None and member.is_leader


@rules.predicate
def application_editable(user, application) -> bool:
    if isinstance(application, MaterialLine):
        application = application.application
    return isinstance(application, AcceptanceApplication) and application.is_editable


@rules.predicate
def application_submitted(user, application) -> bool:
    return isinstance(application, AcceptanceApplication) and application.state == ApplicationState.SUBMITTED


def _round_in(*states):
    @rules.predicate
    def predicate(user, acceptance_round) -> bool:
        return isinstance(acceptance_round, AcceptanceRound) and acceptance_round.state in states

    return predicate


round_planning = _round_in(RoundState.PLANNING)
round_planned = _round_in(RoundState.PLANNED)
round_inspecting = _round_in(RoundState.INSPECTING)
round_reportable = _round_in(RoundState.INSPECTING, RoundState.REPORTED)
round_reported = _round_in(RoundState.REPORTED)
round_not_closed = _round_in(RoundState.PLANNING, RoundState.PLANNED, RoundState.INSPECTING, RoundState.REPORTED)

# ---------------------------------------------------------------- the application (§6.5.1)

may_apply = is_writer & is_contractor_pm
rule("acceptance.may_apply", may_apply,
     _("Only the contractor's project manager applies for acceptance."))
rule("acceptance.can_apply", may_apply & project_in_implementation,
     _("Acceptance is applied for while the project is in implementation."))
rule("acceptance.may_edit_application", may_apply,
     _("Only the contractor's project manager completes the acceptance application."))
rule("acceptance.can_edit_application", may_apply & application_editable & project_in_implementation,
     _("The application can be changed only while it is a draft or returned for completion, before acceptance."))
may_review = is_writer & is_client_lead
rule("acceptance.may_review_application", may_review,
     _("Only the client's project lead reviews the acceptance materials."))
rule("acceptance.can_review_application", may_review & application_submitted & project_in_implementation,
     _("The application is not awaiting review."))

# ---------------------------------------------------------------- the team (§5.3.1 验收小组)

rule("acceptance.may_manage_team", is_writer & is_client_lead,
     _("Only the client's project lead names the acceptance team."))
rule("acceptance.can_manage_team", is_writer & is_client_lead & project_before_warranty,
     _("The acceptance team is named before the project leaves acceptance."))

# ---------------------------------------------------------------- rounds, plan, inspection, report

may_start_round = is_writer & is_client_lead
rule("acceptance.may_start_round", may_start_round,
     _("Only the client's project lead starts an acceptance round (a fourth or later round with a written "
       "reason)."))
rule("acceptance.can_start_round", may_start_round & project_in_acceptance,
     _("Acceptance rounds are started while the project is in acceptance."))
may_edit_plan = is_writer & (is_client_lead | is_team_leader)
rule("acceptance.may_edit_plan", may_edit_plan,
     _("Only the client's project lead or the leader of the acceptance team draws up the acceptance plan."))
rule("acceptance.can_edit_plan", may_edit_plan & round_planning,
     _("The plan of this round has been approved and can no longer be changed."))
may_approve_plan = is_writer & is_client_lead
rule("acceptance.may_approve_plan", may_approve_plan,
     _("Only the client's project lead approves the acceptance plan."))
rule("acceptance.can_approve_plan", may_approve_plan & round_planning, _("The plan is not awaiting approval."))
may_open_inspection = is_writer & (is_client_lead | is_client_inspector | is_team_member)
rule("acceptance.may_open_inspection", may_open_inspection,
     _("Only the client's project lead or quality inspector, or a member of the acceptance team, opens the "
       "acceptance inspection."))
rule("acceptance.can_open_inspection", may_open_inspection & round_planned,
     _("The inspection is opened once the plan is approved, and only once."))
may_issue_report = is_writer & (is_client_lead | is_team_leader)
rule("acceptance.may_issue_report", may_issue_report,
     _("Only the client's project lead or the leader of the acceptance team issues the acceptance report."))
rule("acceptance.can_issue_report", may_issue_report & round_reportable,
     _("The report is issued after the inspection, and can be corrected only until it is signed."))
may_conclude = is_writer & is_client_lead
rule("acceptance.may_conclude", may_conclude,
     _("Only the client's project lead confirms the conclusion of the acceptance."))
rule("acceptance.can_conclude", may_conclude & round_reported, _("The report is not awaiting its conclusion."))
may_record_problem = is_writer & (is_client_lead | is_team_member)
rule("acceptance.may_record_problem", may_record_problem,
     _("Only the client's project lead or a member of the acceptance team records common problems."))
rule("acceptance.can_record_problem", may_record_problem & project_not_closed, _("The project is closed."))

# ---------------------------------------------------------------- files of the materials

attachment_rules(MaterialLine, add="acceptance.can_edit_application")
attachment_rules(AcceptanceApplication, add="acceptance.can_edit_application")


# ---------------------------------------------------------------- who signs the report

def report_signer_check(*, user, project, party: str, record) -> str | None:
    """Registered in apps.signatures.services.signer_checks: the client's signatures on the
    acceptance report are the team's named in it (§5.3.1: 验收小组成员签字)."""
    if not isinstance(record, AcceptanceRound) or party != "client":
        return None
    if user.pk not in record.team_user_ids():
        return str(_("Only the members of the acceptance team named in the report sign it for the client."))
    return None
