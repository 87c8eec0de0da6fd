"""Writes of project control, one service per transition (§5.2.2, §6.2.3, §6.3.1, §6.4.2,
§8.2.3–8.2.4, §10.2), one module per tab of the control page. Each service checks the person
first (``require`` of its rule), then the input, then the state (under a row lock), saves with a
history reason and notifies on commit (``apps.core.notify``).

Every public service is keyword-only: ``<entity>_<action>(*, <entity>, user, …)``; a record is
created from its parent (``risk_point_add(*, project, user, …)``).
"""

from .changes import (
    change_request_approve,
    change_request_confirm,
    change_request_reject,
    change_request_submit,
    change_request_withdraw,
)
from .improvements import (
    improvement_plan_complete,
    improvement_plan_create,
    improvement_plan_file,
    improvement_plan_return,
    improvement_plan_submit,
    improvement_plan_update,
    improvement_plan_verify,
)
from .meetings import (
    action_item_add,
    action_item_cancel,
    action_item_complete,
    meeting_record,
    meeting_update,
)
from .progress import (
    milestone_add,
    milestone_complete,
    milestone_hold_for_quality,
    milestone_record_progress,
    milestone_resume,
    milestone_start,
)
from .reports import (
    quality_report_acknowledge,
    quality_report_prepare,
    quality_report_return,
    quality_report_submit,
    quality_report_update,
)
from .risks import (
    project_started,
    risk_assessment_complete,
    risk_point_add,
    risk_point_rate,
    risk_point_retire,
    risk_point_update,
    risk_reassessment_request,
)

__all__ = [
    "action_item_add",
    "action_item_cancel",
    "action_item_complete",
    "change_request_approve",
    "change_request_confirm",
    "change_request_reject",
    "change_request_submit",
    "change_request_withdraw",
    "improvement_plan_complete",
    "improvement_plan_create",
    "improvement_plan_file",
    "improvement_plan_return",
    "improvement_plan_submit",
    "improvement_plan_update",
    "improvement_plan_verify",
    "meeting_record",
    "meeting_update",
    "milestone_add",
    "milestone_complete",
    "milestone_hold_for_quality",
    "milestone_record_progress",
    "milestone_resume",
    "milestone_start",
    "project_started",
    "quality_report_acknowledge",
    "quality_report_prepare",
    "quality_report_return",
    "quality_report_submit",
    "quality_report_update",
    "risk_assessment_complete",
    "risk_point_add",
    "risk_point_rate",
    "risk_point_retire",
    "risk_point_update",
    "risk_reassessment_request",
]
