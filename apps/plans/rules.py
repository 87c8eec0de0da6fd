"""Who may do what to plan versions: every rule with its refusal sentence, in one place
(``apps.core.permissions.rule``); the role on the project combined with the state.

Contractor PM: writes and submits versions. Client lead or client inspector: returns a
submitted version with comments. Client lead: approves (and signs). Nothing is written while the
project is closed or suspended; regulators read only.
"""

from __future__ import annotations

import rules
from django.utils.translation import gettext_lazy as _

from apps.attachments.registry import attachment_rules
from apps.core.permissions import rule
from apps.projects.rules import (
    is_client_lead,
    is_client_staff,
    is_contractor_pm,
    is_writer,
    project_accepts_records,
    project_of,
)

from .enums import OPEN_STATUSES, PlanStatus
from .models import PlanVersion


@rules.predicate
def version_is_draft(user, version) -> bool:
    return version is not None and version.status == PlanStatus.DRAFT


@rules.predicate
def version_is_submitted(user, version) -> bool:
    return version is not None and version.status == PlanStatus.SUBMITTED


@rules.predicate
def version_is_concluded(user, version) -> bool:
    """Returned or approved: it may be revised into a new version."""
    return version is not None and version.status in (PlanStatus.RETURNED, PlanStatus.APPROVED)


@rules.predicate
def no_open_version(user, obj) -> bool:
    """No version of the project is being prepared or reviewed."""
    return obj is not None and not project_of(obj).plan_versions.filter(status__in=OPEN_STATUSES).exists()


_writing = is_writer & project_accepts_records

# On a project (or any of its versions).
can_create_plan_version = _writing & is_contractor_pm
# Issue 7: an approved change request opens a new version (either party's lead may trigger it).
can_open_plan_version_from_change = _writing & (is_contractor_pm | is_client_lead)
# On a version.
can_edit_plan = can_create_plan_version & version_is_draft
can_submit_plan = can_edit_plan
can_approve_plan = _writing & is_client_lead & version_is_submitted
can_return_plan = _writing & is_client_staff & version_is_submitted

rule("plans.can_create_plan_version", can_create_plan_version,
     _("Only the contractor's project manager can write the implementation plan."))
rule("plans.can_open_plan_version_from_change", can_open_plan_version_from_change,
     _("Only the client lead or the contractor's project manager can open a new plan version."))
rule("plans.can_edit_plan", can_edit_plan,
     _("Only the contractor's project manager can change a plan version, and only before it is submitted."))
rule("plans.can_submit_plan", can_submit_plan, _("Only the contractor's project manager can submit the plan."))
rule("plans.can_approve_plan", can_approve_plan, _("Only the client's project lead can approve the plan."))
rule("plans.can_return_plan", can_return_plan,
     _("Only the client's project lead or quality inspector can return the plan."))

# Buttons: write a new version on the project page, revise one on its page (no other version open).
rule("plans.can_start_plan_version", can_create_plan_version & no_open_version,
     _("Only the contractor's project manager can write a new plan version, and only while no other version "
       "is being prepared or reviewed."))
rule("plans.can_revise_plan", can_create_plan_version & version_is_concluded & no_open_version,
     _("Only the contractor's project manager can revise a returned or approved plan version, and only while "
       "no other version is being prepared or reviewed."))

# The plan documents, the detailed rules and annexes are attached while the version is a draft.
attachment_rules(PlanVersion, add="plans.can_edit_plan")
