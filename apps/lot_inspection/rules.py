"""Who may do what in a sampling inspection (django-rules).

"may_*" rules check the person (services check them first, then the state, so that a repeated
action is told the record is no longer in that state); "can_*" rules add the state (templates
show buttons with them).

The client's project lead and quality inspectors sample and decide (§5.2.1). Everyone who sees
the project sees the inspections; the contractor sees the sample and its results only once the
inspection is decided (while it is open, knowing which items were drawn would let the contractor
touch up exactly those items).
"""

from __future__ import annotations

import rules

from apps.accounts.enums import ProjectRole
from apps.projects.enums import Phase
from apps.projects.rules import active_roles, is_active_user, is_read_only

from .enums import InspectionStatus

INSPECTOR_ROLES = frozenset({ProjectRole.CLIENT_LEAD, ProjectRole.CLIENT_INSPECTOR})


def is_client_inspector_of(user, project) -> bool:
    return bool(user.is_authenticated and user.organization_id == project.client_id
                and active_roles(user, project) & INSPECTOR_ROLES)


def is_client_side(user, project) -> bool:
    return bool(user.is_authenticated and user.organization_id == project.client_id)


@rules.predicate
def is_lot_inspector(user, project) -> bool:
    return is_client_inspector_of(user, project)


@rules.predicate
def is_inspection_inspector(user, inspection) -> bool:
    return is_client_inspector_of(user, inspection.project)


@rules.predicate
def inspection_is_open(user, inspection) -> bool:
    return inspection.status == InspectionStatus.OPEN


@rules.predicate
def project_in_implementation(user, project) -> bool:
    # Batches are submitted and inspected during implementation (apps.batches enforces it too).
    return project.phase == Phase.IMPLEMENTATION


@rules.predicate
def may_see_sample(user, inspection) -> bool:
    """The drawn items and their results: the client side (and a regulator) always; the
    contractor once the inspection is decided."""
    project = inspection.project
    if user.is_authenticated and user.organization_id == project.contractor_id:
        return inspection.status == InspectionStatus.DECIDED
    return True


may_open_lot_inspection = is_active_user & ~is_read_only & is_lot_inspector
can_open_lot_inspection = may_open_lot_inspection & project_in_implementation
may_record_lot_results = is_active_user & ~is_read_only & is_inspection_inspector
can_record_lot_results = may_record_lot_results & inspection_is_open
may_decide_lot = is_active_user & ~is_read_only & is_inspection_inspector
can_decide_lot = may_decide_lot & inspection_is_open

rules.add_rule("lot_inspection.may_open_lot_inspection", may_open_lot_inspection)
rules.add_rule("lot_inspection.can_open_lot_inspection", can_open_lot_inspection)
rules.add_rule("lot_inspection.may_record_lot_results", may_record_lot_results)
rules.add_rule("lot_inspection.can_record_lot_results", can_record_lot_results)
rules.add_rule("lot_inspection.may_decide_lot", may_decide_lot)
rules.add_rule("lot_inspection.can_decide_lot", can_decide_lot)
rules.add_rule("lot_inspection.may_see_lot_sample", may_see_sample)
