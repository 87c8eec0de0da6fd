"""Who may do what in the quality evaluation and with breaches of contract, combining the project
role and the state; each rule registered once with the sentence a refused person reads.

- ``evaluation.may_*`` rules check the person (and the project's phase): services check them
  first, then the state, so that a repeated action is told the record is no longer in that state;
- ``evaluation.can_*`` rules add the state (buttons, transition pages).

The client prepares and issues the report while the project is not closed (it is the gate of the
closure); the contractor may answer it, and the client acknowledge the answer, after the closure
too (§10.1.3 and §10.2 go on into later work). The regulator is read-only everywhere.
"""

from __future__ import annotations

import rules
from django.utils.translation import gettext_lazy as _

from apps.accounts.enums import OrgKind, ProjectRole
from apps.attachments.registry import attachment_rules
from apps.core.permissions import rule
from apps.projects.rules import (
    is_client_lead,
    is_client_staff,
    is_contractor_pm,
    is_writer,
    project_not_closed,
    project_of,
)

from .enums import BreachState, EvaluationState
from .models import Breach


@rules.predicate
def project_accepted(user, obj) -> bool:
    return obj is not None and project_of(obj).accepted_on is not None


@rules.predicate
def evaluation_is_draft(user, evaluation) -> bool:
    return evaluation.state == EvaluationState.DRAFT


@rules.predicate
def evaluation_awaits_answer(user, evaluation) -> bool:
    return evaluation.state == EvaluationState.ISSUED


@rules.predicate
def evaluation_is_answered(user, evaluation) -> bool:
    return evaluation.state == EvaluationState.ANSWERED


@rules.predicate
def breach_is_recorded(user, breach) -> bool:
    return breach.state == BreachState.RECORDED


# ---------------------------------------------------------------- the evaluation report (§5.3.3, §10.1)

may_start_evaluation = rule(
    "evaluation.may_start_evaluation", is_writer & is_client_lead & project_not_closed & project_accepted,
    _("Only the client's project lead starts the quality evaluation, once the project has passed acceptance and "
      "while it is not closed."))
may_edit_evaluation = rule(
    "evaluation.may_edit_evaluation", is_writer & is_client_staff & project_not_closed,
    _("Only the client's project lead or quality inspector prepares the evaluation report, while the project is "
      "not closed."))
can_edit_evaluation = rule(
    "evaluation.can_edit_evaluation", may_edit_evaluation & evaluation_is_draft,
    _("The evaluation report has been issued: its figures and scores are frozen."))
may_issue_evaluation = rule(
    "evaluation.may_issue_evaluation", is_writer & is_client_lead & project_not_closed & project_accepted,
    _("Only the client's project lead issues the evaluation report, while the project is not closed."))
can_issue_evaluation = rule(
    "evaluation.can_issue_evaluation", may_issue_evaluation & evaluation_is_draft,
    _("The evaluation report has already been issued."))
may_answer_evaluation = rule(
    "evaluation.may_answer_evaluation", is_writer & is_contractor_pm,
    _("Only the contractor's project manager answers the evaluation report."))
can_answer_evaluation = rule(
    "evaluation.can_answer_evaluation", may_answer_evaluation & evaluation_awaits_answer,
    _("The evaluation report is not awaiting the contractor's answer."))
may_acknowledge_answer = rule(
    "evaluation.may_acknowledge_answer", is_writer & is_client_staff,
    _("Only the client's project lead or quality inspector acknowledges or returns the contractor's answer."))
can_acknowledge_answer = rule(
    "evaluation.can_acknowledge_answer", may_acknowledge_answer & evaluation_is_answered,
    _("There is no answer of the contractor awaiting acknowledgement."))

# ---------------------------------------------------------------- breaches of contract (§5.2.3)

may_record_breach = rule(
    "evaluation.may_record_breach", is_writer & is_client_lead & project_not_closed,
    _("Only the client's project lead records a breach of contract, while the project is not closed."))
may_withdraw_breach = rule(
    "evaluation.may_withdraw_breach", is_writer & is_client_lead,
    _("Only the client's project lead withdraws a breach of contract."))
can_withdraw_breach = rule(
    "evaluation.can_withdraw_breach", may_withdraw_breach & breach_is_recorded,
    _("This breach has already been withdrawn."))
can_attach_to_breach = rule(
    "evaluation.can_attach_to_breach", is_writer & is_client_lead & breach_is_recorded,
    _("Only the client's project lead adds evidence to a breach of contract that stands."))

attachment_rules(Breach, add="evaluation.can_attach_to_breach")

# ---------------------------------------------------------------- the scoring scheme of a client organisation


@rules.predicate
def of_the_organisation(user, organization) -> bool:
    return bool(organization is not None and getattr(user, "is_authenticated", False)
                and organization.kind == OrgKind.CLIENT and user.organization_id == organization.pk)


@rules.predicate
def leads_a_project_of(user, organization) -> bool:
    """The person is the client lead of an active project of the organisation (its leads set the
    scheme its evaluations are scored with)."""
    from apps.projects.models import ProjectMember

    return ProjectMember.objects.filter(user=user, is_active=True, role=ProjectRole.CLIENT_LEAD,
                                        project__client=organization).exists()


may_view_scheme = rule(
    "evaluation.may_view_scheme", of_the_organisation,
    _("Only the people of the client organisation see its evaluation scheme."))
may_manage_scheme = rule(
    "evaluation.may_manage_scheme", is_writer & of_the_organisation & leads_a_project_of,
    _("Only a project lead of the client organisation sets its evaluation scheme."))
