from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import Organization
from apps.core.history import tracked_history

from .enums import Counting, DeadlineKind, DeadlineState


class Deadline(models.Model):
    """A date by which something must be done about one record (any model), with the rule it
    was computed from, so that it can be recomputed (calendar corrections, rescheduling)."""

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("record type"))
    object_id = models.PositiveBigIntegerField(_("record id"))
    record = GenericForeignKey("content_type", "object_id")
    project = models.ForeignKey("projects.Project", on_delete=models.PROTECT, related_name="deadlines",
                                verbose_name=_("project"))

    kind = models.SlugField(_("kind"), max_length=48)
    title = models.CharField(_("title"), max_length=200)

    # The rule: due_date = base_date + amount (working days / calendar days / months).
    counting = models.CharField(_("counted in"), max_length=16, choices=Counting.choices)
    base_date = models.DateField(_("counted from"))
    amount = models.PositiveIntegerField(_("amount"))
    due_date = models.DateField(_("due date"))
    # A first reminder earlier than the scan's window (DEADLINE_REMIND_DAYS), e.g. a warranty's
    # end reminded a month before: the rule (days before the due date) and the day it gives.
    remind_days = models.PositiveIntegerField(_("first reminder, days before the due date"), null=True, blank=True)
    remind_on = models.DateField(_("first reminder on"), null=True, blank=True)

    responsible_org = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="deadlines",
                                        verbose_name=_("responsible organisation"))
    responsible_user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                         related_name="deadlines", verbose_name=_("responsible person"))
    # §5.2.3: an overdue rectification (or a major issue) is reported to the regulator.
    escalate_to_regulator = models.BooleanField(_("escalate to the regulator when overdue"), default=False)

    state = models.CharField(_("state"), max_length=16, choices=DeadlineState.choices, default=DeadlineState.OPEN)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="+", verbose_name=_("closed by"))
    waive_reason = models.TextField(_("reason for waiving"), blank=True, max_length=2000)

    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("created by"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = tracked_history()

    class Meta:
        ordering = ["due_date", "pk"]
        verbose_name = _("deadline")
        verbose_name_plural = _("deadlines")
        constraints = [
            models.CheckConstraint(condition=Q(state__in=DeadlineState.values), name="deadline_state_valid"),
            models.CheckConstraint(condition=Q(counting__in=Counting.values), name="deadline_counting_valid"),
            models.CheckConstraint(condition=Q(kind__regex=r"^[a-z0-9_]+$"), name="deadline_kind_slug"),
            models.CheckConstraint(condition=Q(due_date__gte=models.F("base_date")), name="deadline_due_after_base"),
            # Waived ⇔ a reason is recorded.
            models.CheckConstraint(condition=(Q(state=DeadlineState.WAIVED) & ~Q(waive_reason=""))
                                   | (~Q(state=DeadlineState.WAIVED) & Q(waive_reason="")),
                                   name="deadline_waive_reason"),
            # Open ⇔ not closed.
            models.CheckConstraint(condition=(Q(state=DeadlineState.OPEN) & Q(closed_at__isnull=True))
                                   | (~Q(state=DeadlineState.OPEN) & Q(closed_at__isnull=False)),
                                   name="deadline_closed_consistent"),
            # An early reminder has both its rule and its day, never after the due date.
            models.CheckConstraint(condition=(Q(remind_days__isnull=True) & Q(remind_on__isnull=True))
                                   | (Q(remind_days__isnull=False) & Q(remind_on__lte=models.F("due_date"))),
                                   name="deadline_remind_consistent"),
        ]
        indexes = [
            # The scan reads open deadlines by due date.
            models.Index(fields=["due_date", "id"], condition=Q(state="open"), name="deadline_open_due"),
            models.Index(fields=["remind_on", "id"], condition=Q(state="open", remind_on__isnull=False),
                         name="deadline_open_remind"),
            models.Index(fields=["project", "state", "due_date"], name="deadline_project_state"),
            models.Index(fields=["content_type", "object_id"], name="deadline_record"),
        ]

    def __str__(self) -> str:
        return f"{self.title} · {self.due_date:%Y-%m-%d}"

    @property
    def kind_label(self) -> str:
        try:
            return str(DeadlineKind(self.kind).label)
        except ValueError:
            return str(DeadlineKind.OTHER.label)

    @property
    def is_open(self) -> bool:
        return self.state == DeadlineState.OPEN

    def is_overdue(self, today: dt.date | None = None) -> bool:
        """Open and past its due date. Overdue is not a state: the deadline stays open until
        the record is done (then ``missed``, i.e. met late) or the client lead waives it."""
        return self.is_open and self.due_date < (today or timezone.localdate())

    @property
    def overdue(self) -> bool:
        return self.is_overdue()
