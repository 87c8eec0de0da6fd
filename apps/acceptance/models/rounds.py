"""Acceptance rounds (§5.3.1–5.3.2, §8.3.1–8.3.2): plan (验收方案), inspection, report (验收报告).

A round carries its plan, its sampling per service type (:class:`PlanSampling`, each with the
acceptance inspection opened for it in apps.lot_inspection) and its report, which the team signs
and the contractor acknowledges. §5.3.2: more than three rounds need the client lead's override.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from apps.accounts.enums import Party, ProjectRole
from apps.core.history import tracked_history
from apps.projects.enums import ServiceType
from apps.projects.models import Project
from apps.signatures.enums import SignatureMeaning
from apps.signatures.registry import SignableMixin

from ..enums import OPEN_ROUND_STATES, ROUNDS_WITHOUT_OVERRIDE, Conclusion, RoundState
from .common import LONG_TEXT_MAX, TEXT_MAX

TEAM_ROLES = frozenset({ProjectRole.CLIENT_LEAD, ProjectRole.CLIENT_INSPECTOR, ProjectRole.ACCEPTANCE_MEMBER,
                        ProjectRole.ACCEPTANCE_EXPERT})
REPORTED_STATES = (RoundState.REPORTED, RoundState.PASSED, RoundState.FAILED)


class AcceptanceRound(SignableMixin, models.Model):
    """One round of acceptance: plan → inspection → report → passed or failed."""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="acceptance_rounds",
                                verbose_name=_("project"))
    number = models.PositiveSmallIntegerField(_("round"))
    state = models.CharField(_("state"), max_length=16, choices=RoundState.choices, default=RoundState.PLANNING)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("started by"))
    created_at = models.DateTimeField(_("started at"), auto_now_add=True)

    # §5.3.2: a round beyond the third needs the client lead's written override.
    override_reason = models.TextField(_("reason for a round beyond the third"), max_length=TEXT_MAX, blank=True)
    override_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("override by"))

    # The plan (验收方案): content, standards, sampling (PlanSampling), schedule.
    plan_content = models.TextField(_("content of the acceptance"), max_length=LONG_TEXT_MAX, blank=True)
    standards = models.ManyToManyField("inspections.CheckItem", blank=True, related_name="+",
                                       verbose_name=_("standards (check items)"))
    standards_note = models.TextField(_("other standards and contract terms"), max_length=TEXT_MAX, blank=True)
    schedule_start = models.DateField(_("acceptance from"), null=True, blank=True)
    schedule_end = models.DateField(_("acceptance until"), null=True, blank=True)
    plan_approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                         related_name="+", verbose_name=_("plan approved by"))
    plan_approved_at = models.DateTimeField(_("plan approved at"), null=True, blank=True)
    inspection_opened_at = models.DateTimeField(_("inspection opened at"), null=True, blank=True)

    # The report (验收报告).
    report_date = models.DateField(_("report date"), null=True, blank=True)
    problems = models.TextField(_("problems found"), max_length=LONG_TEXT_MAX, blank=True)
    opinion = models.TextField(_("acceptance opinion"), max_length=TEXT_MAX, blank=True)
    conclusion = models.CharField(_("conclusion"), max_length=8, choices=Conclusion.choices, blank=True,
                                  default=Conclusion.NONE)
    fail_reason = models.TextField(_("reason for failing"), max_length=TEXT_MAX, blank=True)
    rectification_due = models.DateField(_("rectification deadline"), null=True, blank=True)
    # Frozen when the report is issued: the inspection figures and the team that signs.
    figures = models.JSONField(_("inspection figures"), default=list, blank=True)
    team = models.JSONField(_("acceptance team"), default=list, blank=True)
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("report issued by"))
    reported_at = models.DateTimeField(_("report issued at"), null=True, blank=True)
    # The date the last team member signed: the acceptance date when passed (§5.3.1).
    signed_on = models.DateField(_("signed by the team on"), null=True, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="+", verbose_name=_("concluded by"))
    closed_at = models.DateTimeField(_("concluded at"), null=True, blank=True)

    version = models.PositiveIntegerField(default=1, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = tracked_history()

    signature_roles = {Party.CLIENT: TEAM_ROLES, Party.CONTRACTOR: {ProjectRole.CONTRACTOR_PM}}
    signature_meanings = {
        Party.CLIENT: {SignatureMeaning.REVIEW, SignatureMeaning.APPROVE, SignatureMeaning.CONFIRM},
        Party.CONTRACTOR: {SignatureMeaning.CONFIRM},
    }

    class Meta:
        ordering = ["project", "number"]
        verbose_name = _("acceptance round")
        verbose_name_plural = _("acceptance rounds")
        constraints = [
            models.UniqueConstraint(fields=["project", "number"], name="acc_round_unique"),
            models.CheckConstraint(condition=Q(number__gte=1), name="acc_round_positive"),
            models.CheckConstraint(condition=Q(state__in=RoundState.values), name="acc_round_state_valid"),
            models.CheckConstraint(condition=Q(conclusion__in=Conclusion.values), name="acc_round_conclusion_valid"),
            # One round at a time, and at most one passes.
            models.UniqueConstraint(fields=["project"], condition=Q(state__in=OPEN_ROUND_STATES),
                                    name="acc_round_one_open"),
            models.UniqueConstraint(fields=["project"], condition=Q(state=RoundState.PASSED),
                                    name="acc_round_one_passed"),
            # §5.3.2: a round beyond the third carries the override's written reason.
            models.CheckConstraint(
                condition=Q(number__lte=ROUNDS_WITHOUT_OVERRIDE)
                | (~Q(override_reason="") & Q(override_by__isnull=False)),
                name="acc_round_override_reason"),
            models.CheckConstraint(condition=~Q(state=RoundState.PLANNING) | Q(plan_approved_at__isnull=True),
                                   name="acc_round_planning_not_approved"),
            models.CheckConstraint(
                condition=Q(state__in=[RoundState.PLANNING]) | Q(plan_approved_at__isnull=False),
                name="acc_round_plan_approved"),
            # A report with a conclusion ⇔ reported, passed or failed.
            models.CheckConstraint(
                condition=(Q(state__in=REPORTED_STATES) & ~Q(conclusion="") & Q(report_date__isnull=False)
                           & Q(reported_at__isnull=False))
                | (~Q(state__in=REPORTED_STATES) & Q(conclusion="") & Q(report_date__isnull=True)),
                name="acc_round_report_consistent"),
            models.CheckConstraint(condition=~Q(state=RoundState.PASSED) | Q(conclusion=Conclusion.PASS),
                                   name="acc_round_passed_is_pass"),
            models.CheckConstraint(condition=~Q(state=RoundState.FAILED) | Q(conclusion=Conclusion.FAIL),
                                   name="acc_round_failed_is_fail"),
            # Failing sets a rectification deadline; passing none.
            models.CheckConstraint(
                condition=(Q(conclusion=Conclusion.FAIL) & Q(rectification_due__isnull=False))
                | (~Q(conclusion=Conclusion.FAIL) & Q(rectification_due__isnull=True)),
                name="acc_round_fail_has_deadline"),
            models.CheckConstraint(
                condition=(Q(state__in=[RoundState.PASSED, RoundState.FAILED]) & Q(closed_at__isnull=False)
                           & Q(signed_on__isnull=False))
                | (~Q(state__in=[RoundState.PASSED, RoundState.FAILED]) & Q(closed_at__isnull=True)
                   & Q(signed_on__isnull=True)),
                name="acc_round_closed_consistent"),
            models.CheckConstraint(
                condition=Q(schedule_start__isnull=True) | Q(schedule_end__isnull=True)
                | Q(schedule_end__gte=models.F("schedule_start")),
                name="acc_round_schedule_ordered"),
        ]

    def __str__(self) -> str:
        return gettext("Acceptance, round %(n)d") % {"n": self.number}

    def get_absolute_url(self) -> str:
        return reverse("acceptance:round", args=[self.pk])

    def get_attachment_project(self):
        return self.project

    @property
    def is_over_limit(self) -> bool:
        return self.number > ROUNDS_WITHOUT_OVERRIDE

    @property
    def is_reported(self) -> bool:
        return self.state in REPORTED_STATES

    @property
    def is_closed(self) -> bool:
        return self.state in (RoundState.PASSED, RoundState.FAILED)

    # ---- signatures (apps.signatures): the team signs for the client, the contractor PM
    # acknowledges; apps.acceptance registers a signer check so that only the team signs.

    def signed_content(self) -> dict:
        return {
            "project": self.project_id, "round": self.number, "report_date": self.report_date,
            "problems": self.problems, "opinion": self.opinion, "conclusion": self.conclusion,
            "fail_reason": self.fail_reason, "rectification_due": self.rectification_due,
            "figures": self.figures, "team": [m.get("user") for m in self.team],
        }

    def signature_refusal(self) -> str | None:
        if self.state not in REPORTED_STATES:
            return gettext("The acceptance report must be issued before it is signed.")
        return None

    def team_user_ids(self) -> list[int]:
        return [m["user"] for m in self.team]


class PlanSampling(models.Model):
    """The sampling of one service type in a round's plan (抽检比例 ≥ the statutory floor), with
    the acceptance inspection opened for it in apps.lot_inspection."""

    round = models.ForeignKey(AcceptanceRound, on_delete=models.PROTECT, related_name="samplings",
                              verbose_name=_("acceptance round"))
    service_type = models.CharField(_("service type"), max_length=32, choices=ServiceType.choices)
    floor_rate = models.DecimalField(_("sampling ratio (%)"), max_digits=5, decimal_places=2)
    inspection = models.OneToOneField("lot_inspection.LotInspection", on_delete=models.PROTECT, null=True,
                                      blank=True, related_name="acceptance_sampling",
                                      verbose_name=_("acceptance inspection"))

    history = tracked_history()

    class Meta:
        ordering = ["round", "service_type"]
        verbose_name = _("sampling of the acceptance plan")
        verbose_name_plural = _("sampling of the acceptance plan")
        constraints = [
            models.UniqueConstraint(fields=["round", "service_type"], name="acc_sampling_once_per_type"),
            models.CheckConstraint(condition=Q(service_type__in=ServiceType.values),
                                   name="acc_sampling_service_type_valid"),
            models.CheckConstraint(condition=Q(floor_rate__gt=0) & Q(floor_rate__lte=100),
                                   name="acc_sampling_rate_range"),
        ]

    def __str__(self) -> str:
        return f"{self.get_service_type_display()} {self.floor_rate}%"

    def get_absolute_url(self) -> str:
        return reverse("acceptance:round", args=[self.round_id]) + "#plan"
