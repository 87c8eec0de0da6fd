"""Meeting services (项目例会, §8.2.3): the client records the minutes and the action items
decided; the responsible side closes each item (a deadline of apps.deadlines)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.enums import CLIENT_ROLES, CONTRACTOR_ROLES
from apps.core.errors import DomainError
from apps.core.history import history_context, save_with_history
from apps.core.locking import lock
from apps.core.notify import notify
from apps.core.permissions import require
from apps.core.text import clean_line, clean_text
from apps.projects.models import Project

from ..enums import ActionOwnerParty, ActionState, MeetingKind
from ..models import LONG_TEXT_MAX, TEXT_MAX, ActionItem, Meeting
from ..rules import CLIENT_STAFF, CONTRACTOR_PM
from .common import (
    ahead,
    attach,
    choice,
    deadline_open,
    deadlines_close,
    lock_open_project,
    member,
    next_number,
    not_future,
    open_deadlines,
    people,
)

DEADLINE_ACTION = "action_item"


def _meeting_values(*, kind, held_on, chair, attendees, agenda, minutes, location) -> dict:
    return {
        "kind": choice(kind, MeetingKind, field="kind", label=_("the kind of meeting")),
        "held_on": not_future(held_on, field="held_on", label=_("The date of the meeting")),
        "chair": clean_line(chair, field="chair", label=_("The chair"), max_length=100),
        "attendees": clean_text(attendees, field="attendees", label=_("The attendees"), max_length=TEXT_MAX),
        "agenda": clean_text(agenda, field="agenda", label=_("The topics"), max_length=TEXT_MAX),
        "minutes": clean_text(minutes, field="minutes", label=_("The minutes"), max_length=LONG_TEXT_MAX),
        "location": clean_line(location, field="location", label=_("The place"), required=False, max_length=200),
    }


def meeting_record(*, project: Project, user, kind: str, held_on: dt.date, chair: str, attendees: str, agenda: str,
                   minutes: str, location: str = "", files: Iterable = ()) -> Meeting:
    """The client records a project meeting it organised, with its minutes (§8.2.3)."""
    require("control.may_record_meeting", user, project)
    values = _meeting_values(kind=kind, held_on=held_on, chair=chair, attendees=attendees, agenda=agenda,
                             minutes=minutes, location=location)
    with transaction.atomic(), history_context(user=user, reason=_("Meeting minutes recorded")):
        locked = lock_open_project(project)
        meeting = Meeting.objects.create(project=locked, number=next_number(Meeting, locked), recorded_by=user,
                                         **values)
        attach(meeting, locked, user, files, kind="report")
        notify(recipients=people(locked, [*CONTRACTOR_PM, *CLIENT_STAFF]), key=f"control:meeting:{meeting.pk}",
               title=_("Minutes of %(meeting)s: please read and confirm") % {"meeting": meeting},
               link=meeting.get_absolute_url(), project=locked, kind="control")
    return meeting


def meeting_update(*, meeting: Meeting, user, kind: str, held_on: dt.date, chair: str, attendees: str, agenda: str,
                   minutes: str, location: str = "") -> Meeting:
    """Corrections to the minutes, until someone has signed them."""
    from apps.signatures.services import assert_not_signed

    require("control.may_edit_minutes", user, meeting)
    values = _meeting_values(kind=kind, held_on=held_on, chair=chair, attendees=attendees, agenda=agenda,
                             minutes=minutes, location=location)
    with transaction.atomic(), history_context(user=user):
        locked = lock(meeting, related=("project",))
        assert_not_signed(locked, message=_("The minutes have been signed and can no longer be changed."))
        changed = [f for f, v in values.items() if getattr(locked, f) != v]
        if not changed:
            return locked
        for f in changed:
            setattr(locked, f, values[f])
        save_with_history(locked, reason=_("Minutes corrected"), update_fields=[*changed, "updated_at"])
    return locked


def action_item_add(*, meeting: Meeting, user, description: str, owner_party: str, due_date: dt.date,
                    owner=None) -> ActionItem:
    """A task decided at the meeting: the responsible party (and person) and the due date,
    tracked as a deadline (apps.deadlines)."""
    from apps.signatures.services import assert_not_signed

    require("control.may_add_action_item", user, meeting)
    description = clean_text(description, field="description", label=_("The action"), max_length=TEXT_MAX)
    owner_party = choice(owner_party, ActionOwnerParty, field="owner_party", label=_("the responsible party"))
    due_date = ahead(due_date, field="due_date", label=_("The due date"))
    if owner is not None:
        roles = CLIENT_ROLES if owner_party == ActionOwnerParty.CLIENT else CONTRACTOR_ROLES
        owner = member(meeting.project, owner, roles=roles, field="owner",
                       message=_("The responsible person must be an active member of the responsible party."))
    with transaction.atomic(), history_context(user=user, reason=_("Action item added")):
        locked = lock(meeting, related=("project",))
        assert_not_signed(locked, message=_("The minutes have been signed: no action item can be added."))
        lock_open_project(locked.project)
        item = ActionItem.objects.create(project=locked.project, meeting=locked, description=description,
                                         owner_party=owner_party, owner=owner, due_date=due_date, created_by=user)
        deadline_open(record=item, project=locked.project, kind=DEADLINE_ACTION,
                      title=_("Meeting action: %(text)s") % {"text": description[:80]}, due=due_date,
                      party=owner_party, person=owner, user=user)
        recipients = [owner] if owner else people(
            locked.project, CLIENT_STAFF if owner_party == ActionOwnerParty.CLIENT else CONTRACTOR_PM)
        notify(recipients=recipients, key=f"control:action:{item.pk}",
               title=_("Action from %(meeting)s, due %(due)s: %(text)s") % {
                   "meeting": locked, "due": f"{due_date:%Y-%m-%d}", "text": description[:80]},
               link=item.get_absolute_url(), project=locked.project, kind="control")
    return item


def _open_item(item: ActionItem) -> ActionItem:
    locked = lock(item, related=("project", "meeting"))
    if locked.state != ActionState.OPEN:
        raise DomainError(_("This action item is already closed (%(state)s).") % {"state": locked.get_state_display()},
                          code="illegal_transition")
    return locked


def action_item_complete(*, action_item: ActionItem, user, result: str) -> ActionItem:
    require("control.may_close_action", user, action_item)
    result = clean_text(result, field="result", label=_("The result"), max_length=TEXT_MAX)
    with transaction.atomic(), history_context(user=user):
        locked = _open_item(action_item)
        locked.state = ActionState.DONE
        locked.result_note = result
        locked.closed_by, locked.closed_at = user, timezone.now()
        save_with_history(locked, reason=_("Action item done"),
                          update_fields=["state", "result_note", "closed_by", "closed_at"])
        deadlines_close(locked, user, DEADLINE_ACTION)
    return locked


def action_item_cancel(*, action_item: ActionItem, user, reason: str) -> ActionItem:
    from apps.deadlines.services import deadline_waive

    require("control.may_cancel_action", user, action_item)
    reason = clean_text(reason, field="reason", label=_("The reason for cancelling"), max_length=TEXT_MAX)
    with transaction.atomic(), history_context(user=user):
        locked = _open_item(action_item)
        locked.state = ActionState.CANCELLED
        locked.result_note = reason
        locked.closed_by, locked.closed_at = user, timezone.now()
        save_with_history(locked, reason=_("Action item cancelled: %(r)s") % {"r": reason},
                          update_fields=["state", "result_note", "closed_by", "closed_at"])
        for deadline in open_deadlines(locked, DEADLINE_ACTION):
            deadline_waive(deadline=deadline, user=user, reason=reason)
    return locked
