"""Who may do what to qualification review rounds (django-rules: role on the project + state).

Contractor PM: opens rounds, edits documents of a draft round, submits. The security officer
adds and edits the security capability evidence of a draft round. Client lead or client
inspector: checks each document and may reject a submitted round; only the client lead
approves (and signs). Regulators read only.
"""

from __future__ import annotations

import rules

from apps.accounts.enums import ProjectRole
from apps.projects.enums import Phase
from apps.projects.rules import has_project_role, project_of, is_active_user, is_read_only

from .enums import DocumentKind, ReviewStatus


_project_of = project_of
_has_role = has_project_role


@rules.predicate
def project_writable(user, obj) -> bool:
    return obj is not None and _project_of(obj).phase not in (Phase.CLOSED, Phase.SUSPENDED)


@rules.predicate
def is_contractor_pm(user, obj) -> bool:
    return _has_role(user, obj, ProjectRole.CONTRACTOR_PM)


@rules.predicate
def is_security_officer(user, obj) -> bool:
    return _has_role(user, obj, ProjectRole.SECURITY_OFFICER)


@rules.predicate
def is_client_lead(user, obj) -> bool:
    return _has_role(user, obj, ProjectRole.CLIENT_LEAD)


@rules.predicate
def is_client_reviewer(user, obj) -> bool:
    return _has_role(user, obj, ProjectRole.CLIENT_LEAD, ProjectRole.CLIENT_INSPECTOR)


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


_writer = is_active_user & ~is_read_only

# On a project: open a new round (the service also refuses while a round is open).
can_open_qualification_round = _writer & is_contractor_pm & project_writable
# On a round.
can_add_qualification_document = _writer & (is_contractor_pm | is_security_officer) & review_is_draft \
    & project_writable
can_submit_qualification = _writer & is_contractor_pm & review_is_draft & project_writable
can_approve_qualification = _writer & is_client_lead & review_is_submitted & project_writable
can_reject_qualification = _writer & is_client_reviewer & review_is_submitted & project_writable
# On a document.
may_edit_document = _writer & document_round_is_draft & project_writable \
    & (is_contractor_pm | (is_security_officer & document_is_security_evidence))
can_check_qualification_document = _writer & is_client_reviewer & document_round_is_submitted & project_writable

rules.add_rule("qualification.can_open_qualification_round", can_open_qualification_round)
rules.add_rule("qualification.can_add_qualification_document", can_add_qualification_document)
rules.add_rule("qualification.can_submit_qualification", can_submit_qualification)
rules.add_rule("qualification.can_approve_qualification", can_approve_qualification)
rules.add_rule("qualification.can_reject_qualification", can_reject_qualification)
rules.add_rule("qualification.can_edit_qualification_document", may_edit_document)
rules.add_rule("qualification.can_check_qualification_document", can_check_qualification_document)
