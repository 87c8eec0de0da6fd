"""Writes for the technical disclosure (§5.1.3, §8.1.3). The client lead organises the
meeting and fills the checklist; both parties sign through apps.signatures; a signed
disclosure can no longer change (assert_not_signed)."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from apps.accounts.enums import CLIENT_ROLES, CONTRACTOR_ROLES
from apps.core.errors import DomainError
from apps.core.history import delete_with_history, history_context, save_with_history
from apps.core.locking import lock
from apps.core.permissions import require
from apps.core.text import clean_line, clean_text
from apps.projects.models import Project
from apps.signatures.services import assert_not_signed

from .enums import TOPIC_ORDER, Topic
from .models import DisclosureAttendee, DisclosureItem, TechnicalDisclosure
from .signing import is_signed

PLACE_MAX = 200
NOTE_MAX = 5000
TEXT_MAX = 20000


def _meeting_date(value) -> dt.date:
    if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
        raise DomainError(_("Give a valid meeting date."), field="meeting_date")
    return value


def _place(value) -> str:
    return clean_line(value, field="place", label=_("The place"), max_length=PLACE_MAX)


def _note(value) -> str:
    return clean_text(value, field="note", label=_("The remarks"), required=False, max_length=NOTE_MAX)


def _refuse_if_signed(disclosure: TechnicalDisclosure) -> None:
    assert_not_signed(disclosure, message=_("This technical disclosure has been signed; it is the basis of work and "
                                            "can no longer be changed."))


def disclosure_create(*, project: Project, user, meeting_date: dt.date, place: str,
                      note: str = "") -> TechnicalDisclosure:
    """Organise a disclosure meeting; the five checklist items are created empty."""
    require("disclosure.can_organise", user, project)
    meeting_date = _meeting_date(meeting_date)
    place = _place(place)
    note = _note(note)
    with transaction.atomic(), history_context(user=user, reason=_("Technical disclosure organised")):
        lock(project)  # numbers are given one at a time
        open_ones = [d for d in TechnicalDisclosure.objects.filter(project=project) if not is_signed(d)]
        if open_ones:
            raise DomainError(_("%(d)s is not signed yet; complete it instead of organising another one.")
                              % {"d": open_ones[0]}, code="illegal_transition")
        number = (TechnicalDisclosure.objects.filter(project=project).aggregate(n=Max("number"))["n"] or 0) + 1
        disclosure = TechnicalDisclosure.objects.create(project=project, number=number, meeting_date=meeting_date,
                                                        place=place, note=note, organised_by=user)
        for topic in TOPIC_ORDER:
            DisclosureItem.objects.create(disclosure=disclosure, topic=topic)
    return disclosure


def disclosure_update(*, disclosure: TechnicalDisclosure, user, meeting_date: dt.date | None = None,
                      place: str | None = None, note: str | None = None) -> TechnicalDisclosure:
    """Change the meeting details given (the others stay); refused once signed."""
    with transaction.atomic(), history_context(user=user):
        require("disclosure.can_organise", user, disclosure.project)
        locked = lock(disclosure, related=("project",))
        _refuse_if_signed(locked)
        changed = []
        if meeting_date is not None:
            locked.meeting_date = _meeting_date(meeting_date)
            changed.append("meeting_date")
        if place is not None:
            locked.place = _place(place)
            changed.append("place")
        if note is not None:
            locked.note = _note(note)
            changed.append("note")
        if changed:
            save_with_history(locked, reason=_("Technical disclosure edited"), update_fields=changed)
    return locked


def disclosure_item_update(*, item: DisclosureItem, user, text: str) -> DisclosureItem:
    """Write the text of one checklist topic (attachments go through apps.attachments)."""
    text = clean_text(text, field="text", label=Topic(item.topic).label, required=False, max_length=TEXT_MAX)
    with transaction.atomic(), history_context(user=user):
        require("disclosure.can_organise", user, item.disclosure.project)
        _refuse_if_signed(lock(item.disclosure))
        locked = lock(item)
        if locked.text != text:
            locked.text = text
            save_with_history(locked, reason=_("Checklist item written: %(t)s") % {"t": Topic(locked.topic).label},
                              update_fields=["text"])
    return locked


def disclosure_attendees_set(*, disclosure: TechnicalDisclosure, user, people) -> list:
    """Record who attended: active project members of either party (and approved filed staff)."""
    from apps.teams.selectors import approved_staff

    people = list(people or [])
    with transaction.atomic(), history_context(user=user, reason=_("Attendance recorded")):
        require("disclosure.can_organise", user, disclosure.project)
        locked = lock(disclosure, related=("project",))
        _refuse_if_signed(locked)
        project = locked.project
        allowed = set(project.members.filter(is_active=True, role__in=list(CLIENT_ROLES | CONTRACTOR_ROLES))
                      .values_list("user_id", flat=True)) | set(approved_staff(project).values_list("pk", flat=True))
        strangers = [p for p in people if getattr(p, "pk", None) not in allowed]
        if strangers:
            raise DomainError(_("Only people of the project can be recorded as attendees: %(n)s.")
                              % {"n": "、".join(str(p) for p in strangers)}, field="attendees")
        wanted = {p.pk for p in people}
        current = {a.person_id: a for a in locked.attendees.all()}
        for person_id, row in current.items():
            if person_id not in wanted:
                delete_with_history(row, reason=_("Attendance recorded"), user=user)
        for person_id in wanted - set(current):
            try:
                with transaction.atomic():
                    DisclosureAttendee.objects.create(disclosure=locked, person_id=person_id)
            except IntegrityError:  # recorded by a simultaneous request: same effect
                pass
    return list(locked.attendees.select_related("person"))
