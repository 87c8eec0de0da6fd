"""The contractor draws up the handover list (§6.5.2): the list, its items, and its submission to
the client. The list can be changed while it is a draft or after the client returned it."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.core.errors import DomainError
from apps.core.history import history_context
from apps.core.locking import lock
from apps.core.notify import notify
from apps.core.permissions import require
from apps.core.text import clean_text
from apps.projects.enums import Phase
from apps.projects.models import Project

from .. import selectors
from ..enums import HandoverState, LineStatus
from ..models import TEXT_MAX, Handover, HandoverLine
from .checking import after_check
from .common import (
    EDITABLE,
    KIND,
    check_state,
    clean_item,
    client_staff,
    lock_handover,
    lock_line,
    save_handover,
    save_line,
)


def handover_create(*, project: Project, user, note: str = "") -> Handover:
    """The contractor's project manager opens the project's handover list once the acceptance has
    passed (``project.accepted_on``); one list per project."""
    require("handover.may_draw_up", user, project)
    note = clean_text(note, field="note", label=_("The remarks"), required=False, max_length=TEXT_MAX)
    with transaction.atomic(), history_context(user=user, reason=_("Handover list drawn up")):
        locked = lock(Project, pk=project.pk)
        if locked.phase == Phase.CLOSED:
            raise DomainError(_("The project is closed."), code="illegal_transition")
        if locked.accepted_on is None:
            raise DomainError(_("The handover list is drawn up once the project's acceptance has passed."),
                              code="illegal_transition")
        if Handover.objects.filter(project=locked).exists():
            raise DomainError(_("The project already has a handover list."), code="illegal_transition")
        return Handover.objects.create(project=locked, note=note, created_by=user)


def _editable(handover: Handover, expected_version: int | None) -> Handover:
    locked = lock_handover(handover, expected_version=expected_version)
    check_state(locked, EDITABLE)
    if locked.project.phase == Phase.CLOSED:
        raise DomainError(_("The project is closed."), code="illegal_transition")
    return locked


def handover_update(*, handover: Handover, user, note: str, expected_version: int | None = None) -> Handover:
    """The remarks of the list (what goes with it, how it is delivered)."""
    require("handover.may_draw_up", user, handover)
    note = clean_text(note, field="note", label=_("The remarks"), required=False, max_length=TEXT_MAX)
    with transaction.atomic(), history_context(user=user):
        locked = _editable(handover, expected_version)
        locked.note = note
        save_handover(locked, reason=_("Remarks of the handover list changed"), fields=["note"])
    return locked


def handover_line_add(*, handover: Handover, user, kind: str, description: str, quantity, unit: str, medium: str,
                      note: str = "", expected_version: int | None = None) -> HandoverLine:
    """An item of the list: what is handed over, how many, in which unit and on which medium."""
    require("handover.may_draw_up", user, handover)
    fields = clean_item(kind=kind, description=description, quantity=quantity, unit=unit, medium=medium, note=note)
    with transaction.atomic(), history_context(user=user):
        locked = _editable(handover, expected_version)
        position = (locked.lines.aggregate(m=Max("position"))["m"] or 0) + 1
        line = HandoverLine(handover=locked, position=position, **fields)
        line._change_reason = _("Item added to the handover list")
        line.save()
        save_handover(locked, reason=_("Item %(n)d added") % {"n": position}, fields=[])
    return line


def handover_line_update(*, line: HandoverLine, user, kind: str, description: str, quantity, unit: str, medium: str,
                         note: str = "", expected_version: int | None = None) -> HandoverLine:
    """Change an item; a changed item awaits the client's confirmation again."""
    require("handover.may_draw_up", user, line)
    fields = clean_item(kind=kind, description=description, quantity=quantity, unit=unit, medium=medium, note=note)
    with transaction.atomic(), history_context(user=user):
        parent = _editable(line.handover, None)
        locked = lock_line(line, expected_version=expected_version)
        for name, value in fields.items():
            setattr(locked, name, value)
        locked.status, locked.refusal_reason, locked.decided_by, locked.decided_at = LineStatus.PENDING, "", None, None
        save_line(locked, reason=_("Item changed; awaiting confirmation again"),
                  fields=[*fields, "status", "refusal_reason", "decided_by", "decided_at"])
        save_handover(parent, reason=_("Item %(n)d changed") % {"n": locked.position}, fields=[])
    return locked


def handover_line_remove(*, line: HandoverLine, user, expected_version: int | None = None) -> Handover:
    """Take an item off the list (the history keeps it)."""
    require("handover.may_draw_up", user, line)
    with transaction.atomic(), history_context(user=user):
        parent = _editable(line.handover, None)
        locked = lock_line(line, expected_version=expected_version)
        position = locked.position
        locked._change_reason = _("Item removed from the handover list")
        locked.delete()
        save_handover(parent, reason=_("Item %(n)d removed") % {"n": position}, fields=[])
    return parent


def handover_submit(*, handover: Handover, user, expected_version: int | None = None) -> Handover:
    """Submit the list to the client, who confirms it item by item: at least one item each of
    results, quality records and process documents (Annex A 成果移交); items the client refused
    must be changed or removed first. Items it confirmed before stay confirmed: when none is left
    to check, the list is confirmed at once and both parties sign."""
    require("handover.may_draw_up", user, handover)
    with transaction.atomic(), history_context(user=user):
        locked = _editable(handover, expected_version)
        counts = selectors.line_counts(locked)
        if not counts["total"]:
            raise DomainError(_("Add the items to hand over first."), code="illegal_transition")
        missing = selectors.missing_kinds(locked)
        if missing:
            raise DomainError(_("The handover list needs at least one item of each of these: %(kinds)s.")
                              % {"kinds": "、".join(missing)}, code="illegal_transition")
        refused = list(locked.lines.filter(status=LineStatus.REFUSED).values_list("position", flat=True))
        if refused:
            raise DomainError(_("Change or remove the items the client refused first: No. %(n)s.")
                              % {"n": "、".join(str(p) for p in refused)}, code="illegal_transition")
        locked.state = HandoverState.SUBMITTED
        locked.submitted_by, locked.submitted_at = user, timezone.now()
        locked.submissions += 1
        save_handover(locked, reason=_("Handover list submitted to the client (submission %(n)d)")
                      % {"n": locked.submissions}, fields=["state", "submitted_by", "submitted_at", "submissions"])
        if counts["pending"]:
            notify(recipients=client_staff(locked.project), key=f"handover:{locked.pk}:submitted:{locked.submissions}",
                   title=_("Handover list submitted: please confirm each item (%(project)s)")
                   % {"project": locked.project.name},
                   link=locked.get_absolute_url(), project=locked.project, kind=KIND)
        else:
            after_check(locked, user)
    return locked


