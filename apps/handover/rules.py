"""Who may do what with the handover list (§6.5.2), combining project role and state; every rule is
registered once with the sentence a refused person reads.

"may_*" rules check the person (services check them first, then the state, so that a repeated
action is told the list is no longer in that state); "can_*" rules add the state (templates show
buttons with them). Objects are the project, the handover list or one of its items."""

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
    project_not_closed,
    project_of,
)

from .enums import EDITABLE_STATES, HandoverState, LineStatus
from .models import Handover, HandoverLine


def _handover(obj):
    return obj.handover if isinstance(obj, HandoverLine) else obj


def handover_state_in(name: str, *states: str):
    @rules.predicate(name=name)
    def predicate(user, obj) -> bool:
        handover = _handover(obj)
        return isinstance(handover, Handover) and handover.state in states

    return predicate


handover_editable = handover_state_in("handover_editable", *EDITABLE_STATES)
handover_submitted = handover_state_in("handover_submitted", HandoverState.SUBMITTED)
handover_awaits_signatures = handover_state_in("handover_awaits_signatures", HandoverState.CONFIRMED)


@rules.predicate
def project_accepted(user, obj) -> bool:
    """§6.5.2, Annex A: the handover follows the acceptance (its date is recorded)."""
    return project_of(obj).accepted_on is not None


@rules.predicate
def no_handover_yet(user, project) -> bool:
    return not Handover.objects.filter(project=project_of(project)).exists()


@rules.predicate
def line_pending(user, line) -> bool:
    return isinstance(line, HandoverLine) and line.status == LineStatus.PENDING


@rules.predicate
def list_unsigned(user, handover) -> bool:
    from apps.signatures.models import Signature

    return not Signature.objects.for_record(_handover(handover)).exists()


@rules.predicate
def not_signed_by_user(user, handover) -> bool:
    from apps.signatures.models import Signature

    return not Signature.objects.for_record(_handover(handover)).filter(signer=user).exists()


# ---------------------------------------------------------------- the contractor draws up the list

may_draw_up = rule(
    "handover.may_draw_up", is_writer & is_contractor_pm,
    _("Only the contractor's project manager draws up and submits the handover list."))
can_create = rule(
    "handover.can_create", may_draw_up & project_accepted & project_not_closed & no_handover_yet,
    _("The handover list is drawn up by the contractor's project manager once the acceptance has passed, and "
      "only once per project."))
can_edit = rule(
    "handover.can_edit", may_draw_up & handover_editable & project_not_closed,
    _("The handover list can be changed only by the contractor's project manager, while it is being drawn up "
      "or after it was returned."))

# ---------------------------------------------------------------- the client checks each item

may_check = rule(
    "handover.may_check", is_writer & is_client_staff,
    _("Only the client's project lead or quality inspector confirms the items handed over."))
can_check_line = rule(
    "handover.can_check_line", may_check & handover_submitted & line_pending,
    _("This item is not waiting for the client's confirmation."))
may_return = rule(
    "handover.may_return", is_writer & is_client_lead,
    _("Only the client's project lead can send the confirmed list back to the contractor."))
can_return = rule(
    "handover.can_return", may_return & handover_awaits_signatures & list_unsigned,
    _("Only a confirmed list that nobody has signed yet can be sent back."))

# ---------------------------------------------------------------- both parties sign

may_sign = rule(
    "handover.may_sign", is_writer & (is_client_lead | is_contractor_pm),
    _("Only the client's project lead and the contractor's project manager sign the handover list."))
can_sign = rule(
    "handover.can_sign", may_sign & handover_awaits_signatures & not_signed_by_user,
    _("The handover list is signed once every item is confirmed, once by each party."))

# ---------------------------------------------------------------- files (delivery notes, scans of the paper list)

can_attach = rule(
    "handover.can_attach", (handover_editable & is_contractor_pm) | (handover_submitted & is_client_staff),
    _("Files can no longer be attached to this handover list."))

attachment_rules(Handover, add="handover.can_attach")
