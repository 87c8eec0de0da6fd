"""The warranty (质保, §6.5.3).

The period itself is not stored here: it runs from the acceptance date (``Project.accepted_on``)
for the contract's ``warranty_months``, and its end is the project's ``warranty_end`` deadline
(``apps.deadlines``), created when the acceptance passed. Problems reported in it are
rectification tickets of source 质保 (``apps.rectification``).

* :class:`WarrantyConclusion` — 质保期满确认: the client lead's closing assessment of the
  contractor's warranty service, with the figures of the follow-up frozen when it is recorded.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from apps.core.history import tracked_history
from apps.projects.models import Project

TEXT_MAX = 2000


class WarrantyConclusion(models.Model):
    """质保期满确认 (Annex A 质保服务: 监督质保期履约情况): the warranty follow-up is concluded."""

    project = models.OneToOneField(Project, on_delete=models.PROTECT, related_name="warranty_conclusion",
                                   verbose_name=_("project"))
    period_start = models.DateField(_("warranty from"))
    period_end = models.DateField(_("warranty until"))
    assessment = models.TextField(_("assessment of the warranty service"), max_length=TEXT_MAX)
    # The follow-up's figures as they were when it was concluded.
    tickets = models.PositiveIntegerField(_("warranty problems"))
    late_responses = models.PositiveIntegerField(_("responses after the deadline"))
    average_response_hours = models.DecimalField(_("average time to respond (hours)"), max_digits=8,
                                                 decimal_places=1, null=True, blank=True)
    concluded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("concluded by"))
    concluded_at = models.DateTimeField(_("concluded at"), auto_now_add=True)

    history = tracked_history()

    class Meta:
        verbose_name = _("warranty conclusion")
        verbose_name_plural = _("warranty conclusions")
        constraints = [
            models.CheckConstraint(condition=~Q(assessment=""), name="warrantyconclusion_has_assessment"),
            models.CheckConstraint(condition=Q(period_end__gte=F("period_start")),
                                   name="warrantyconclusion_period_ordered"),
            models.CheckConstraint(condition=Q(late_responses__lte=F("tickets")),
                                   name="warrantyconclusion_late_within_tickets"),
        ]

    def __str__(self) -> str:
        return gettext("Warranty conclusion of %(project)s") % {"project": self.project}

    def get_absolute_url(self) -> str:
        return reverse("warranty:project", args=[self.project_id])
