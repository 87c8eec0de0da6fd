"""The contractor's quality and data reports (质量及数据报告, §8.2.3)."""

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
    ReportState,
)
from .common import LONG_TEXT_MAX, TEXT_MAX


class QualityReport(SignableMixin, models.Model):
    """The contractor's periodic quality and data report (质量及数据报告). Its figures are
    computed from the records (batches, sampling inspections, defects by grade, rectification
    tickets) when it is prepared and frozen when it is submitted; the contractor adds its
    analysis; the client acknowledges it in writing (§8.2.3)."""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="quality_reports",
                                verbose_name=_("project"))
    number = models.PositiveIntegerField(_("report number"))
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period to"))
    figures = models.JSONField(_("figures from the records"), default=dict, blank=True)
    figures_at = models.DateTimeField(_("figures computed at"))
    summary = models.TextField(_("summary of quality"), max_length=LONG_TEXT_MAX)
    problems = models.TextField(_("main problems and causes"), max_length=TEXT_MAX, blank=True)
    next_steps = models.TextField(_("measures for the next period"), max_length=TEXT_MAX, blank=True)
    state = models.CharField(_("state"), max_length=16, choices=ReportState.choices, default=ReportState.DRAFT)
    prepared_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("prepared by"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+", verbose_name=_("submitted by"))
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    return_reason = models.TextField(_("why it was returned"), max_length=TEXT_MAX, blank=True)
    acknowledged_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                        related_name="+", verbose_name=_("acknowledged by"))
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    client_comment = models.TextField(_("client's comments"), max_length=TEXT_MAX, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = tracked_history()

    signature_roles = {
        Party.CLIENT: {ProjectRole.CLIENT_LEAD, ProjectRole.CLIENT_INSPECTOR},
        Party.CONTRACTOR: {ProjectRole.CONTRACTOR_PM},
    }
    signature_meanings = {Party.CLIENT: {SignatureMeaning.REVIEW}, Party.CONTRACTOR: {SignatureMeaning.CONFIRM}}

    class Meta:
        ordering = ["project", "-period_end", "-number"]
        verbose_name = _("quality report")
        verbose_name_plural = _("quality reports")
        constraints = [
            models.UniqueConstraint(fields=["project", "number"], name="qreport_number_unique"),
            models.UniqueConstraint(fields=["project", "period_start", "period_end"], name="qreport_period_unique"),
            models.CheckConstraint(condition=Q(number__gte=1), name="qreport_number_positive"),
            models.CheckConstraint(condition=Q(state__in=ReportState.values), name="qreport_state_valid"),
            models.CheckConstraint(condition=Q(period_end__gte=models.F("period_start")), name="qreport_period_ordered"),
            models.CheckConstraint(condition=~Q(summary=""), name="qreport_has_summary"),
            models.CheckConstraint(
                condition=Q(state=ReportState.DRAFT) | (Q(submitted_by__isnull=False) & Q(submitted_at__isnull=False)),
                name="qreport_submitted_consistent"),
            models.CheckConstraint(
                condition=(Q(state=ReportState.ACKNOWLEDGED) & Q(acknowledged_by__isnull=False)
                           & Q(acknowledged_at__isnull=False))
                | (~Q(state=ReportState.ACKNOWLEDGED) & Q(acknowledged_by__isnull=True)
                   & Q(acknowledged_at__isnull=True)),
                name="qreport_acknowledged_consistent"),
            models.CheckConstraint(condition=~Q(state=ReportState.RETURNED) | ~Q(return_reason=""),
                                   name="qreport_return_reason"),
        ]

    def __str__(self) -> str:
        return gettext("Quality report No. %(n)d (%(start)s – %(end)s)") % {
            "n": self.number, "start": f"{self.period_start:%Y-%m-%d}", "end": f"{self.period_end:%Y-%m-%d}"}

    def get_absolute_url(self) -> str:
        return reverse("control:report_detail", args=[self.pk])

    def signed_content(self) -> dict:
        return {"project": self.project_id, "number": self.number, "period_start": self.period_start,
                "period_end": self.period_end, "figures": self.figures, "summary": self.summary,
                "problems": self.problems, "next_steps": self.next_steps, "client_comment": self.client_comment}

    def signature_refusal(self) -> str | None:
        if self.state != ReportState.ACKNOWLEDGED:
            return gettext("The report is signed once the client has acknowledged it.")
        return None

    def get_attachment_project(self):
        return self.project
