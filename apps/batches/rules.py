"""Who may do what with batches and the contractor's three-level inspection (django-rules).

"may_*" rules check the person (services check them first, then the state); "can_*" rules
add the state (templates show buttons with them).
"""

from __future__ import annotations

import rules

from apps.accounts.enums import ProjectRole
from apps.projects.enums import Phase
from apps.projects.rules import active_roles, is_active_user, is_read_only

from .enums import BatchStatus

# Creates and edits draft batches and their item lists.
EDITOR_ROLES = frozenset({ProjectRole.CONTRACTOR_PM, ProjectRole.CONTRACTOR_INSPECTOR})
# Submits a batch and resubmits a rectified one (§5.2.2: the contractor submits).
SUBMITTER_ROLES = frozenset({ProjectRole.CONTRACTOR_PM})
# Records daily self-checks and mutual checks (an operator only their own).
RECORDER_ROLES = frozenset({ProjectRole.CONTRACTOR_PM, ProjectRole.CONTRACTOR_INSPECTOR,
                            ProjectRole.CONTRACTOR_OPERATOR})
# Records the special inspection (专检) of a batch.
SPECIAL_ROLES = frozenset({ProjectRole.CONTRACTOR_PM, ProjectRole.CONTRACTOR_INSPECTOR})
# The client's sampling inspectors (start the inspection, record the decision).
INSPECTOR_ROLES = frozenset({ProjectRole.CLIENT_LEAD, ProjectRole.CLIENT_INSPECTOR})

# Drafts and three-level records: while the project works (the first batch is produced in
# preparation); submission: implementation only.
WORKING_PHASES = frozenset({Phase.PREPARATION, Phase.IMPLEMENTATION})


def _contractor_roles(user, project) -> set[str]:
    if not user.is_authenticated or user.organization_id != project.contractor_id:
        return set()
    return active_roles(user, project)


def _client_roles(user, project) -> set[str]:
    if not user.is_authenticated or user.organization_id != project.client_id:
        return set()
    return active_roles(user, project)


def is_contractor_side(user, project) -> bool:
    return bool(user.is_authenticated and user.organization_id == project.contractor_id)


@rules.predicate
def is_batch_editor(user, project) -> bool:
    return bool(_contractor_roles(user, project) & EDITOR_ROLES)


@rules.predicate
def is_batch_submitter(user, project) -> bool:
    return bool(_contractor_roles(user, project) & SUBMITTER_ROLES)


@rules.predicate
def is_check_recorder(user, project) -> bool:
    return bool(_contractor_roles(user, project) & RECORDER_ROLES)


@rules.predicate
def is_special_recorder(user, project) -> bool:
    return bool(_contractor_roles(user, project) & SPECIAL_ROLES)


@rules.predicate
def is_lot_inspector(user, project) -> bool:
    return bool(_client_roles(user, project) & INSPECTOR_ROLES)


@rules.predicate
def project_working(user, project) -> bool:
    return project.phase in WORKING_PHASES


@rules.predicate
def project_implementing(user, project) -> bool:
    return project.phase == Phase.IMPLEMENTATION


def _batch_project(predicate):
    @rules.predicate(name=f"batch_{predicate.name}")
    def wrapped(user, batch) -> bool:
        return predicate.test(user, batch.project)

    return wrapped


@rules.predicate
def batch_is_draft(user, batch) -> bool:
    return batch.status == BatchStatus.DRAFT


@rules.predicate
def batch_is_submitted(user, batch) -> bool:
    return batch.status == BatchStatus.SUBMITTED


@rules.predicate
def batch_not_accepted(user, batch) -> bool:
    return batch.status == BatchStatus.NOT_ACCEPTED


_writer = is_active_user & ~is_read_only

# On a project.
may_create_batch = _writer & is_batch_editor
can_create_batch = may_create_batch & project_working
may_record_checks = _writer & is_check_recorder
can_record_checks = may_record_checks & project_working
# On a batch.
may_edit_batch = _writer & _batch_project(is_batch_editor)
can_edit_batch = may_edit_batch & batch_is_draft & _batch_project(project_working)
may_submit_batch = _writer & _batch_project(is_batch_submitter)
can_submit_batch = may_submit_batch & batch_is_draft & _batch_project(project_implementing)
may_record_special_inspection = _writer & _batch_project(is_special_recorder)
can_record_special_inspection = may_record_special_inspection & batch_is_draft & _batch_project(project_working)
may_inspect_batch = _writer & _batch_project(is_lot_inspector)
may_resubmit_batch = may_submit_batch
can_resubmit_batch = may_resubmit_batch & batch_not_accepted & _batch_project(project_implementing)

for _name, _rule in {
    "may_create_batch": may_create_batch, "can_create_batch": can_create_batch,
    "may_record_checks": may_record_checks, "can_record_checks": can_record_checks,
    "may_edit_batch": may_edit_batch, "can_edit_batch": can_edit_batch,
    "may_submit_batch": may_submit_batch, "can_submit_batch": can_submit_batch,
    "may_record_special_inspection": may_record_special_inspection,
    "can_record_special_inspection": can_record_special_inspection,
    "may_inspect_batch": may_inspect_batch,
    "may_resubmit_batch": may_resubmit_batch, "can_resubmit_batch": can_resubmit_batch,
}.items():
    rules.add_rule(f"batches.{_name}", _rule)
