from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from apps.accounts.enums import OrgKind, ProjectRole
from apps.accounts.models import Organization
from apps.core.history import tracked_history

from .enums import Confidentiality, Phase, RiskLevel, ServiceType, Stage


class Project(models.Model):
    """An outsourced archive service project under one contract."""

    name = models.CharField(_("project name"), max_length=200)
    contract_no = models.CharField(_("contract no."), max_length=64)
    client = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="client_projects",
                               limit_choices_to={"kind": OrgKind.CLIENT}, verbose_name=_("client (发包方)"))
    contractor = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="contractor_projects",
                                   limit_choices_to={"kind": OrgKind.CONTRACTOR},
                                   verbose_name=_("contractor (承包方)"))
    service_types = ArrayField(models.CharField(max_length=32, choices=ServiceType.choices),
                               verbose_name=_("service types"))
    risk_level = models.CharField(_("risk level"), max_length=16, choices=RiskLevel.choices, default=RiskLevel.MEDIUM)
    confidentiality = models.CharField(_("confidentiality"), max_length=16, choices=Confidentiality.choices,
                                       default=Confidentiality.ORDINARY)
    contract_signed_on = models.DateField(_("contract signed on"))
    start_date = models.DateField(_("contract start"))
    end_date = models.DateField(_("contract end"))
    # §7.1.4: the contract's pass-rate threshold, 95 % unless the contract says otherwise.
    quality_threshold = models.DecimalField(
        _("quality threshold (%)"), max_digits=5, decimal_places=2, default=Decimal("95.00"),
        validators=[MinValueValidator(Decimal("50")), MaxValueValidator(Decimal("100"))])
    warranty_months = models.PositiveSmallIntegerField(_("warranty period (months)"), default=12,
                                                       validators=[MaxValueValidator(120)])
    description = models.TextField(_("description"), blank=True, max_length=5000)

    phase = models.CharField(_("phase"), max_length=16, choices=Phase.choices, default=Phase.PREPARATION)
    resume_phase = models.CharField(_("phase to resume"), max_length=16, choices=Phase.choices, blank=True)
    phase_changed_at = models.DateTimeField(_("phase changed at"), auto_now_add=True)
    accepted_on = models.DateField(_("accepted on"), null=True, blank=True)

    # Optimistic locking: every write through a service increments it (security row 18).
    version = models.PositiveIntegerField(default=1, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("created by"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = tracked_history()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        constraints = [
            models.UniqueConstraint(fields=["client", "contract_no"], name="project_contract_no_unique_per_client"),
            models.CheckConstraint(condition=Q(phase__in=Phase.values), name="project_phase_valid"),
            models.CheckConstraint(condition=Q(risk_level__in=RiskLevel.values), name="project_risk_valid"),
            models.CheckConstraint(condition=Q(confidentiality__in=Confidentiality.values),
                                   name="project_confidentiality_valid"),
            models.CheckConstraint(condition=Q(end_date__gte=F("start_date")), name="project_dates_ordered"),
            models.CheckConstraint(condition=Q(contract_signed_on__lte=F("end_date")), name="project_signed_before_end"),
            models.CheckConstraint(condition=Q(quality_threshold__gte=50) & Q(quality_threshold__lte=100),
                                   name="project_threshold_range"),
            models.CheckConstraint(condition=~Q(client=F("contractor")), name="project_parties_differ"),
            models.CheckConstraint(condition=Q(service_types__len__gte=1), name="project_has_service_type"),
            # Suspended ⇔ a phase to resume is recorded, and that phase is an active one.
            models.CheckConstraint(
                condition=(Q(phase=Phase.SUSPENDED) & Q(resume_phase__in=[
                    Phase.PREPARATION, Phase.IMPLEMENTATION, Phase.ACCEPTANCE, Phase.WARRANTY]))
                | (~Q(phase=Phase.SUSPENDED) & Q(resume_phase="")),
                name="project_suspension_consistent"),
        ]
        indexes = [
            models.Index(fields=["client", "phase"]),
            models.Index(fields=["contractor", "phase"]),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.contract_no}）"

    @property
    def is_classified(self) -> bool:
        return self.confidentiality == Confidentiality.CLASSIFIED

    @property
    def is_suspended(self) -> bool:
        return self.phase == Phase.SUSPENDED

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("projects:detail", args=[self.pk])

    def get_service_types_display(self) -> str:
        labels = dict(ServiceType.choices)
        return "、".join(str(labels.get(s, s)) for s in self.service_types)


class ProjectMember(models.Model):
    """A person's role on one project. One person may hold several roles on the same side."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="members", verbose_name=_("project"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="memberships",
                             verbose_name=_("person"))
    role = models.CharField(_("project role"), max_length=32, choices=ProjectRole.choices)
    is_active = models.BooleanField(_("active"), default=True)
    added_at = models.DateTimeField(_("added at"), auto_now_add=True)
    removed_at = models.DateTimeField(_("removed at"), null=True, blank=True)

    history = tracked_history()

    class Meta:
        ordering = ["role", "user__name"]
        verbose_name = _("project member")
        verbose_name_plural = _("project members")
        constraints = [
            models.UniqueConstraint(fields=["project", "user", "role"], condition=Q(is_active=True),
                                    name="projectmember_active_role_unique"),
            models.CheckConstraint(condition=Q(role__in=ProjectRole.values), name="projectmember_role_valid"),
            models.CheckConstraint(condition=Q(is_active=True, removed_at__isnull=True)
                                   | Q(is_active=False, removed_at__isnull=False),
                                   name="projectmember_removed_consistent"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()}"


class GateAttestation(models.Model):
    """The client lead's record that a gate's step was done on paper (线下确认).

    Only gates whose module is not yet in the system accept it; once a module checks a gate
    from its own records, attestations no longer count for that gate.
    """

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="gate_attestations",
                                verbose_name=_("project"))
    gate = models.CharField(_("gate"), max_length=64)
    reference = models.CharField(_("paper record reference"), max_length=200)
    note = models.TextField(_("note"), blank=True, max_length=2000)
    attested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("attested by"))
    attested_at = models.DateTimeField(_("attested at"), auto_now_add=True)

    history = tracked_history()

    class Meta:
        verbose_name = _("gate attestation")
        verbose_name_plural = _("gate attestations")
        constraints = [models.UniqueConstraint(fields=["project", "gate"], name="gateattestation_unique")]

    def __str__(self) -> str:
        return f"{self.project} · {self.gate}"


class StageTask(models.Model):
    """One row of the Annex A checklist (表A.1) for one project, with its due date."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="stage_tasks",
                                verbose_name=_("project"))
    step = models.CharField(_("step"), max_length=48)
    stage = models.CharField(_("stage"), max_length=16, choices=Stage.choices)
    position = models.PositiveSmallIntegerField(_("position"))
    due_date = models.DateField(_("due date"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)

    history = tracked_history()

    class Meta:
        ordering = ["position"]
        verbose_name = _("stage task")
        verbose_name_plural = _("stage tasks")
        constraints = [
            models.UniqueConstraint(fields=["project", "step"], name="stagetask_step_unique"),
            models.CheckConstraint(condition=Q(stage__in=Stage.values), name="stagetask_stage_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.project} · {self.step}"
