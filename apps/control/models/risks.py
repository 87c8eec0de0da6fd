"""The risk register (风险分级管控, §5.2.2, §6.3.1): risk points, assessments and the system's
re-assessment requests."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from apps.core.history import tracked_history
from apps.projects.enums import RiskLevel
from apps.projects.models import Project

from ..enums import (
    AssessmentTrigger,
    RequestState,
    RiskCategory,
    RiskPointStatus,
)
from .common import TEXT_MAX

LEVEL_RANK = {RiskLevel.LOW: 1, RiskLevel.MEDIUM: 2, RiskLevel.HIGH: 3}


class RiskPoint(models.Model):
    """One risk point of the project's register (风险台账). The client lead rates it (level);
    the contractor may propose points and edit their control measures (§5.2.2: the client leads,
    the contractor cooperates). A point proposed by the contractor has no level until rated."""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="risk_points",
                                verbose_name=_("project"))
    category = models.CharField(_("category"), max_length=32, choices=RiskCategory.choices)
    description = models.TextField(_("risk description"), max_length=TEXT_MAX)
    level = models.CharField(_("risk level"), max_length=16, choices=RiskLevel.choices, blank=True)
    control_measures = models.TextField(_("control measures"), max_length=TEXT_MAX, blank=True)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                              related_name="+", verbose_name=_("responsible person"))
    status = models.CharField(_("status"), max_length=16, choices=RiskPointStatus.choices,
                              default=RiskPointStatus.ACTIVE)
    retired_reason = models.TextField(_("reason for retiring"), max_length=TEXT_MAX, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("created by"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = tracked_history()

    class Meta:
        ordering = ["project", "pk"]
        verbose_name = _("risk point")
        verbose_name_plural = _("risk points")
        constraints = [
            models.CheckConstraint(condition=Q(category__in=RiskCategory.values), name="riskpoint_category_valid"),
            models.CheckConstraint(condition=Q(level="") | Q(level__in=RiskLevel.values), name="riskpoint_level_valid"),
            models.CheckConstraint(condition=Q(status__in=RiskPointStatus.values), name="riskpoint_status_valid"),
            models.CheckConstraint(condition=~Q(description=""), name="riskpoint_has_description"),
            models.CheckConstraint(condition=Q(status=RiskPointStatus.ACTIVE, retired_reason="")
                                   | (Q(status=RiskPointStatus.RETIRED) & ~Q(retired_reason="")),
                                   name="riskpoint_retired_reason"),
        ]

    def __str__(self) -> str:
        return gettext("Risk point %(n)d") % {"n": self.pk or 0}

    def get_absolute_url(self) -> str:
        return reverse("control:risks", args=[self.project_id]) + f"#risk-{self.pk}"

    @property
    def is_rated(self) -> bool:
        return bool(self.level)


class RiskAssessment(models.Model):
    """A completed risk (re-)assessment by the client lead; it sets the project's risk level."""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="risk_assessments",
                                verbose_name=_("project"))
    trigger = models.CharField(_("trigger"), max_length=16, choices=AssessmentTrigger.choices)
    assessed_on = models.DateField(_("assessment date"))
    conclusion = models.TextField(_("conclusion"), max_length=TEXT_MAX)
    # The highest level of the active points at the time, and the level the client lead set.
    computed_level = models.CharField(_("highest level of the active points"), max_length=16,
                                      choices=RiskLevel.choices)
    resulting_level = models.CharField(_("resulting project risk level"), max_length=16, choices=RiskLevel.choices)
    level_reason = models.TextField(_("reason for a different level"), max_length=TEXT_MAX, blank=True)
    previous_level = models.CharField(_("previous project risk level"), max_length=16, choices=RiskLevel.choices)
    points_snapshot = models.JSONField(_("risk points at the assessment"), default=list, blank=True)
    assessed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("assessed by"))
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    history = tracked_history()

    class Meta:
        ordering = ["-assessed_on", "-pk"]
        verbose_name = _("risk assessment")
        verbose_name_plural = _("risk assessments")
        constraints = [
            models.CheckConstraint(condition=Q(trigger__in=AssessmentTrigger.values), name="riskassessment_trigger"),
            models.CheckConstraint(condition=Q(computed_level__in=RiskLevel.values)
                                   & Q(resulting_level__in=RiskLevel.values) & Q(previous_level__in=RiskLevel.values),
                                   name="riskassessment_levels_valid"),
            models.CheckConstraint(condition=~Q(conclusion=""), name="riskassessment_has_conclusion"),
            # The client lead may state another level than the highest point's, with a reason.
            models.CheckConstraint(condition=Q(resulting_level=models.F("computed_level")) | ~Q(level_reason=""),
                                   name="riskassessment_override_reason"),
        ]

    def __str__(self) -> str:
        return gettext("Risk assessment of %(date)s") % {"date": f"{self.assessed_on:%Y-%m-%d}"}

    def get_absolute_url(self) -> str:
        return reverse("control:risks", args=[self.project_id]) + f"#assessment-{self.pk}"

    @property
    def is_override(self) -> bool:
        return self.resulting_level != self.computed_level


class RiskReassessmentRequest(models.Model):
    """The system asks the client lead for a (re-)assessment: at project start, after an
    approved major change, after an incident. Closed by the next completed assessment."""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="risk_reassessment_requests",
                                verbose_name=_("project"))
    trigger = models.CharField(_("trigger"), max_length=16, choices=AssessmentTrigger.choices)
    note = models.TextField(_("note"), max_length=TEXT_MAX, blank=True)
    source_label = models.CharField(_("source"), max_length=200, blank=True)
    source_url = models.CharField(_("source link"), max_length=500, blank=True)
    state = models.CharField(_("state"), max_length=16, choices=RequestState.choices, default=RequestState.OPEN)
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(RiskAssessment, on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="closed_requests", verbose_name=_("closed by the assessment"))

    history = tracked_history()

    class Meta:
        ordering = ["-requested_at", "-pk"]
        verbose_name = _("risk re-assessment request")
        verbose_name_plural = _("risk re-assessment requests")
        constraints = [
            models.CheckConstraint(condition=Q(trigger__in=AssessmentTrigger.values), name="riskrequest_trigger"),
            models.CheckConstraint(condition=Q(state__in=RequestState.values), name="riskrequest_state_valid"),
            models.CheckConstraint(condition=(Q(state=RequestState.OPEN) & Q(closed_at__isnull=True)
                                              & Q(closed_by__isnull=True))
                                   | (Q(state=RequestState.CLOSED) & Q(closed_at__isnull=False)
                                      & Q(closed_by__isnull=False)),
                                   name="riskrequest_closed_consistent"),
            # Idempotent: one open request per project, trigger and source.
            models.UniqueConstraint(fields=["project", "trigger", "source_label"],
                                    condition=Q(state=RequestState.OPEN), name="riskrequest_one_open_per_source"),
        ]

    def __str__(self) -> str:
        return gettext("Risk re-assessment requested: %(trigger)s") % {"trigger": self.get_trigger_display()}

    def get_absolute_url(self) -> str:
        return reverse("control:risks", args=[self.project_id]) + f"#request-{self.pk}"
