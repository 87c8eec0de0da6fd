"""Quality improvement plans (质量改进计划, §6.2.3, §10.2)."""

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
    ImprovementSource,
    ImprovementState,
)
from .common import TEXT_MAX


class ImprovementPlan(SignableMixin, models.Model):
    """质量改进计划 (§6.2.3, §10.2): from an analysis of problems the contractor states the
    target, the responsible person, the path, the deadline and how the effect will be verified;
    files it with the client; implements it; the client verifies its effect (验证记录)."""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="improvement_plans",
                                verbose_name=_("project"))
    number = models.PositiveIntegerField(_("plan number"))
    source = models.CharField(_("based on"), max_length=20, choices=ImprovementSource.choices)
    problem_analysis = models.TextField(_("problems and their causes"), max_length=TEXT_MAX)
    target = models.TextField(_("improvement target"), max_length=TEXT_MAX)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                              verbose_name=_("responsible person"))
    path = models.TextField(_("implementation path"), max_length=TEXT_MAX)
    deadline = models.DateField(_("completion deadline"))
    verification_method = models.TextField(_("verification method"), max_length=TEXT_MAX)
    state = models.CharField(_("state"), max_length=16, choices=ImprovementState.choices,
                             default=ImprovementState.DRAFT)
    prepared_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("prepared by"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    submitted_at = models.DateTimeField(_("submitted for filing at"), null=True, blank=True)
    return_reason = models.TextField(_("why it was returned"), max_length=TEXT_MAX, blank=True)
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="+", verbose_name=_("filed by"))
    filed_at = models.DateTimeField(_("filed at"), null=True, blank=True)
    filing_comment = models.TextField(_("client's comments on filing"), max_length=TEXT_MAX, blank=True)
    completion_report = models.TextField(_("what was done"), max_length=TEXT_MAX, blank=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    verification_record = models.TextField(_("verification record (验证记录)"), max_length=TEXT_MAX, blank=True)
    verified_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("verified by"))
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    failed_verifications = models.PositiveSmallIntegerField(_("verifications without effect"), default=0)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = tracked_history()

    signature_roles = {
        Party.CLIENT: {ProjectRole.CLIENT_LEAD, ProjectRole.CLIENT_INSPECTOR},
        Party.CONTRACTOR: {ProjectRole.CONTRACTOR_PM},
    }
    signature_meanings = {Party.CLIENT: {SignatureMeaning.REVIEW}, Party.CONTRACTOR: {SignatureMeaning.CONFIRM}}

    class Meta:
        ordering = ["project", "-number"]
        verbose_name = _("quality improvement plan")
        verbose_name_plural = _("quality improvement plans")
        constraints = [
            models.UniqueConstraint(fields=["project", "number"], name="improvement_number_unique"),
            models.CheckConstraint(condition=Q(number__gte=1), name="improvement_number_positive"),
            models.CheckConstraint(condition=Q(source__in=ImprovementSource.values), name="improvement_source_valid"),
            models.CheckConstraint(condition=Q(state__in=ImprovementState.values), name="improvement_state_valid"),
            # §10.2: target, owner, path, deadline and verification method, all stated.
            models.CheckConstraint(condition=~Q(problem_analysis="") & ~Q(target="") & ~Q(path="")
                                   & ~Q(verification_method=""), name="improvement_complete"),
            models.CheckConstraint(condition=~Q(state=ImprovementState.RETURNED) | ~Q(return_reason=""),
                                   name="improvement_return_reason"),
            models.CheckConstraint(
                condition=Q(state__in=[ImprovementState.DRAFT, ImprovementState.FILED, ImprovementState.RETURNED])
                | (Q(filed_by__isnull=False) & Q(filed_at__isnull=False)),
                name="improvement_filed_consistent"),
            models.CheckConstraint(
                condition=~Q(state__in=[ImprovementState.COMPLETED, ImprovementState.VERIFIED])
                | (Q(completed_at__isnull=False) & ~Q(completion_report="")),
                name="improvement_completed_consistent"),
            models.CheckConstraint(
                condition=(Q(state=ImprovementState.VERIFIED) & Q(verified_by__isnull=False)
                           & Q(verified_at__isnull=False) & ~Q(verification_record=""))
                | ~Q(state=ImprovementState.VERIFIED),
                name="improvement_verified_consistent"),
        ]

    def __str__(self) -> str:
        return gettext("Quality improvement plan No. %(n)d") % {"n": self.number}

    def get_absolute_url(self) -> str:
        return reverse("control:improvement_detail", args=[self.pk])

    def signed_content(self) -> dict:
        return {"project": self.project_id, "number": self.number, "source": self.source,
                "problem_analysis": self.problem_analysis, "target": self.target, "owner": self.owner_id,
                "path": self.path, "deadline": self.deadline, "verification_method": self.verification_method,
                "completion_report": self.completion_report, "verification_record": self.verification_record}

    def signature_refusal(self) -> str | None:
        if self.state != ImprovementState.VERIFIED:
            return gettext("The plan is signed once the client has verified its effect.")
        return None

    def get_attachment_project(self):
        return self.project
