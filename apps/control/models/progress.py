"""The progress plan (进度计划; quality first, §8.2.4)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from apps.core.history import tracked_history
from apps.projects.models import Project

from ..enums import (
    MilestoneState,
)
from .common import TEXT_MAX


class ProgressMilestone(models.Model):
    """One stage of the contractor's progress plan (进度计划): planned against actual. When the
    schedule and quality conflict, quality comes first (§8.2.4): the stage is held for quality
    with the reason and its new planned end, and the original plan is kept."""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="progress_milestones",
                                verbose_name=_("project"))
    sequence = models.PositiveSmallIntegerField(_("order"))
    name = models.CharField(_("stage"), max_length=200)
    planned_quantity = models.PositiveIntegerField(_("planned quantity"), null=True, blank=True)
    planned_start = models.DateField(_("planned start"))
    planned_end = models.DateField(_("planned end"))
    original_planned_end = models.DateField(_("originally planned end"))
    actual_start = models.DateField(_("actual start"), null=True, blank=True)
    actual_end = models.DateField(_("actual end"), null=True, blank=True)
    actual_quantity = models.PositiveIntegerField(_("actual quantity"), null=True, blank=True)
    state = models.CharField(_("state"), max_length=20, choices=MilestoneState.choices,
                             default=MilestoneState.PLANNED)
    quality_hold_reason = models.TextField(_("quality first: reason"), max_length=TEXT_MAX, blank=True)
    held_count = models.PositiveSmallIntegerField(_("times held for quality"), default=0)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("created by"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = tracked_history()

    class Meta:
        ordering = ["project", "sequence", "pk"]
        verbose_name = _("progress plan stage")
        verbose_name_plural = _("progress plan stages")
        constraints = [
            models.CheckConstraint(condition=Q(state__in=MilestoneState.values), name="milestone_state_valid"),
            models.CheckConstraint(condition=~Q(name=""), name="milestone_has_name"),
            models.CheckConstraint(condition=Q(planned_end__gte=models.F("planned_start"))
                                   & Q(original_planned_end__gte=models.F("planned_start")),
                                   name="milestone_planned_ordered"),
            models.CheckConstraint(condition=Q(actual_end__isnull=True) | (Q(actual_start__isnull=False)
                                                                          & Q(actual_end__gte=models.F("actual_start"))),
                                   name="milestone_actual_ordered"),
            models.CheckConstraint(condition=(Q(state=MilestoneState.DONE) & Q(actual_end__isnull=False))
                                   | (~Q(state=MilestoneState.DONE) & Q(actual_end__isnull=True)),
                                   name="milestone_done_consistent"),
            models.CheckConstraint(condition=~Q(state__in=[MilestoneState.IN_PROGRESS, MilestoneState.DONE])
                                   | Q(actual_start__isnull=False), name="milestone_started_consistent"),
            models.CheckConstraint(condition=~Q(state=MilestoneState.PLANNED) | Q(actual_start__isnull=True),
                                   name="milestone_planned_not_started"),
            models.CheckConstraint(condition=~Q(state=MilestoneState.HELD_FOR_QUALITY) | ~Q(quality_hold_reason=""),
                                   name="milestone_hold_reason"),
        ]

    def __str__(self) -> str:
        return gettext("Stage %(n)d: %(name)s") % {"n": self.sequence, "name": self.name}

    def get_absolute_url(self) -> str:
        return reverse("control:progress", args=[self.project_id]) + f"#stage-{self.pk}"

    @property
    def delay_days(self) -> int:
        """Days later than originally planned: at the actual end, or today for an unfinished stage."""
        from django.utils import timezone

        end = self.actual_end or timezone.localdate()
        return max((end - self.original_planned_end).days, 0)

    @property
    def is_rescheduled(self) -> bool:
        return self.planned_end != self.original_planned_end
