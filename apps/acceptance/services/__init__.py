"""Writes of the acceptance. Each service checks the person (``require`` with the rule of
``rules.py``), then the input, then the state under the row lock, saves with a history reason
and tells the people concerned (``apps.core.notify``).

- :mod:`.application`: the application and its materials (§6.5.1), the client's review;
- :mod:`.team`: the acceptance team (§5.3.1);
- :mod:`.rounds`: rounds (§5.3.2), the plan and the inspection;
- :mod:`.report`: the report, its signatures and the conclusion (§8.3.2);
- :mod:`.problems`: common problems (§5.3.2);
- :mod:`.common`: what they share.
"""

from __future__ import annotations

from .application import (
    application_blockers,
    application_create,
    application_review,
    application_submit,
    application_update,
    line_add,
    line_remove,
    line_update,
)
from .problems import common_problem_record
from .report import inspection_figures, round_conclude, round_report_issue, team_signatures
from .rounds import round_inspection_open, round_plan_approve, round_plan_update, round_start
from .team import eligible_role, team_leader_set, team_member_add, team_member_remove

__all__ = [
    "application_blockers", "application_create", "application_review", "application_submit", "application_update",
    "common_problem_record", "eligible_role", "inspection_figures", "line_add", "line_remove", "line_update",
    "round_conclude", "round_inspection_open", "round_plan_approve", "round_plan_update", "round_report_issue",
    "round_start", "team_leader_set", "team_member_add", "team_member_remove", "team_signatures",
]
