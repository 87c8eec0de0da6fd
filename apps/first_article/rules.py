"""Who may do what in the first-article loop (django-rules), combining project role and state.

"may_*" rules check the person (services check them first, then the state, so that a repeated
action is told the record is no longer in that state); "can_*" rules add the state (templates
show buttons with them). Each rule is registered with the sentence that refuses it.
"""

from __future__ import annotations

import rules
from django.utils.translation import gettext_lazy as _

from apps.accounts.enums import ProjectRole
from apps.attachments.registry import attachment_rules
from apps.core.permissions import rule
from apps.projects.rules import (
    is_client_staff,
    is_writer,
    project_in_preparation_or_implementation,
    role_predicate,
)

from .enums import ContactSheetState, VerificationStatus
from .models import FirstArticleVerification, RectificationSheet, WorkContactSheet

# The contractor's project manager and special inspector submit rounds and answer contact
# sheets; the client's project lead and quality inspectors (``is_client_staff``) verify.
SUBMITTER_ROLES = frozenset({ProjectRole.CONTRACTOR_PM, ProjectRole.CONTRACTOR_INSPECTOR})
is_first_article_submitter = role_predicate("is_first_article_submitter", *SUBMITTER_ROLES)


@rules.predicate
def first_article_open_for_submission(user, project) -> bool:
    from .selectors import submission_refusal

    return submission_refusal(project) is None


@rules.predicate
def verification_is_submitted(user, verification) -> bool:
    return verification.status == VerificationStatus.SUBMITTED


@rules.predicate
def sheet_is_open(user, sheet) -> bool:
    return sheet.state == ContactSheetState.OPEN


@rules.predicate
def sheet_not_closed(user, sheet) -> bool:
    return sheet.state != ContactSheetState.CLOSED


@rules.predicate
def answered_sheet_not_closed(user, answer) -> bool:
    return answer.contact_sheet.state != ContactSheetState.CLOSED


@rules.predicate
def record_unsigned(user, record) -> bool:
    from apps.signatures.models import Signature

    return not Signature.objects.for_record(record).exists()


# ---------------------------------------------------------------- the loop

may_submit_first_article = rule(
    "first_article.may_submit_first_article", is_writer & is_first_article_submitter,
    _("Only the contractor's project manager or special inspector can submit the first batch."))
can_submit_first_article = rule(
    "first_article.can_submit_first_article",
    may_submit_first_article & project_in_preparation_or_implementation & first_article_open_for_submission,
    _("The first batch can only be submitted by the contractor's project manager or special inspector, while "
      "the project is in preparation or implementation and a new round is due."))
may_verify_first_article = rule(
    "first_article.may_verify_first_article", is_writer & is_client_staff,
    _("Only the client's project lead or quality inspector can verify the first batch."))
rule("first_article.verification_awaits_verification", verification_is_submitted,
     _("This round has already been verified."))
can_verify_first_article = rule(
    "first_article.can_verify_first_article", may_verify_first_article & verification_is_submitted,
    _("Only the client's project lead or quality inspector can verify the first batch, once, while it awaits "
      "verification."))
may_answer_contact_sheet = rule(
    "first_article.may_answer_contact_sheet", is_writer & is_first_article_submitter,
    _("Only the contractor's project manager or special inspector can answer a work contact sheet."))
rule("first_article.contact_sheet_is_open", sheet_is_open,
     _("This work contact sheet has already been answered."))
can_answer_contact_sheet = rule(
    "first_article.can_answer_contact_sheet", may_answer_contact_sheet & sheet_is_open,
    _("Only the contractor's project manager or special inspector can answer an open work contact sheet."))


# ---------------------------------------------------------------- attachments (apps.attachments)

FILES_CLOSED = _("Files can no longer be attached to this record.")

# The contractor's submitters (their own check) and the client's verifiers (their findings),
# until the record is signed.
rule("first_article.can_attach_to_verification",
     (is_first_article_submitter | is_client_staff) & record_unsigned, FILES_CLOSED)
# The client's verifiers write the contact sheet; files stay once it is closed.
rule("first_article.can_attach_to_contact_sheet", is_client_staff & sheet_not_closed, FILES_CLOSED)
# The contractor answers with its evidence, while the contact sheet is not closed.
rule("first_article.can_attach_to_rectification", is_first_article_submitter & answered_sheet_not_closed,
     FILES_CLOSED)

attachment_rules(FirstArticleVerification, add="first_article.can_attach_to_verification")
attachment_rules(WorkContactSheet, add="first_article.can_attach_to_contact_sheet")
attachment_rules(RectificationSheet, add="first_article.can_attach_to_rectification")
