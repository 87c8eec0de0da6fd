"""Team and equipment filing (项目组组建与备案, §8.1.1, §5.2.4, §6.1.3).

The contractor files each person (with certificate for key posts, no-criminal-record proof,
training result and confidentiality agreement) and each piece of equipment; the client
approves. A staff change replaces one approved filing by another. Client team members sign
an integrity pledge (廉洁承诺书).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.accounts.enums import CLIENT_ROLES, CONTRACTOR_ROLES, Party, ProjectRole
from apps.core.history import tracked_history
from apps.projects.models import Project
from apps.signatures.registry import SignableMixin

from .enums import (
    KEY_POSTS,
    LEVEL_RANK,
    OPEN_FILING_STATUSES,
    CertificateLevel,
    ChangeStatus,
    FilingStatus,
    TrainingResult,
)

_DECIDED = Q(status__in=[FilingStatus.APPROVED, FilingStatus.REJECTED, FilingStatus.ENDED])


class StaffFiling(models.Model):
    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="staff_filings",
                                verbose_name=_("project"))
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="staff_filings",
                               verbose_name=_("person"))
    role = models.CharField(_("project role"), max_length=32, choices=ProjectRole.choices)
    post = models.CharField(_("post"), max_length=100, blank=True, help_text=_("Job title, e.g. scanning operator."))
    cert_name = models.CharField(_("certificate"), max_length=200, blank=True)
    cert_number = models.CharField(_("certificate number"), max_length=100, blank=True)
    cert_level = models.CharField(_("certificate level"), max_length=16, choices=CertificateLevel.choices,
                                  default=CertificateLevel.NONE)
    cert_issuer = models.CharField(_("issued by"), max_length=200, blank=True)
    cert_valid_from = models.DateField(_("certificate valid from"), null=True, blank=True)
    cert_valid_until = models.DateField(_("certificate valid until"), null=True, blank=True)
    years_experience = models.PositiveSmallIntegerField(_("years of experience"), default=0,
                                                        validators=[MaxValueValidator(60)])
    no_criminal_record = models.BooleanField(_("no-criminal-record proof provided"), default=False)
    training_result = models.CharField(_("training and assessment"), max_length=16, choices=TrainingResult.choices,
                                       default=TrainingResult.PENDING)
    training_note = models.CharField(_("training note"), max_length=500, blank=True)
    confidentiality_signed_on = models.DateField(_("confidentiality agreement signed on"), null=True, blank=True)

    status = models.CharField(_("status"), max_length=16, choices=FilingStatus.choices,
                              default=FilingStatus.SUBMITTED)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("filed by"))
    submitted_at = models.DateTimeField(_("filed at"), default=timezone.now)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True,
                                   blank=True, verbose_name=_("decided by"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True, max_length=2000)
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    end_reason = models.CharField(_("end reason"), max_length=500, blank=True)

    history = tracked_history()

    class Meta:
        ordering = ["project", "role", "person__name"]
        verbose_name = _("staff filing")
        verbose_name_plural = _("staff filings")
        constraints = [
            models.CheckConstraint(condition=Q(status__in=FilingStatus.values), name="stafffiling_status_valid"),
            models.CheckConstraint(condition=Q(role__in=sorted(str(r) for r in CONTRACTOR_ROLES)),
                                   name="stafffiling_contractor_role"),
            models.CheckConstraint(condition=Q(cert_level__in=CertificateLevel.values),
                                   name="stafffiling_level_valid"),
            models.CheckConstraint(condition=Q(training_result__in=TrainingResult.values),
                                   name="stafffiling_training_valid"),
            models.CheckConstraint(condition=Q(cert_valid_from__isnull=True) | Q(cert_valid_until__isnull=True)
                                   | Q(cert_valid_until__gte=F("cert_valid_from")),
                                   name="stafffiling_cert_dates_ordered",
                                   violation_error_message=_("The certificate's validity must end after it starts.")),
            models.CheckConstraint(condition=~_DECIDED | Q(decided_by__isnull=False, decided_at__isnull=False),
                                   name="stafffiling_decision_recorded"),
            models.CheckConstraint(condition=~Q(status=FilingStatus.REJECTED) | ~Q(decision_note=""),
                                   name="stafffiling_rejection_has_reason"),
            models.CheckConstraint(condition=~Q(status=FilingStatus.ENDED) | Q(ended_at__isnull=False),
                                   name="stafffiling_end_recorded"),
            # One open filing per person and project (an ended one may be followed by a new one).
            models.UniqueConstraint(fields=["project", "person"], condition=Q(status__in=OPEN_FILING_STATUSES),
                                    name="stafffiling_one_open_per_person",
                                    violation_error_message=_("This person already has an open filing on this "
                                                              "project.")),
        ]

    def __str__(self) -> str:
        return f"{self.person} · {self.get_role_display()}"

    def get_absolute_url(self) -> str:
        return reverse("teams:filing_detail", args=[self.pk])

    def get_attachment_project(self) -> Project:
        return self.project

    @property
    def is_key_post(self) -> bool:
        return self.role in KEY_POSTS

    def certificate_valid_on(self, day: dt.date | None = None) -> bool:
        day = day or timezone.localdate()
        return bool(self.cert_name.strip() and self.cert_number.strip()
                    and self.cert_level != CertificateLevel.NONE
                    and (self.cert_valid_from is None or self.cert_valid_from <= day)
                    and self.cert_valid_until is not None and self.cert_valid_until >= day)

    def qualification_rank(self, day: dt.date | None = None) -> tuple[int, int]:
        """(certificate level ordinal, years of experience); an invalid or expired certificate
        counts as none. Tuples compare level first, then experience (docs/teams.md)."""
        level = LEVEL_RANK.get(self.cert_level, 0) if self.certificate_valid_on(day) else 0
        return (level, self.years_experience)


class Equipment(models.Model):
    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="equipment",
                                verbose_name=_("project"))
    name = models.CharField(_("equipment name"), max_length=200)
    model_no = models.CharField(_("model"), max_length=100, blank=True)
    serial_number = models.CharField(_("serial / asset number"), max_length=100)
    use = models.CharField(_("use"), max_length=300, help_text=_("What it is used for on this project."))
    network_isolated = models.BooleanField(_("disconnected from networks (断网)"), default=False)
    usb_disabled = models.BooleanField(_("USB ports disabled"), default=False)
    other_measures = models.TextField(_("other security measures"), blank=True, max_length=2000)

    status = models.CharField(_("status"), max_length=16, choices=FilingStatus.choices,
                              default=FilingStatus.SUBMITTED)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("filed by"))
    submitted_at = models.DateTimeField(_("filed at"), default=timezone.now)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True,
                                   blank=True, verbose_name=_("decided by"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True, max_length=2000)
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    end_reason = models.CharField(_("end reason"), max_length=500, blank=True)

    history = tracked_history()

    class Meta:
        ordering = ["project", "name", "serial_number"]
        verbose_name = _("equipment filing")
        verbose_name_plural = _("equipment filings")
        constraints = [
            models.CheckConstraint(condition=Q(status__in=FilingStatus.values), name="equipment_status_valid"),
            models.CheckConstraint(condition=~_DECIDED | Q(decided_by__isnull=False, decided_at__isnull=False),
                                   name="equipment_decision_recorded"),
            models.CheckConstraint(condition=~Q(status=FilingStatus.REJECTED) | ~Q(decision_note=""),
                                   name="equipment_rejection_has_reason"),
            models.CheckConstraint(condition=~Q(status=FilingStatus.ENDED) | Q(ended_at__isnull=False),
                                   name="equipment_end_recorded"),
            models.CheckConstraint(condition=~Q(serial_number=""), name="equipment_serial_required"),
            models.UniqueConstraint(fields=["project", "serial_number"],
                                    condition=Q(status__in=OPEN_FILING_STATUSES),
                                    name="equipment_serial_unique_open",
                                    violation_error_message=_("Equipment with this serial number is already filed on "
                                                              "this project.")),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.serial_number}）"

    def get_absolute_url(self) -> str:
        return reverse("teams:project", args=[self.project_id]) + f"#equipment-{self.pk}"

    def get_attachment_project(self) -> Project:
        return self.project


class StaffChange(models.Model):
    """A staff change requested in advance (§5.2.4): who leaves, who replaces, why, when."""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="staff_changes",
                                verbose_name=_("project"))
    leaving = models.ForeignKey(StaffFiling, on_delete=models.PROTECT, related_name="changes_leaving",
                                verbose_name=_("person leaving"))
    incoming = models.ForeignKey(StaffFiling, on_delete=models.PROTECT, related_name="changes_incoming",
                                 verbose_name=_("replacement"))
    reason = models.TextField(_("reason"), max_length=2000)
    planned_date = models.DateField(_("planned date"))
    status = models.CharField(_("status"), max_length=16, choices=ChangeStatus.choices,
                              default=ChangeStatus.REQUESTED)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("requested by"))
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True,
                                   blank=True, verbose_name=_("decided by"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True, max_length=2000)

    history = tracked_history()

    class Meta:
        ordering = ["-requested_at"]
        verbose_name = _("staff change")
        verbose_name_plural = _("staff changes")
        constraints = [
            models.CheckConstraint(condition=Q(status__in=ChangeStatus.values), name="staffchange_status_valid"),
            models.CheckConstraint(condition=~Q(leaving=F("incoming")), name="staffchange_two_people"),
            models.CheckConstraint(condition=~Q(reason=""), name="staffchange_reason_required"),
            models.CheckConstraint(
                condition=~Q(status__in=[ChangeStatus.APPROVED, ChangeStatus.REJECTED])
                | Q(decided_by__isnull=False, decided_at__isnull=False),
                name="staffchange_decision_recorded"),
            models.CheckConstraint(condition=~Q(status=ChangeStatus.REJECTED) | ~Q(decision_note=""),
                                   name="staffchange_rejection_has_reason"),
            models.UniqueConstraint(fields=["leaving"], condition=Q(status=ChangeStatus.REQUESTED),
                                    name="staffchange_one_pending_per_leaver"),
            models.UniqueConstraint(fields=["incoming"], condition=Q(status=ChangeStatus.REQUESTED),
                                    name="staffchange_one_pending_per_newcomer"),
        ]

    def __str__(self) -> str:
        return f"{self.leaving.person} → {self.incoming.person}"

    def get_absolute_url(self) -> str:
        return reverse("teams:change_detail", args=[self.pk])

    def get_attachment_project(self) -> Project:
        return self.project


class IntegrityPledge(SignableMixin, models.Model):
    """廉洁承诺书: one per client team member, signed by that member (apps.signatures)."""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="integrity_pledges",
                                verbose_name=_("project"))
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="integrity_pledges",
                               verbose_name=_("client team member"))
    text = models.TextField(_("pledge text"), max_length=10000)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("created by"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    history = tracked_history()

    # Any client team role; the teams signer check narrows it to the member themself.
    signature_roles = {Party.CLIENT: set(CLIENT_ROLES)}

    class Meta:
        ordering = ["project", "member__name"]
        verbose_name = _("integrity pledge")
        verbose_name_plural = _("integrity pledges")
        constraints = [
            models.UniqueConstraint(fields=["project", "member"], name="integritypledge_one_per_member"),
            models.CheckConstraint(condition=~Q(text=""), name="integritypledge_text_required"),
        ]

    def __str__(self) -> str:
        return f"{self.member} · {self._meta.verbose_name}"

    def get_absolute_url(self) -> str:
        return reverse("teams:project", args=[self.project_id]) + f"#pledge-{self.pk}"

    def signed_content(self) -> dict:
        return {"project": self.project_id, "member": self.member_id, "member_name": self.member.name,
                "text": self.text}
