"""Who may do what with sampling settings and switching states (django-rules).

- the client's project lead edits the contract's sampling settings and takes the decisions
  GB/T 2828.1 leaves to the responsible authority (switch to reduced inspection, return to
  normal, resume after discontinuation);
- the client lead or the client's quality inspector records lot results (through the lot
  inspection's decision);
- everyone who sees the project sees the settings and the switching states (the regulator
  read-only).
"""

from __future__ import annotations

import rules

from apps.accounts.enums import ProjectRole
from apps.projects.rules import has_project_role, is_active_user, is_client_lead, is_read_only, project_not_closed

RECORDER_ROLES = (ProjectRole.CLIENT_LEAD, ProjectRole.CLIENT_INSPECTOR)


@rules.predicate
def is_lot_recorder(user, project) -> bool:
    return has_project_role(user, project, *RECORDER_ROLES)


may_edit_sampling_settings = is_active_user & ~is_read_only & is_client_lead & project_not_closed
may_manage_switching = is_active_user & ~is_read_only & is_client_lead & project_not_closed
may_record_lot_result = is_active_user & ~is_read_only & is_lot_recorder

rules.add_rule("sampling.may_edit_sampling_settings", may_edit_sampling_settings)
rules.add_rule("sampling.may_manage_switching", may_manage_switching)
rules.add_rule("sampling.may_record_lot_result", may_record_lot_result)
