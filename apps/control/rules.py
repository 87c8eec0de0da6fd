"""Who may do what in project control (django-rules), combining the project role and the state.

"may_*" rules check the person (services check them first, then the state, so that a repeated
action is told the record is no longer in that state); "can_*" rules add the state (templates
show buttons with them). The regulator is read-only everywhere (``is_read_only``).
"""

from __future__ import annotations

import rules

from apps.accounts.enums import ProjectRole
from apps.projects.enums import Phase
from apps.projects.rules import has_project_role, is_active_user, is_read_only, project_of

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

CLIENT_LEAD = frozenset({ProjectRole.CLIENT_LEAD})
CLIENT_STAFF = frozenset({ProjectRole.CLIENT_LEAD, ProjectRole.CLIENT_INSPECTOR})
CONTRACTOR_PM = frozenset({ProjectRole.CONTRACTOR_PM})
# §6.3.1: the contractor cooperates in the risk assessment: its PM and security officer propose
# risk points and keep their control measures up to date.
CONTRACTOR_RISK = frozenset({ProjectRole.CONTRACTOR_PM, ProjectRole.SECURITY_OFFICER})
# The contractor's quality and data report is prepared by its PM or special inspector.
REPORTERS = frozenset({ProjectRole.CONTRACTOR_PM, ProjectRole.CONTRACTOR_INSPECTOR})


def _role(roles):
    @rules.predicate
    def has_role(user, obj) -> bool:
        return has_project_role(user, obj, *roles)

    return has_role


is_client_lead = _role(CLIENT_LEAD)
is_client_staff = _role(CLIENT_STAFF)
is_contractor_pm = _role(CONTRACTOR_PM)
is_contractor_risk = _role(CONTRACTOR_RISK)
is_reporter = _role(REPORTERS)


@rules.predicate
def project_writable(user, obj) -> bool:
    return project_of(obj).phase != Phase.CLOSED


_writer = is_active_user & ~is_read_only & project_writable

# ---------------------------------------------------------------- risk register (§5.2.2, §6.3.1)


@rules.predicate
def risk_point_active(user, point) -> bool:
    return point.status == RiskPointStatus.ACTIVE


may_add_risk_point = _writer & (is_client_staff | is_contractor_risk)
may_rate_risk = _writer & is_client_lead
can_edit_risk_point = _writer & (is_client_lead | is_contractor_risk) & risk_point_active
can_rate_risk_point = may_rate_risk & risk_point_active
may_assess_risk = _writer & is_client_lead

# ---------------------------------------------------------------- change requests (§6.4.2)


@rules.predicate
def change_is_submitted(user, change) -> bool:
    return change.state == ChangeState.SUBMITTED


@rules.predicate
def change_is_approved(user, change) -> bool:
    return change.state == ChangeState.APPROVED


may_request_change = _writer & is_contractor_pm
may_decide_change = _writer & is_client_lead
can_decide_change = may_decide_change & change_is_submitted
can_withdraw_change = may_request_change & change_is_submitted
can_confirm_change = may_request_change & change_is_approved

# ---------------------------------------------------------------- meetings (§8.2.3)


@rules.predicate
def is_action_owner_side(user, item) -> bool:
    if item.owner_id and item.owner_id == user.pk:
        return True
    if item.owner_party == ActionOwnerParty.CLIENT:
        return has_project_role(user, item, *CLIENT_STAFF)
    return has_project_role(user, item, *CONTRACTOR_PM)


@rules.predicate
def action_is_open(user, item) -> bool:
    return item.state == ActionState.OPEN


@rules.predicate
def meeting_unsigned(user, meeting) -> bool:
    from apps.signatures.models import Signature

    return not Signature.objects.for_record(meeting).exists()


may_record_meeting = _writer & is_client_staff
can_edit_meeting = may_record_meeting & meeting_unsigned
may_close_action = _writer & (is_action_owner_side | is_client_lead)
can_close_action = may_close_action & action_is_open
may_cancel_action = _writer & is_client_lead
can_cancel_action = may_cancel_action & action_is_open

# ---------------------------------------------------------------- quality reports (§8.2.3)


@rules.predicate
def report_editable(user, report) -> bool:
    return report.state in REPORT_EDITABLE


@rules.predicate
def report_submitted(user, report) -> bool:
    return report.state == ReportState.SUBMITTED


may_prepare_report = _writer & is_reporter
can_edit_report = may_prepare_report & report_editable
may_acknowledge_report = _writer & is_client_staff
can_acknowledge_report = may_acknowledge_report & report_submitted

# ---------------------------------------------------------------- progress plan (§8.2.4)


@rules.predicate
def milestone_open(user, milestone) -> bool:
    return milestone.state != MilestoneState.DONE


@rules.predicate
def milestone_held(user, milestone) -> bool:
    return milestone.state == MilestoneState.HELD_FOR_QUALITY


may_plan_progress = _writer & is_contractor_pm
can_update_milestone = may_plan_progress & milestone_open
# Either side may put quality before the schedule (§8.2.4); the contractor records progress.
may_hold_for_quality = _writer & (is_client_staff | is_contractor_pm)
can_hold_for_quality = may_hold_for_quality & milestone_open & ~milestone_held
can_resume_milestone = may_hold_for_quality & milestone_held

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


may_write_improvement = _writer & is_contractor_pm
can_edit_improvement = may_write_improvement & improvement_editable
can_complete_improvement = may_write_improvement & improvement_in_progress
may_review_improvement = _writer & is_client_staff
can_file_improvement = may_review_improvement & improvement_filed
can_verify_improvement = may_review_improvement & improvement_completed

for _name, _rule in {
    "control.may_add_risk_point": may_add_risk_point, "control.can_edit_risk_point": can_edit_risk_point,
    "control.may_rate_risk": may_rate_risk, "control.can_rate_risk_point": can_rate_risk_point, "control.may_assess_risk": may_assess_risk,
    "control.may_request_change": may_request_change, "control.may_decide_change": may_decide_change,
    "control.can_decide_change": can_decide_change, "control.can_withdraw_change": can_withdraw_change,
    "control.can_confirm_change": can_confirm_change,
    "control.may_record_meeting": may_record_meeting, "control.can_edit_meeting": can_edit_meeting,
    "control.may_close_action": may_close_action, "control.can_close_action": can_close_action,
    "control.may_cancel_action": may_cancel_action, "control.can_cancel_action": can_cancel_action,
    "control.may_prepare_report": may_prepare_report, "control.can_edit_report": can_edit_report,
    "control.may_acknowledge_report": may_acknowledge_report, "control.can_acknowledge_report": can_acknowledge_report,
    "control.may_plan_progress": may_plan_progress, "control.can_update_milestone": can_update_milestone,
    "control.may_hold_for_quality": may_hold_for_quality, "control.can_hold_for_quality": can_hold_for_quality,
    "control.can_resume_milestone": can_resume_milestone,
    "control.may_write_improvement": may_write_improvement, "control.can_edit_improvement": can_edit_improvement,
    "control.can_complete_improvement": can_complete_improvement, "control.may_review_improvement": may_review_improvement,
    "control.can_file_improvement": can_file_improvement, "control.can_verify_improvement": can_verify_improvement,
}.items():
    rules.add_rule(_name, _rule)
