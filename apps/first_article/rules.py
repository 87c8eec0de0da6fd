"""Who may do what in the first-article loop (django-rules), combining project role and state.

"may_*" rules check the person (services check them first, then the state, so that a repeated
action is told the record is no longer in that state); "can_*" rules add the state (templates
show buttons with them).
"""

from __future__ import annotations

import rules

from apps.accounts.enums import ProjectRole
from apps.projects.enums import Phase
from apps.projects.rules import active_roles, is_active_user, is_read_only

from .enums import ContactSheetState, VerificationStatus

SUBMITTER_ROLES = frozenset({ProjectRole.CONTRACTOR_PM, ProjectRole.CONTRACTOR_INSPECTOR})
VERIFIER_ROLES = frozenset({ProjectRole.CLIENT_LEAD, ProjectRole.CLIENT_INSPECTOR})
# First-article work happens before batch production: in preparation or implementation.
WORKING_PHASES = frozenset({Phase.PREPARATION, Phase.IMPLEMENTATION})


def _is_submitter(user, project) -> bool:
    return bool(user.is_authenticated and user.organization_id == project.contractor_id
                and active_roles(user, project) & SUBMITTER_ROLES)


def _is_verifier(user, project) -> bool:
    return bool(user.is_authenticated and user.organization_id == project.client_id
                and active_roles(user, project) & VERIFIER_ROLES)


@rules.predicate
def is_fa_submitter(user, project) -> bool:
    return _is_submitter(user, project)


@rules.predicate
def project_in_working_phase(user, project) -> bool:
    return project.phase in WORKING_PHASES


@rules.predicate
def first_article_open_for_submission(user, project) -> bool:
    from .selectors import submission_refusal

    return submission_refusal(project) is None


@rules.predicate
def is_verification_verifier(user, verification) -> bool:
    return _is_verifier(user, verification.project)


@rules.predicate
def verification_is_submitted(user, verification) -> bool:
    return verification.status == VerificationStatus.SUBMITTED


@rules.predicate
def is_sheet_answerer(user, sheet) -> bool:
    return _is_submitter(user, sheet.project)


@rules.predicate
def sheet_is_open(user, sheet) -> bool:
    return sheet.state == ContactSheetState.OPEN


may_submit_first_article = is_active_user & ~is_read_only & is_fa_submitter
can_submit_first_article = may_submit_first_article & project_in_working_phase & first_article_open_for_submission
may_verify_first_article = is_active_user & ~is_read_only & is_verification_verifier
can_verify_first_article = may_verify_first_article & verification_is_submitted
may_answer_contact_sheet = is_active_user & ~is_read_only & is_sheet_answerer
can_answer_contact_sheet = may_answer_contact_sheet & sheet_is_open

rules.add_rule("first_article.may_submit_first_article", may_submit_first_article)
rules.add_rule("first_article.can_submit_first_article", can_submit_first_article)
rules.add_rule("first_article.may_verify_first_article", may_verify_first_article)
rules.add_rule("first_article.can_verify_first_article", can_verify_first_article)
rules.add_rule("first_article.may_answer_contact_sheet", may_answer_contact_sheet)
rules.add_rule("first_article.can_answer_contact_sheet", can_answer_contact_sheet)
