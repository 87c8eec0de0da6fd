"""Contract sampling settings and the GB/T 2828.1 switching state per (project, service type).

- :class:`SamplingSettings` — one per project, created with defaults when first needed
  (``services.settings_for``); edited by the client lead.
- :class:`SwitchingState` — the current severity (normal / tightened / reduced), the switching
  score and the counters of §9 of GB/T 2828.1, per project and service type.
- :class:`SwitchingEvent` — append-only log of every lot recorded and every regime change.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from apps.core.history import tracked_history
from apps.projects.enums import ServiceType
from apps.projects.models import Project

from .enums import AqlValue, InspectionLevel, Regime, SwitchingEventKind

# DA/T 68.6 §5.2.1 and Annex A: the sample is at least 5 % of the batch, 15 % for classified archives.
MIN_FLOOR_ORDINARY = Decimal("5")
MIN_FLOOR_CLASSIFIED = Decimal("15")
DEFAULT_HIGH_RISK_ORDINARY = Decimal("10")
DEFAULT_HIGH_RISK_CLASSIFIED = Decimal("20")
DEFAULT_AQL_SERIOUS = AqlValue.A1_0
DEFAULT_AQL_GENERAL = AqlValue.A4_0

RATE_VALIDATORS = [MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal("100"))]
WINDOW_SIZE = 5  # GB/T 2828.1 §9.3.2: "2 lots out of 5 or fewer consecutive lots"


class SamplingSettings(models.Model):
    """The contract's sampling settings of one project (抽检约定)."""

    project = models.OneToOneField(Project, on_delete=models.PROTECT, related_name="sampling_settings",
                                   verbose_name=_("project"))
    level = models.CharField(_("inspection level"), max_length=4, choices=InspectionLevel.choices,
                             default=InspectionLevel.II)
    aql_fatal = models.CharField(_("AQL for fatal defects"), max_length=6, choices=AqlValue.choices, null=True,
                                 blank=True, help_text=_("Empty: any fatal defect rejects the lot (Ac 0, Re 1)."))
    aql_serious = models.CharField(_("AQL for serious defects"), max_length=6, choices=AqlValue.choices,
                                   default=DEFAULT_AQL_SERIOUS)
    aql_general = models.CharField(_("AQL for general defects"), max_length=6, choices=AqlValue.choices,
                                   default=DEFAULT_AQL_GENERAL)
    fatal_rejects = models.BooleanField(
        _("any fatal defect rejects the lot"), default=True,
        help_text=_("Unless the contract says otherwise, one fatal defect in the sample rejects the lot."))
    floor_rate_ordinary = models.DecimalField(_("minimum sampling rate, ordinary archives (%)"), max_digits=5,
                                              decimal_places=2, default=MIN_FLOOR_ORDINARY,
                                              validators=RATE_VALIDATORS)
    floor_rate_classified = models.DecimalField(_("minimum sampling rate, classified archives (%)"), max_digits=5,
                                                decimal_places=2, default=MIN_FLOOR_CLASSIFIED,
                                                validators=RATE_VALIDATORS)
    high_risk_floor_rate_ordinary = models.DecimalField(
        _("minimum sampling rate, high-risk project, ordinary archives (%)"), max_digits=5, decimal_places=2,
        default=DEFAULT_HIGH_RISK_ORDINARY, validators=RATE_VALIDATORS)
    high_risk_floor_rate_classified = models.DecimalField(
        _("minimum sampling rate, high-risk project, classified archives (%)"), max_digits=5, decimal_places=2,
        default=DEFAULT_HIGH_RISK_CLASSIFIED, validators=RATE_VALIDATORS)
    reduced_allowed = models.BooleanField(
        _("reduced inspection allowed"), default=False,
        help_text=_("Whether the client may switch to reduced inspection when the switching score allows it."))

    version = models.PositiveIntegerField(default=1, editable=False)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("updated by"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = tracked_history()

    class Meta:
        verbose_name = _("sampling settings")
        verbose_name_plural = _("sampling settings")
        constraints = [
            models.CheckConstraint(condition=Q(level__in=InspectionLevel.values), name="smp_settings_level_valid"),
            models.CheckConstraint(condition=Q(aql_fatal__isnull=True) | Q(aql_fatal__in=AqlValue.values),
                                   name="smp_settings_aql_fatal_valid"),
            models.CheckConstraint(condition=Q(aql_serious__in=AqlValue.values), name="smp_settings_aql_serious_valid"),
            models.CheckConstraint(condition=Q(aql_general__in=AqlValue.values), name="smp_settings_aql_general_valid"),
            # Without "any fatal rejects", the contract must give an AQL for fatal defects.
            models.CheckConstraint(condition=Q(fatal_rejects=True) | Q(aql_fatal__isnull=False),
                                   name="smp_settings_fatal_rule"),
            # The standard's minimums (§5.2.1, Annex A) cannot be lowered; 100 % at most.
            models.CheckConstraint(condition=Q(floor_rate_ordinary__gte=MIN_FLOOR_ORDINARY)
                                   & Q(floor_rate_ordinary__lte=100), name="smp_settings_floor_ordinary"),
            models.CheckConstraint(condition=Q(floor_rate_classified__gte=MIN_FLOOR_CLASSIFIED)
                                   & Q(floor_rate_classified__lte=100), name="smp_settings_floor_classified"),
            models.CheckConstraint(condition=Q(high_risk_floor_rate_ordinary__gte=F("floor_rate_ordinary"))
                                   & Q(high_risk_floor_rate_ordinary__lte=100),
                                   name="smp_settings_high_risk_ordinary"),
            models.CheckConstraint(condition=Q(high_risk_floor_rate_classified__gte=F("floor_rate_classified"))
                                   & Q(high_risk_floor_rate_classified__lte=100),
                                   name="smp_settings_high_risk_classified"),
        ]

    def __str__(self) -> str:
        return gettext("Sampling settings of %(project)s") % {"project": self.project}

    def aql_for(self, grade: str) -> str | None:
        return {"fatal": self.aql_fatal, "serious": self.aql_serious, "general": self.aql_general}[grade]


class SwitchingState(models.Model):
    """GB/T 2828.1 §9 switching state of one service type of a project."""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="switching_states",
                                verbose_name=_("project"))
    service_type = models.CharField(_("service type"), max_length=32, choices=ServiceType.choices)
    regime = models.CharField(_("inspection regime"), max_length=16, choices=Regime.choices, default=Regime.NORMAL)
    switching_score = models.PositiveIntegerField(_("switching score"), default=0)
    # Outcomes of the latest original lots on normal inspection since it started, oldest first,
    # at most five: "A" accepted, "N" not accepted (§9.3.2).
    normal_window = models.CharField(_("latest lots on normal inspection"), max_length=WINDOW_SIZE, blank=True,
                                     default="")
    consecutive_accepted = models.PositiveIntegerField(_("consecutive lots accepted on tightened inspection"),
                                                       default=0)
    tightened_not_accepted = models.PositiveIntegerField(_("lots not accepted since tightened inspection began"),
                                                         default=0)
    lots_recorded = models.PositiveIntegerField(_("original lots recorded"), default=0)
    discontinued = models.BooleanField(_("sampling inspection discontinued"), default=False)
    last_change_reason = models.CharField(_("reason of the last change"), max_length=500, blank=True)
    last_changed_at = models.DateTimeField(_("regime last changed at"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = tracked_history()

    class Meta:
        ordering = ["project", "service_type"]
        verbose_name = _("switching state")
        verbose_name_plural = _("switching states")
        constraints = [
            models.UniqueConstraint(fields=["project", "service_type"], name="smp_state_unique"),
            models.CheckConstraint(condition=Q(service_type__in=ServiceType.values), name="smp_state_service_valid"),
            models.CheckConstraint(condition=Q(regime__in=Regime.values), name="smp_state_regime_valid"),
            models.CheckConstraint(condition=Q(normal_window__regex=r"^[AN]{0,5}$"), name="smp_state_window_valid"),
            # Discontinuation happens on tightened inspection, and resuming restarts there.
            models.CheckConstraint(condition=Q(discontinued=False) | Q(regime=Regime.TIGHTENED),
                                   name="smp_state_discontinued_tightened"),
            models.CheckConstraint(condition=Q(tightened_not_accepted__lte=5), name="smp_state_tightened_max"),
            models.CheckConstraint(condition=Q(consecutive_accepted__lte=5), name="smp_state_consecutive_max"),
        ]

    def __str__(self) -> str:
        return gettext("%(service)s: %(regime)s") % {"service": self.get_service_type_display(),
                                                       "regime": self.get_regime_display()}


class SwitchingEvent(models.Model):
    """Append-only log: every lot recorded and every change of regime, with the reason."""

    state = models.ForeignKey(SwitchingState, on_delete=models.PROTECT, related_name="events",
                              verbose_name=_("switching state"))
    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="switching_events",
                                verbose_name=_("project"))
    service_type = models.CharField(_("service type"), max_length=32, choices=ServiceType.choices)
    kind = models.CharField(_("event"), max_length=16, choices=SwitchingEventKind.choices)
    lot_ref = models.CharField(_("lot"), max_length=100, blank=True)
    accepted = models.BooleanField(_("lot accepted"), null=True, blank=True)
    regime_before = models.CharField(_("regime before"), max_length=16, choices=Regime.choices)
    regime_after = models.CharField(_("regime after"), max_length=16, choices=Regime.choices)
    score_before = models.PositiveIntegerField(_("score before"), default=0)
    score_after = models.PositiveIntegerField(_("score after"), default=0)
    defects_by_grade = models.JSONField(_("defective items per grade"), default=dict, blank=True)
    plan = models.JSONField(_("sampling plan used"), default=dict, blank=True)
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                             related_name="+", verbose_name=_("by"))
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    history = tracked_history()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("switching log entry")
        verbose_name_plural = _("switching log")
        indexes = [models.Index(fields=["project", "service_type", "-created_at"], name="smp_event_project_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=SwitchingEventKind.values), name="smp_event_kind_valid"),
            models.CheckConstraint(condition=Q(regime_before__in=Regime.values) & Q(regime_after__in=Regime.values),
                                   name="smp_event_regime_valid"),
            models.CheckConstraint(
                condition=~Q(kind__in=[SwitchingEventKind.LOT, SwitchingEventKind.RESUBMITTED_LOT])
                | (Q(accepted__isnull=False) & ~Q(lot_ref="")), name="smp_event_lot_has_result"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.lot_ref}".strip()

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise RuntimeError("Switching log entries are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise RuntimeError("Switching log entries are append-only.")
