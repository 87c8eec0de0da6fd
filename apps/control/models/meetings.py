"""Project meetings (项目例会) and their action items (§8.2.3)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from apps.accounts.enums import Party, ProjectRole
from apps.core.history import tracked_history
from apps.projects.models import Project
from apps.signatures.enums import SignatureMeaning
from apps.signatures.registry import SignableMixin

from ..enums import (
    ActionOwnerParty,
    ActionState,
    MeetingKind,
)
from .common import LONG_TEXT_MAX, TEXT_MAX


class Meeting(SignableMixin, models.Model):
    """项目例会: the client organises regular project meetings; the minutes with their action
    items are the shared record of the project's control information (§8.2.3)."""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="meetings", verbose_name=_("project"))
    number = models.PositiveIntegerField(_("meeting number"))
    kind = models.CharField(_("kind of meeting"), max_length=16, choices=MeetingKind.choices,
                            default=MeetingKind.REGULAR)
    held_on = models.DateField(_("date of the meeting"))
    location = models.CharField(_("place"), max_length=200, blank=True)
    chair = models.CharField(_("chaired by"), max_length=100)
    attendees = models.TextField(_("attendees"), max_length=TEXT_MAX)
    agenda = models.TextField(_("topics"), max_length=TEXT_MAX)
    minutes = models.TextField(_("minutes (会议纪要)"), max_length=LONG_TEXT_MAX)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("recorded by"))
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = tracked_history()

    signature_roles = {
        Party.CLIENT: {ProjectRole.CLIENT_LEAD, ProjectRole.CLIENT_INSPECTOR},
        Party.CONTRACTOR: {ProjectRole.CONTRACTOR_PM},
    }
    signature_meanings = {Party.CLIENT: {SignatureMeaning.CONFIRM}, Party.CONTRACTOR: {SignatureMeaning.CONFIRM}}

    class Meta:
        ordering = ["project", "-held_on", "-number"]
        verbose_name = _("project meeting")
        verbose_name_plural = _("project meetings")
        constraints = [
            models.UniqueConstraint(fields=["project", "number"], name="meeting_number_unique"),
            models.CheckConstraint(condition=Q(number__gte=1), name="meeting_number_positive"),
            models.CheckConstraint(condition=Q(kind__in=MeetingKind.values), name="meeting_kind_valid"),
            models.CheckConstraint(condition=~Q(chair="") & ~Q(attendees="") & ~Q(agenda="") & ~Q(minutes=""),
                                   name="meeting_has_minutes"),
        ]

    def __str__(self) -> str:
        return gettext("Project meeting No. %(n)d (%(date)s)") % {"n": self.number, "date": f"{self.held_on:%Y-%m-%d}"}

    def get_absolute_url(self) -> str:
        return reverse("control:meeting_detail", args=[self.pk])

    def signed_content(self) -> dict:
        return {"project": self.project_id, "number": self.number, "kind": self.kind, "held_on": self.held_on,
                "location": self.location, "chair": self.chair, "attendees": self.attendees, "agenda": self.agenda,
                "minutes": self.minutes}

    def get_attachment_project(self):
        return self.project


class ActionItem(models.Model):
    """A task decided at a meeting: what, which party, who, by when (a deadline of apps.deadlines)."""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="meeting_action_items",
                                verbose_name=_("project"))
    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="action_items",
                                verbose_name=_("meeting"))
    description = models.TextField(_("action item"), max_length=TEXT_MAX)
    owner_party = models.CharField(_("responsible party"), max_length=16, choices=ActionOwnerParty.choices)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                              related_name="+", verbose_name=_("responsible person"))
    due_date = models.DateField(_("due date"))
    state = models.CharField(_("state"), max_length=16, choices=ActionState.choices, default=ActionState.OPEN)
    result_note = models.TextField(_("result"), max_length=TEXT_MAX, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="+", verbose_name=_("closed by"))
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("created by"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    history = tracked_history()

    class Meta:
        ordering = ["meeting", "pk"]
        verbose_name = _("action item")
        verbose_name_plural = _("action items")
        constraints = [
            models.CheckConstraint(condition=Q(owner_party__in=ActionOwnerParty.values), name="action_party_valid"),
            models.CheckConstraint(condition=Q(state__in=ActionState.values), name="action_state_valid"),
            models.CheckConstraint(condition=~Q(description=""), name="action_has_description"),
            models.CheckConstraint(
                condition=(Q(state=ActionState.OPEN) & Q(closed_at__isnull=True) & Q(closed_by__isnull=True))
                | (~Q(state=ActionState.OPEN) & Q(closed_at__isnull=False) & Q(closed_by__isnull=False)
                   & ~Q(result_note="")),
                name="action_closed_consistent"),
        ]

    def __str__(self) -> str:
        return gettext("Action item: %(text)s") % {"text": self.description[:40]}

    def get_absolute_url(self) -> str:
        return reverse("control:meeting_detail", args=[self.meeting_id]) + f"#action-{self.pk}"

    def get_attachment_project(self):
        return self.project
