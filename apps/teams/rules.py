"""Who may do what on team and equipment filings: every rule with its refusal sentence, in one
place (``apps.core.permissions.rule``).

- the contractor's project manager files staff and equipment, corrects what is not yet
  approved, withdraws equipment and requests (or withdraws) staff changes;
- the client's project lead or quality inspector decides filings and equipment;
- the client's project lead decides staff changes, ends filings and prepares integrity pledges;
- nothing is written while the project is closed or suspended; regulators read only.

The role rules (``can_file``, ``may_*``, …) take the project or any of its records: services and
pages ask them, and the services then refuse a wrong state themselves (code
``illegal_transition``). The record rules (``can_edit_filing``, ``can_decide_filing``, …) add the
record's state: the pages show a button with them.
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
)

from .enums import ChangeStatus, FilingStatus
from .models import StaffFiling


@rules.predicate
def is_submitted(user, obj) -> bool:
    return obj.status == FilingStatus.SUBMITTED


@rules.predicate
def is_rejected_or_submitted(user, obj) -> bool:
    return obj.status in (FilingStatus.SUBMITTED, FilingStatus.REJECTED)


@rules.predicate
def is_approved(user, obj) -> bool:
    return obj.status == FilingStatus.APPROVED


@rules.predicate
def is_not_ended(user, obj) -> bool:
    return obj.status != FilingStatus.ENDED


@rules.predicate
def awaits_staff_change(user, obj) -> bool:
    """A newcomer's filing is decided through its staff change, not on its own."""
    return obj.changes_incoming.filter(status=ChangeStatus.REQUESTED).exists()


@rules.predicate
def change_is_requested(user, obj) -> bool:
    return obj.status == ChangeStatus.REQUESTED


@rules.predicate
def is_the_filed_person(user, filing) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.pk == filing.person_id
                and user.organization_id == filing.project.contractor_id)


_writing = is_writer & project_accepts_records

can_file_staff = _writing & is_contractor_pm
can_review_filings = _writing & is_client_staff
can_decide_staff_change = _writing & is_client_lead

# ---------------------------------------------------------------- role rules (project or record)

rule("teams.can_file", can_file_staff, _("Only the contractor's project manager can file staff."))
rule("teams.may_change_filing", can_file_staff, _("Only the contractor's project manager can change a filing."))
rule("teams.may_file_equipment", can_file_staff, _("Only the contractor's project manager can file equipment."))
rule("teams.may_change_equipment", can_file_staff,
     _("Only the contractor's project manager can change an equipment filing."))
rule("teams.may_retire_equipment", can_file_staff,
     _("Only the contractor's project manager can withdraw equipment."))
rule("teams.can_review", can_review_filings,
     _("Only the client's project lead or quality inspector can decide on filings."))
rule("teams.may_end_filing", can_decide_staff_change, _("Only the client's project lead can end a filing."))
rule("teams.can_request_change", can_file_staff,
     _("Only the contractor's project manager can request a staff change."))
rule("teams.may_withdraw_change", can_file_staff,
     _("Only the contractor's project manager can withdraw a staff change."))
rule("teams.can_decide_change", can_decide_staff_change,
     _("Only the client's project lead can decide on a staff change."))
rule("teams.can_manage_pledges", _writing & is_client_lead,
     _("Only the client's project lead can prepare integrity pledges."))

# ---------------------------------------------------------------- record rules (role and state)

rule("teams.can_edit_filing", can_file_staff & is_rejected_or_submitted,
     _("Only the contractor's project manager can change a filing, and only before it is approved."))
rule("teams.can_decide_filing", can_review_filings & is_submitted & ~awaits_staff_change,
     _("Only the client's project lead or quality inspector can decide on a submitted filing."))
rule("teams.can_decide_equipment", can_review_filings & is_submitted,
     _("Only the client's project lead or quality inspector can decide on submitted equipment."))
rule("teams.can_retire_equipment", can_file_staff & is_approved,
     _("Only the contractor's project manager can withdraw equipment, and only approved equipment."))
rule("teams.can_end_filing", can_decide_staff_change & is_approved,
     _("Only the client's project lead can end a filing, and only an approved one."))
rule("teams.can_decide_change_record", can_decide_staff_change & change_is_requested,
     _("Only the client's project lead can decide on a staff change that awaits a decision."))
rule("teams.can_withdraw_change", can_file_staff & change_is_requested,
     _("Only the contractor's project manager can withdraw a staff change that awaits a decision."))

# ---------------------------------------------------------------- attachments

# The contractor's PM files the person's papers, or the person their own (§8.1.1), until the
# filing ends.
rule("teams.can_attach_to_filing", is_not_ended & (is_contractor_pm | is_the_filed_person),
     _("Only the contractor's project manager or the filed person can attach proofs, and only until the "
       "filing ends."))
attachment_rules(StaffFiling, add="teams.can_attach_to_filing")
