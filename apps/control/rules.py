"""Who may do what in project control, combining the project role and the state.

Every rule is registered once with its refusal sentence (``apps.core.permissions.rule``); the
services ``require`` it, the API asks it before validating input, the pages and templates ask
it to show buttons.

- ``control.may_*`` rules check the person (and that the project is not closed: project control
  goes on while a project is suspended, §5.2.3). Services check them first, then the state, so
  that a repeated action is told the record is no longer in that state.
- ``control.can_*`` rules add the state; their sentence says what the state does not allow
  (a transition page sends the person back to the record with it).

The regulator is read-only everywhere (``is_writer``).
"""

from __future__ import annotations

import rules
from django.utils.translation import gettext_lazy as _

from apps.accounts.enums import ProjectRole
from apps.attachments.registry import attachment_rules
from apps.core.permissions import rule
from apps.projects.rules import (
    is_client_lead,
    is_client_staff,
    is_contractor_pm,
    is_contractor_side,
    is_writer,
    problem_handling_allowed,
    role_predicate,
)

from .enums import (
    IMPROVEMENT_EDITABLE,
    REPORT_EDITABLE,
    ActionOwnerParty,
    ActionState,
    ChangeState,
    ImprovementState,
    MilestoneState,
    ReportState,
    RiskPointStatus,
)
from .models import ChangeRequest, ImprovementPlan, Meeting, QualityReport

# Roles of the people notified (services) and of control's own role predicates.
CLIENT_LEAD = frozenset({ProjectRole.CLIENT_LEAD})
CLIENT_STAFF = frozenset({ProjectRole.CLIENT_LEAD, ProjectRole.CLIENT_INSPECTOR})
CONTRACTOR_PM = frozenset({ProjectRole.CONTRACTOR_PM})
# §6.3.1: the contractor cooperates in the risk assessment: its PM and security officer propose
# risk points and keep their control measures up to date.
CONTRACTOR_RISK = frozenset({ProjectRole.CONTRACTOR_PM, ProjectRole.SECURITY_OFFICER})
# The contractor's quality and data report is prepared by its PM or special inspector.
REPORTERS = frozenset({ProjectRole.CONTRACTOR_PM, ProjectRole.CONTRACTOR_INSPECTOR})

is_contractor_risk = role_predicate("control.is_contractor_risk", *CONTRACTOR_RISK)
is_reporter = role_predicate("control.is_reporter", *REPORTERS)

# A person who writes (not the regulator) on a project that is not closed.
control_writer = is_writer & problem_handling_allowed

# ---------------------------------------------------------------- risk register (§5.2.2, §6.3.1)


@rules.predicate
def risk_point_active(user, point) -> bool:
    return point.status == RiskPointStatus.ACTIVE


may_add_risk_point = rule(
    "control.may_add_risk_point", control_writer & (is_client_staff | is_contractor_risk),
    _("Only the client's project team or the contractor's project manager or security officer can add risk points."))
may_rate_risk = rule(
    "control.may_rate_risk", control_writer & is_client_lead,
    _("Only the client's project lead rates risk points."))
may_retire_risk_point = rule(
    "control.may_retire_risk_point", control_writer & is_client_lead,
    _("Only the client's project lead can retire a risk point."))
can_edit_risk_point = rule(
    "control.can_edit_risk_point", control_writer & (is_client_lead | is_contractor_risk) & risk_point_active,
    _("Only the client's project lead, or the contractor's project manager or security officer for the control "
      "measures, can edit a risk point."))
can_rate_risk_point = rule(
    "control.can_rate_risk_point", may_rate_risk & risk_point_active,
    _("This risk point has been retired."))
may_assess_risk = rule(
    "control.may_assess_risk", control_writer & is_client_lead,
    _("Only the client's project lead can complete a risk assessment."))

# ---------------------------------------------------------------- change requests (§6.4.2)


@rules.predicate
def change_is_submitted(user, change) -> bool:
    return change.state == ChangeState.SUBMITTED


@rules.predicate
def change_is_approved(user, change) -> bool:
    return change.state == ChangeState.APPROVED


may_request_change = rule(
    "control.may_request_change", control_writer & is_contractor_pm,
    _("Only the contractor's project manager can submit a change request."))
may_withdraw_change = rule(
    "control.may_withdraw_change", control_writer & is_contractor_pm,
    _("Only the contractor's project manager can withdraw a change request."))
may_confirm_change = rule(
    "control.may_confirm_change", control_writer & is_contractor_pm,
    _("Only the contractor's project manager can confirm the implementation of a change."))
may_approve_change = rule(
    "control.may_approve_change", control_writer & is_client_lead,
    _("Only the client's project lead can approve a change request."))
may_reject_change = rule(
    "control.may_reject_change", control_writer & is_client_lead,
    _("Only the client's project lead can reject a change request."))
can_decide_change = rule(
    "control.can_decide_change", may_approve_change & change_is_submitted,
    _("This change request is no longer awaiting a decision."))
can_withdraw_change = rule(
    "control.can_withdraw_change", may_withdraw_change & change_is_submitted,
    _("This change request is no longer awaiting a decision."))
can_confirm_change = rule(
    "control.can_confirm_change", may_confirm_change & change_is_approved,
    _("Only an approved change request can be confirmed as implemented."))

# ---------------------------------------------------------------- meetings (§8.2.3)


@rules.predicate
def is_action_owner_side(user, item) -> bool:
    if item.owner_id and item.owner_id == user.pk:
        return True
    if item.owner_party == ActionOwnerParty.CLIENT:
        return is_client_staff(user, item)
    return is_contractor_pm(user, item)


@rules.predicate
def action_is_open(user, item) -> bool:
    return item.state == ActionState.OPEN


@rules.predicate
def meeting_unsigned(user, meeting) -> bool:
    from apps.signatures.models import Signature

    return not Signature.objects.for_record(meeting).exists()


may_record_meeting = rule(
    "control.may_record_meeting", control_writer & is_client_staff,
    _("Only the client's project lead or quality inspectors record project meetings."))
may_edit_minutes = rule(
    "control.may_edit_minutes", control_writer & is_client_staff,
    _("Only the client's project lead or quality inspectors edit the minutes."))
may_add_action_item = rule(
    "control.may_add_action_item", control_writer & is_client_staff,
    _("Only the client's project lead or quality inspectors record action items."))
can_edit_meeting = rule(
    "control.can_edit_meeting", may_edit_minutes & meeting_unsigned,
    _("The minutes have been signed and can no longer be changed."))
can_add_action_item = rule(
    "control.can_add_action_item", may_add_action_item & meeting_unsigned,
    _("The minutes have been signed: no action item can be added."))
may_close_action = rule(
    "control.may_close_action", control_writer & (is_action_owner_side | is_client_lead),
    _("Only the responsible party or the client's project lead can close this action item."))
can_close_action = rule(
    "control.can_close_action", may_close_action & action_is_open,
    _("This action item is already closed."))
may_cancel_action = rule(
    "control.may_cancel_action", control_writer & is_client_lead,
    _("Only the client's project lead can cancel an action item."))
can_cancel_action = rule(
    "control.can_cancel_action", may_cancel_action & action_is_open,
    _("This action item is already closed."))

# ---------------------------------------------------------------- quality reports (§8.2.3)


@rules.predicate
def report_editable(user, report) -> bool:
    return report.state in REPORT_EDITABLE


@rules.predicate
def report_submitted(user, report) -> bool:
    return report.state == ReportState.SUBMITTED


@rules.predicate
def report_is_draft(user, report) -> bool:
    return report.state == ReportState.DRAFT


may_prepare_report = rule(
    "control.may_prepare_report", control_writer & is_reporter,
    _("Only the contractor's project manager or special inspector prepares quality reports."))
may_edit_report = rule(
    "control.may_edit_report", control_writer & is_reporter,
    _("Only the contractor's project manager or special inspector edits quality reports."))
may_submit_report = rule(
    "control.may_submit_report", control_writer & is_reporter,
    _("Only the contractor's project manager or special inspector submits quality reports."))
can_edit_report = rule(
    "control.can_edit_report", may_edit_report & report_editable,
    _("A submitted report cannot be changed."))
can_submit_report = rule(
    "control.can_submit_report", may_submit_report & report_editable,
    _("This report has already been submitted."))
may_acknowledge_report = rule(
    "control.may_acknowledge_report", control_writer & is_client_staff,
    _("Only the client's project lead or quality inspectors acknowledge quality reports."))
may_return_report = rule(
    "control.may_return_report", control_writer & is_client_staff,
    _("Only the client's project lead or quality inspectors handle quality reports."))
can_acknowledge_report = rule(
    "control.can_acknowledge_report", may_acknowledge_report & report_submitted,
    _("This report is not awaiting acknowledgement."))
# A draft is the contractor's own until submitted: the report and its files.
can_see_report = rule(
    "control.can_see_report", ~report_is_draft | is_contractor_side,
    _("A draft report is the contractor's own until it is submitted."))

# ---------------------------------------------------------------- progress plan (§8.2.4)


@rules.predicate
def milestone_open(user, milestone) -> bool:
    return milestone.state != MilestoneState.DONE


@rules.predicate
def milestone_held(user, milestone) -> bool:
    return milestone.state == MilestoneState.HELD_FOR_QUALITY


@rules.predicate
def milestone_planned(user, milestone) -> bool:
    return milestone.state == MilestoneState.PLANNED


@rules.predicate
def milestone_in_progress(user, milestone) -> bool:
    return milestone.state == MilestoneState.IN_PROGRESS


may_plan_progress = rule(
    "control.may_plan_progress", control_writer & is_contractor_pm,
    _("Only the contractor's project manager maintains the progress plan."))
may_record_progress = rule(
    "control.may_record_progress", control_writer & is_contractor_pm,
    _("Only the contractor's project manager records the progress."))
can_update_milestone = rule(
    "control.can_update_milestone", may_record_progress & milestone_open,
    _("This stage is already done."))
can_start_milestone = rule(
    "control.can_start_milestone", may_record_progress & milestone_planned,
    _("This stage has already started."))
can_complete_milestone = rule(
    "control.can_complete_milestone", may_record_progress & milestone_in_progress,
    _("Only a stage in progress can be completed."))
# Either side may put quality before the schedule (§8.2.4); the contractor records progress.
may_hold_for_quality = rule(
    "control.may_hold_for_quality", control_writer & (is_client_staff | is_contractor_pm),
    _("Only the client's project team or the contractor's project manager can hold a stage for quality."))
may_resume_milestone = rule(
    "control.may_resume_milestone", control_writer & (is_client_staff | is_contractor_pm),
    _("Only the client's project team or the contractor's project manager can resume a stage."))
can_hold_for_quality = rule(
    "control.can_hold_for_quality", may_hold_for_quality & milestone_open & ~milestone_held,
    _("This stage is done or already held for quality."))
can_resume_milestone = rule(
    "control.can_resume_milestone", may_resume_milestone & milestone_held,
    _("This stage is not held for quality."))

# ---------------------------------------------------------------- improvement plans (§6.2.3, §10.2)


@rules.predicate
def improvement_editable(user, plan) -> bool:
    return plan.state in IMPROVEMENT_EDITABLE


@rules.predicate
def improvement_filed(user, plan) -> bool:
    return plan.state == ImprovementState.FILED


@rules.predicate
def improvement_in_progress(user, plan) -> bool:
    return plan.state == ImprovementState.IN_PROGRESS


@rules.predicate
def improvement_completed(user, plan) -> bool:
    return plan.state == ImprovementState.COMPLETED


@rules.predicate
def improvement_verified(user, plan) -> bool:
    return plan.state == ImprovementState.VERIFIED


@rules.predicate
def improvement_is_draft(user, plan) -> bool:
    return plan.state == ImprovementState.DRAFT


may_write_improvement = rule(
    "control.may_write_improvement", control_writer & is_contractor_pm,
    _("Only the contractor's project manager writes quality improvement plans."))
may_edit_improvement = rule(
    "control.may_edit_improvement", control_writer & is_contractor_pm,
    _("Only the contractor's project manager edits quality improvement plans."))
may_submit_improvement = rule(
    "control.may_submit_improvement", control_writer & is_contractor_pm,
    _("Only the contractor's project manager submits quality improvement plans."))
may_complete_improvement = rule(
    "control.may_complete_improvement", control_writer & is_contractor_pm,
    _("Only the contractor's project manager reports an improvement plan as completed."))
can_edit_improvement = rule(
    "control.can_edit_improvement", may_edit_improvement & improvement_editable,
    _("A plan submitted for filing cannot be changed."))
can_submit_improvement = rule(
    "control.can_submit_improvement", may_submit_improvement & improvement_editable,
    _("This plan has already been submitted."))
can_complete_improvement = rule(
    "control.can_complete_improvement", may_complete_improvement & improvement_in_progress,
    _("Only a filed plan being implemented can be completed."))
may_return_improvement = rule(
    "control.may_return_improvement", control_writer & is_client_staff,
    _("Only the client's project lead or quality inspectors review improvement plans."))
may_file_improvement = rule(
    "control.may_file_improvement", control_writer & is_client_staff,
    _("Only the client's project lead or quality inspectors file improvement plans."))
may_verify_improvement = rule(
    "control.may_verify_improvement", control_writer & is_client_staff,
    _("Only the client's project lead or quality inspectors verify improvement plans."))
can_file_improvement = rule(
    "control.can_file_improvement", may_file_improvement & improvement_filed,
    _("This plan is not awaiting filing."))
can_verify_improvement = rule(
    "control.can_verify_improvement", may_verify_improvement & improvement_completed,
    _("This plan is not awaiting verification."))
# A draft is the contractor's own until submitted for filing: the plan and its files.
can_see_improvement = rule(
    "control.can_see_improvement", ~improvement_is_draft | is_contractor_side,
    _("A draft improvement plan is the contractor's own until it is submitted for filing."))

# ---------------------------------------------------------------- attachments (apps.attachments)

rule("control.can_attach_to_change", change_is_submitted & (is_contractor_pm | is_client_lead),
     _("Files are attached to a change request by the contractor's project manager or the client's project lead, "
       "while it awaits a decision."))
rule("control.can_attach_to_meeting", is_client_staff,
     _("Only the client's project lead or quality inspectors attach files to the minutes."))
rule("control.can_attach_to_report", report_editable & is_contractor_pm,
     _("Only the contractor's project manager attaches files to a quality report, until it is submitted."))
rule("control.can_attach_to_improvement", ~improvement_verified & (is_contractor_pm | is_client_staff),
     _("Files are attached to an improvement plan by the contractor's project manager or the client's project "
       "team, until its effect is verified."))

attachment_rules(ChangeRequest, add="control.can_attach_to_change")
attachment_rules(Meeting, add="control.can_attach_to_meeting")
attachment_rules(QualityReport, add="control.can_attach_to_report", download="control.can_see_report")
attachment_rules(ImprovementPlan, add="control.can_attach_to_improvement", download="control.can_see_improvement")
