"""Who may do what in a sampling inspection: every rule with its refusal sentence, in one place.

"may_*" rules check the person (services check them first, then the state, so that a repeated
action is told the record is no longer in that state); "can_*" rules add the state (the pages
show buttons with them); ``inspection_is_open`` is the state alone (the entry, import and
decide pages send a decided inspection back to its page, saying so).

The client's project lead and quality inspectors sample and decide (§5.2.1). Everyone who sees
the project sees the inspections; the contractor sees the sample and its results only once the
inspection is decided (while it is open, knowing which items were drawn would let the contractor
touch up exactly those items). The same holds for the evidence files of a defect found; the
client's inspectors attach them while the inspection is open.

An acceptance inspection (purpose ``acceptance``, §5.3.1) is opened, recorded and decided also
by the acceptance team: members with the role 验收小组成员 of the client organisation, and
invited experts (验收专家) of another organisation than the contractor.
"""

from __future__ import annotations

import rules
from django.utils.translation import gettext_lazy as _

from apps.accounts.enums import ProjectRole
from apps.attachments.registry import attachment_rules
from apps.core.permissions import rule
from apps.projects.hooks import on_acceptance_team
from apps.projects.rules import (
    active_roles,
    is_client_side,
    is_client_staff,
    is_contractor_side,
    is_writer,
    project_in_implementation,
)

from .enums import InspectionStatus, Purpose
from .models import ItemDefect


@rules.predicate
def inspection_is_open(user, inspection) -> bool:
    return inspection.status == InspectionStatus.OPEN


@rules.predicate
def inspection_is_decided(user, inspection) -> bool:
    return inspection.status == InspectionStatus.DECIDED


# The drawn items and their results: the client side (and a regulator) always; the contractor
# once the inspection is decided.
may_see_sample = ~is_contractor_side | inspection_is_decided

@rules.predicate
def is_acceptance_inspection(user, inspection) -> bool:
    return inspection is not None and inspection.purpose == Purpose.ACCEPTANCE


@rules.predicate
def is_acceptance_team(user, obj) -> bool:
    """A member of the project's acceptance team: 验收小组成员 of the client organisation, or an
    invited 验收专家 who does not belong to the contractor, named to the team by the client lead."""
    if obj is None or not getattr(user, "is_authenticated", False):
        return False
    roles = active_roles(user, obj)
    if ProjectRole.ACCEPTANCE_MEMBER in roles and is_client_side(user, obj):
        allowed_role = True
    else:
        allowed_role = ProjectRole.ACCEPTANCE_EXPERT in roles and not is_contractor_side(user, obj)
    # And named to the team by the client lead (apps.acceptance keeps the team).
    return allowed_role and on_acceptance_team(user, getattr(obj, "project", obj))


may_open_lot_inspection = is_writer & is_client_staff
may_open_acceptance_inspection = is_writer & (is_client_staff | is_acceptance_team)
may_record_lot_results = is_writer & (is_client_staff | (is_acceptance_inspection & is_acceptance_team))
may_decide_lot = is_writer & (is_client_staff | (is_acceptance_inspection & is_acceptance_team))

rule("lot_inspection.may_open_lot_inspection", may_open_lot_inspection,
     _("Only the client's project lead or quality inspector can open a sampling inspection."))
rule("lot_inspection.can_open_lot_inspection", may_open_lot_inspection & project_in_implementation)
rule("lot_inspection.may_open_acceptance_inspection", may_open_acceptance_inspection,
     _("Only the client's project lead or quality inspector, or a member of the acceptance team, can open an "
       "acceptance inspection."))
rule("lot_inspection.may_record_lot_results", may_record_lot_results,
     _("Only the client's project lead or quality inspector (in an acceptance inspection, also the acceptance "
       "team) can record sampling results."))
rule("lot_inspection.can_record_lot_results", may_record_lot_results & inspection_is_open)
rule("lot_inspection.may_decide_lot", may_decide_lot,
     _("Only the client's project lead or quality inspector (in an acceptance inspection, also the acceptance "
       "team) can decide a sampling inspection."))
rule("lot_inspection.can_decide_lot", may_decide_lot & inspection_is_open)
rule("lot_inspection.inspection_is_open", inspection_is_open,
     _("This inspection has been decided; its results can no longer be changed."))
rule("lot_inspection.may_see_lot_sample", may_see_sample,
     _("The sampled items are shown to the contractor once the inspection is decided."))


# ---------------------------------------------------------------- evidence files of a defect found

@rules.predicate
def may_add_defect_evidence(user, defect) -> bool:
    """Evidence is added by the client's inspectors while the inspection is open; the decided
    record stays as decided."""
    inspection = defect.sampled_item.inspection
    return inspection_is_open(user, inspection) and (
        is_client_staff(user, inspection)
        or (is_acceptance_inspection(user, inspection) and is_acceptance_team(user, inspection)))


@rules.predicate
def may_see_defect_evidence(user, defect) -> bool:
    """Like the results: the contractor sees the evidence once the inspection is decided."""
    return may_see_sample(user, defect.sampled_item.inspection)


rule("lot_inspection.may_add_defect_evidence", may_add_defect_evidence,
     _("Files can no longer be attached to this record."))
rule("lot_inspection.may_see_defect_evidence", may_see_defect_evidence,
     _("The sampled items are shown to the contractor once the inspection is decided."))

attachment_rules(ItemDefect, add="lot_inspection.may_add_defect_evidence",
                 download="lot_inspection.may_see_defect_evidence")
