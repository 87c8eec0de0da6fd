"""Who may do what to qualification review rounds: every rule with its refusal sentence, in one
place (``apps.core.permissions.rule``); the role on the project combined with the state.

Contractor PM: opens rounds, edits documents of a draft round, submits. The security officer
adds and edits the security capability evidence of a draft round. Client lead or client
inspector: checks each document and may reject a submitted round; only the client lead
approves (and signs). Nothing is written while the project is closed or suspended; regulators
read only.
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
    is_security_officer,
    is_writer,
    project_accepts_records,
    project_of,
)

from .enums import OPEN_STATUSES, DocumentKind, ReviewStatus
from .models import QualificationDocument


@rules.predicate
def review_is_draft(user, review) -> bool:
    return review is not None and review.status == ReviewStatus.DRAFT


@rules.predicate
def review_is_submitted(user, review) -> bool:
    return review is not None and review.status == ReviewStatus.SUBMITTED


@rules.predicate
def document_round_is_draft(user, document) -> bool:
    return document is not None and document.review.status == ReviewStatus.DRAFT


@rules.predicate
def document_round_is_submitted(user, document) -> bool:
    return document is not None and document.review.status == ReviewStatus.SUBMITTED


@rules.predicate
def document_is_security_evidence(user, document) -> bool:
    return document is not None and document.kind == DocumentKind.SECURITY_EVIDENCE


@rules.predicate
def no_open_round(user, obj) -> bool:
    """No round of the project is a draft or awaits the client's review."""
    return obj is not None and not project_of(obj).qualification_reviews.filter(status__in=OPEN_STATUSES).exists()


_writing = is_writer & project_accepts_records

# On a project: open a new round (the service also refuses while a round is open).
can_open_qualification_round = _writing & is_contractor_pm
# On a round.
can_add_qualification_document = _writing & (is_contractor_pm | is_security_officer) & review_is_draft
can_submit_qualification = _writing & is_contractor_pm & review_is_draft
can_approve_qualification = _writing & is_client_lead & review_is_submitted
can_reject_qualification = _writing & is_client_staff & review_is_submitted
# On a document.
may_edit_document = _writing & document_round_is_draft \
    & (is_contractor_pm | (is_security_officer & document_is_security_evidence))
can_check_qualification_document = _writing & is_client_staff & document_round_is_submitted

rule("qualification.can_open_qualification_round", can_open_qualification_round,
     _("Only the contractor's project manager can open a qualification review round."))
rule("qualification.can_start_round", can_open_qualification_round & no_open_round,
     _("Only the contractor's project manager can open a qualification review round, and only while no "
       "other round is open."))
rule("qualification.can_add_qualification_document", can_add_qualification_document,
     _("Only the contractor can add documents, and only to a round that has not been submitted."))
# Every kind of document: the contractor PM; the security officer adds security evidence only.
rule("qualification.may_add_any_document", can_open_qualification_round,
     _("The security officer can only add security capability evidence."))
rule("qualification.can_submit_qualification", can_submit_qualification,
     _("Only the contractor's project manager can submit the qualification documents."))
rule("qualification.can_approve_qualification", can_approve_qualification,
     _("Only the client's project lead can approve the qualification review."))
rule("qualification.can_reject_qualification", can_reject_qualification,
     _("Only the client's project lead or quality inspector can reject the qualification review."))
rule("qualification.can_edit_qualification_document", may_edit_document,
     _("You cannot change this document: only its contractor authors can, while the round is a draft."))
rule("qualification.can_check_qualification_document", can_check_qualification_document,
     _("Only the client's project lead or quality inspector can review submitted documents."))

# Files are evidence of what was reviewed: attached only while the round is a draft, by its authors.
attachment_rules(QualificationDocument, add="qualification.can_edit_qualification_document")
