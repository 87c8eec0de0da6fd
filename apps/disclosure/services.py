"""Writes for the technical disclosure (§5.1.3, §8.1.3). The client lead organises the
meeting and fills the checklist; both parties sign through apps.signatures; a signed
disclosure can no longer change (assert_not_signed)."""

from __future__ import annotations

import datetime as dt

import rules
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from apps.accounts.enums import CLIENT_ROLES, CONTRACTOR_ROLES
from apps.core.errors import DomainError, PermissionDenied
from apps.core.history import delete_with_history, history_context, save_with_history
from apps.projects.models import Project
from apps.signatures.services import assert_not_signed

from .enums import TOPIC_ORDER, Topic
from .models import DisclosureAttendee, DisclosureItem, TechnicalDisclosure

PLACE_MAX = 200
NOTE_MAX = 5000
TEXT_MAX = 20000


def _require(rule: str, user, obj, message: str | None = None) -> None:
    if not (user is not None and rules.test_rule(rule, user, obj)):
        raise PermissionDenied(message or _("Only the client's project lead organises the technical disclosure."))


def _date(value, field: str) -> dt.date:
    if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
        raise DomainError(_("Give a valid meeting date."), field=field)
    return value


def _clean_text(value, *, limit: int, field: str, required_message: str | None = None) -> str:
    value = (value or "").strip() if isinstance(value, str) or value is None else None
    if value is None:
        raise DomainError(_("Give a text."), field=field)
    if required_message and not value:
        raise DomainError(required_message, field=field)
    if len(value) > limit:
        raise DomainError(_("The text is too long (at most %(n)d characters).") % {"n": limit}, field=field)
    return value


def _lock(disclosure: TechnicalDisclosure) -> TechnicalDisclosure:
    locked = TechnicalDisclosure.objects.select_for_update().select_related("project").get(pk=disclosure.pk)
    assert_not_signed(locked, message=_("This technical disclosure has been signed; it is the basis of work and can "
                                        "no longer be changed."))
    return locked


def disclosure_create(*, project: Project, user, meeting_date: dt.date, place: str,
                      note: str = "") -> TechnicalDisclosure:
    """Organise a disclosure meeting; the five checklist items are created empty."""
    _require("disclosure.can_organise", user, project)
    meeting_date = _date(meeting_date, "meeting_date")
    place = _clean_text(place, limit=PLACE_MAX, field="place", required_message=_("Give the place of the meeting."))
    note = _clean_text(note, limit=NOTE_MAX, field="note")
    with transaction.atomic(), history_context(user=user, reason=_("Technical disclosure organised")):
        Project.objects.select_for_update().filter(pk=project.pk).first()  # numbers are given one at a time
        from .selectors import is_signed

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
    with transaction.atomic(), history_context(user=user):
        _require("disclosure.can_organise", user, disclosure.project)
        locked = _lock(disclosure)
        changed = []
        if meeting_date is not None:
            locked.meeting_date = _date(meeting_date, "meeting_date")
            changed.append("meeting_date")
        if place is not None:
            locked.place = _clean_text(place, limit=PLACE_MAX, field="place",
                                       required_message=_("Give the place of the meeting."))
            changed.append("place")
        if note is not None:
            locked.note = _clean_text(note, limit=NOTE_MAX, field="note")
            changed.append("note")
        if changed:
            save_with_history(locked, reason=_("Technical disclosure edited"), update_fields=changed)
    return locked


def disclosure_item_update(*, item: DisclosureItem, user, text: str) -> DisclosureItem:
    """Write the text of one checklist topic (attachments go through apps.attachments)."""
    text = _clean_text(text, limit=TEXT_MAX, field="text")
    with transaction.atomic(), history_context(user=user):
        _require("disclosure.can_organise", user, item.disclosure.project)
        _lock(item.disclosure)
        locked = DisclosureItem.objects.select_for_update().get(pk=item.pk)
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
        _require("disclosure.can_organise", user, disclosure.project)
        locked = _lock(disclosure)
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
