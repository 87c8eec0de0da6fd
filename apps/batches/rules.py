"""Who may do what with batches and the contractor's three-level inspection.

"may_*" rules check the person (services check them first, then the state); "can_*" rules
add the state (templates show buttons with them). Each rule is registered once, with the
sentence a refused person reads (``apps.core.permissions.rule``); services, pages and the API
ask it by name.
"""

from __future__ import annotations

import rules
from django.utils.translation import gettext_lazy as _

from apps.accounts.enums import ProjectRole
from apps.core.permissions import rule
from apps.projects.rules import (
    is_client_staff,
    is_contractor_inspector,
    is_contractor_pm,
    is_writer,
    project_in_implementation,
    project_in_preparation_or_implementation,
    role_predicate,
)

from .enums import BatchStatus

# Creates and edits draft batches and their item lists; records the special inspection (专检).
is_batch_editor = role_predicate("is_batch_editor", ProjectRole.CONTRACTOR_PM, ProjectRole.CONTRACTOR_INSPECTOR)
# Records daily self-checks and mutual checks (an operator only their own).
is_check_recorder = role_predicate("is_check_recorder", ProjectRole.CONTRACTOR_PM, ProjectRole.CONTRACTOR_INSPECTOR,
                                   ProjectRole.CONTRACTOR_OPERATOR)


@rules.predicate
def batch_is_draft(user, batch) -> bool:
    return batch.status == BatchStatus.DRAFT


@rules.predicate
def batch_not_accepted(user, batch) -> bool:
    return batch.status == BatchStatus.NOT_ACCEPTED


# Drafts and three-level records: while the project works (the first batch is produced in
# preparation); submission and resubmission: implementation only (§5.2.2).

# ---------------------------------------------------------------- on a project

may_create_batch = rule(
    "batches.may_create_batch", is_writer & is_batch_editor,
    _("Only the contractor's project manager or special inspector can create batches."))
can_create_batch = rule(
    "batches.can_create_batch", may_create_batch & project_in_preparation_or_implementation,
    _("Only the contractor's project manager or special inspector can create batches, while the project is in "
      "preparation or implementation."))

may_record_checks = rule(
    "batches.may_record_checks", is_writer & is_check_recorder,
    _("Only the contractor's project manager, special inspector or operators can record self-checks and mutual "
      "checks."))
can_record_checks = rule(
    "batches.can_record_checks", may_record_checks & project_in_preparation_or_implementation,
    _("Only the contractor's project manager, special inspector or operators can record self-checks and mutual "
      "checks, while the project is in preparation or implementation."))
may_record_self_checks = rule(
    "batches.may_record_self_checks", may_record_checks,
    _("Only the contractor's project manager, special inspector or operators can record self-checks."))
may_record_mutual_checks = rule(
    "batches.may_record_mutual_checks", may_record_checks,
    _("Only the contractor's project manager, special inspector or operators can record mutual checks."))
# The PM and the special inspector record for any operator; an operator only their own.
may_record_self_checks_of_others = rule(
    "batches.may_record_self_checks_of_others", is_writer & (is_contractor_pm | is_contractor_inspector),
    _("Operators record their own self-checks only."))
may_record_mutual_checks_of_others = rule(
    "batches.may_record_mutual_checks_of_others", is_writer & (is_contractor_pm | is_contractor_inspector),
    _("Operators record the mutual checks they made themselves only."))

# ---------------------------------------------------------------- on a batch

batch_is_draft_rule = rule(
    "batches.batch_is_draft", batch_is_draft, _("Only a draft batch can be changed."))
may_edit_batch = rule(
    "batches.may_edit_batch", is_writer & is_batch_editor,
    _("Only the contractor's project manager or special inspector can change a batch."))
can_edit_batch = rule(
    "batches.can_edit_batch", may_edit_batch & batch_is_draft & project_in_preparation_or_implementation,
    _("Only the contractor's project manager or special inspector can change a draft batch, while the project is "
      "in preparation or implementation."))
may_submit_batch = rule(
    "batches.may_submit_batch", is_writer & is_contractor_pm,
    _("Only the contractor's project manager can submit a batch."))
can_submit_batch = rule(
    "batches.can_submit_batch", may_submit_batch & batch_is_draft & project_in_implementation,
    _("Only the contractor's project manager can submit a draft batch, while the project is in implementation."))
may_record_special_inspection = rule(
    "batches.may_record_special_inspection", is_writer & is_batch_editor,
    _("Only the contractor's project manager or special inspector can record a special inspection."))
can_record_special_inspection = rule(
    "batches.can_record_special_inspection",
    may_record_special_inspection & batch_is_draft & project_in_preparation_or_implementation,
    _("Only the contractor's project manager or special inspector can record the special inspection of a draft "
      "batch, while the project is in preparation or implementation."))
may_inspect_batch = rule(
    "batches.may_inspect_batch", is_writer & is_client_staff,
    _("Only the client's project lead or quality inspector can inspect a batch."))
may_decide_batch = rule(
    "batches.may_decide_batch", is_writer & is_client_staff,
    _("Only the client's project lead or quality inspector can decide on a batch."))
may_resubmit_batch = rule(
    "batches.may_resubmit_batch", may_submit_batch,
    _("Only the contractor's project manager can resubmit a batch."))
can_resubmit_batch = rule(
    "batches.can_resubmit_batch", may_resubmit_batch & batch_not_accepted & project_in_implementation,
    _("Only the contractor's project manager can resubmit a batch that was not accepted, while the project is in "
      "implementation."))
