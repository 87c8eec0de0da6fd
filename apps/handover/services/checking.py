"""The client confirms the handover list item by item (§6.5.2 确认成果完整). Once every item is
checked, a list with a refused item goes back to the contractor; a list with every item
confirmed awaits both parties' signatures. Before anyone signs, the client lead may still send a
confirmed list back, with a reason: every item is then checked again."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.core.errors import DomainError
from apps.core.history import history_context
from apps.core.notify import notify
from apps.core.permissions import require
from apps.core.text import clean_text
from apps.signatures.services import assert_not_signed

from .. import selectors
from ..enums import HandoverState, LineStatus
from ..models import TEXT_MAX, Handover, HandoverLine
from .common import (
    KIND,
    check_state,
    client_lead,
    contractor_pm,
    lock_handover,
    lock_line,
    save_handover,
    save_line,
)


def after_check(handover: Handover, user) -> None:
    """Once no item awaits the client: back to the contractor if one was refused, otherwise
    confirmed and awaiting both signatures (``handover`` is locked by the caller)."""
    counts = selectors.line_counts(handover)
    if counts["pending"]:
        return
    project = handover.project
    if counts["refused"]:
        handover.state, handover.returned_at = HandoverState.RETURNED, timezone.now()
        save_handover(handover, reason=_("%(n)d items refused: the list goes back to the contractor")
                      % {"n": counts["refused"]}, fields=["state", "returned_at"])
        notify(recipients=contractor_pm(project), key=f"handover:{handover.pk}:returned:{handover.version}",
               title=_("Handover list returned: %(n)d items refused (%(project)s)")
               % {"n": counts["refused"], "project": project.name},
               link=handover.get_absolute_url(), project=project, kind=KIND)
        return
    handover.state, handover.confirmed_at = HandoverState.CONFIRMED, timezone.now()
    save_handover(handover, reason=_("Every item confirmed: both parties sign the list"),
                  fields=["state", "confirmed_at"])
    notify(recipients=client_lead(project) + contractor_pm(project),
           key=f"handover:{handover.pk}:confirmed:{handover.version}",
           title=_("Every item of the handover list is confirmed: please sign it (%(project)s)")
           % {"project": project.name}, link=handover.get_absolute_url(), project=project, kind=KIND)


def _check(line: HandoverLine, user, *, status: str, reason: str, expected_version: int | None) -> HandoverLine:
    with transaction.atomic(), history_context(user=user):
        parent = lock_handover(line.handover)
        check_state(parent, [HandoverState.SUBMITTED])
        locked = lock_line(line, expected_version=expected_version)
        if locked.status != LineStatus.PENDING:
            raise DomainError(_("This item has already been checked (%(status)s).")
                              % {"status": locked.get_status_display()}, code="illegal_transition")
        locked.status, locked.refusal_reason = status, reason
        locked.decided_by, locked.decided_at = user, timezone.now()
        save_line(locked, reason=_("Item confirmed") if status == LineStatus.CONFIRMED
                  else _("Item refused: %(r)s") % {"r": reason[:200]},
                  fields=["status", "refusal_reason", "decided_by", "decided_at"])
        after_check(parent, user)
    return locked


def handover_line_confirm(*, line: HandoverLine, user, expected_version: int | None = None) -> HandoverLine:
    """The client confirms one item: it was handed over as listed."""
    require("handover.may_check", user, line)
    return _check(line, user, status=LineStatus.CONFIRMED, reason="", expected_version=expected_version)


def handover_line_refuse(*, line: HandoverLine, user, reason: str, expected_version: int | None = None
                         ) -> HandoverLine:
    """The client refuses one item, with a reason (missing, incomplete, wrong medium…)."""
    require("handover.may_check", user, line)
    reason = clean_text(reason, field="reason", label=_("The reason for refusing"), max_length=TEXT_MAX)
    return _check(line, user, status=LineStatus.REFUSED, reason=reason, expected_version=expected_version)


def handover_return(*, handover: Handover, user, reason: str, expected_version: int | None = None) -> Handover:
    """The client lead sends a confirmed list back before anyone signed it, with a reason; every
    item awaits the client's confirmation again after the contractor resubmits."""
    require("handover.may_return", user, handover)
    reason = clean_text(reason, field="reason", label=_("The reason for returning"), max_length=TEXT_MAX)
    with transaction.atomic(), history_context(user=user):
        locked = lock_handover(handover, expected_version=expected_version)
        check_state(locked, [HandoverState.CONFIRMED])
        assert_not_signed(locked, message=_("The handover list has been signed; it can no longer be sent back."))
        for line in locked.lines.select_for_update().order_by("position"):
            line.status, line.decided_by, line.decided_at = LineStatus.PENDING, None, None
            save_line(line, reason=_("List sent back: to be confirmed again"),
                      fields=["status", "decided_by", "decided_at"])
        locked.state, locked.returned_at, locked.return_reason = HandoverState.RETURNED, timezone.now(), reason
        locked.confirmed_at = None
        save_handover(locked, reason=_("Sent back to the contractor: %(r)s") % {"r": reason[:200]},
                      fields=["state", "returned_at", "return_reason", "confirmed_at"])
        notify(recipients=contractor_pm(locked.project), key=f"handover:{locked.pk}:sent_back:{locked.version}",
               title=_("Handover list sent back by the client (%(project)s)") % {"project": locked.project.name},
               body=reason[:500], link=locked.get_absolute_url(), project=locked.project, kind=KIND)
    return locked
