"""The acceptance application (验收申请, §5.3.1, §6.5.1, Annex A 验收组织) and its materials."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from apps.core.history import tracked_history
from apps.projects.models import Project

from ..enums import ApplicationState, LineReview, MaterialKind, SystemRecord
from .common import LINE_MAX, TEXT_MAX


class AcceptanceApplication(models.Model):
    """The contractor's application for acceptance once implementation is finished: its results
    and the materials the contract requires; reviewed by the client (complete or returned)."""

    project = models.OneToOneField(Project, on_delete=models.PROTECT, related_name="acceptance_application",
                                   verbose_name=_("project"))
    state = models.CharField(_("state"), max_length=16, choices=ApplicationState.choices,
                             default=ApplicationState.DRAFT)
    results = models.TextField(_("results delivered (成果)"), max_length=TEXT_MAX, blank=True)
    note = models.TextField(_("note to the client"), max_length=TEXT_MAX, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("created by"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+", verbose_name=_("submitted by"))
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submissions = models.PositiveSmallIntegerField(_("times submitted"), default=0)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("reviewed by"))
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    review_note = models.TextField(_("review remarks"), max_length=TEXT_MAX, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = tracked_history()

    class Meta:
        verbose_name = _("acceptance application")
        verbose_name_plural = _("acceptance applications")
        constraints = [
            models.CheckConstraint(condition=Q(state__in=ApplicationState.values), name="acc_app_state_valid"),
            # Submitted at least once ⇔ not a draft.
            models.CheckConstraint(
                condition=(Q(state=ApplicationState.DRAFT) & Q(submitted_at__isnull=True) & Q(submissions=0))
                | (~Q(state=ApplicationState.DRAFT) & Q(submitted_at__isnull=False) & Q(submissions__gte=1)),
                name="acc_app_submitted_consistent"),
            # Returned or complete ⇒ reviewed.
            models.CheckConstraint(
                condition=~Q(state__in=[ApplicationState.RETURNED, ApplicationState.COMPLETE])
                | (Q(reviewed_by__isnull=False) & Q(reviewed_at__isnull=False)),
                name="acc_app_reviewed_consistent"),
        ]

    def __str__(self) -> str:
        return gettext("Acceptance application")

    def get_absolute_url(self) -> str:
        return reverse("acceptance:project", args=[self.project_id]) + "#application"

    def get_attachment_project(self):
        return self.project

    @property
    def is_editable(self) -> bool:
        return self.state in (ApplicationState.DRAFT, ApplicationState.RETURNED)


class MaterialLine(models.Model):
    """One line of the materials checklist: what the contract requires, with files attached
    (apps.attachments) or a reference to records already in the system."""

    application = models.ForeignKey(AcceptanceApplication, on_delete=models.PROTECT, related_name="lines",
                                    verbose_name=_("acceptance application"))
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    kind = models.CharField(_("kind of material"), max_length=24, choices=MaterialKind.choices)
    title = models.CharField(_("material"), max_length=LINE_MAX)
    description = models.TextField(_("description"), max_length=TEXT_MAX, blank=True)
    required = models.BooleanField(_("required by the contract"), default=True)
    record_ref = models.CharField(_("records in the system"), max_length=24, choices=SystemRecord.choices,
                                  blank=True)
    reference = models.CharField(_("reference (document no., location)"), max_length=LINE_MAX, blank=True)
    review = models.CharField(_("review of the line"), max_length=16, choices=LineReview.choices, blank=True,
                              default=LineReview.PENDING)
    review_note = models.CharField(_("what is missing"), max_length=LINE_MAX * 2, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = tracked_history()

    class Meta:
        ordering = ["application", "order", "pk"]
        verbose_name = _("materials line")
        verbose_name_plural = _("materials lines")
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=MaterialKind.values), name="acc_line_kind_valid"),
            models.CheckConstraint(condition=Q(record_ref="") | Q(record_ref__in=SystemRecord.values),
                                   name="acc_line_record_ref_valid"),
            models.CheckConstraint(condition=Q(review__in=LineReview.values), name="acc_line_review_valid"),
            models.CheckConstraint(condition=~Q(title=""), name="acc_line_has_title"),
            # A line found missing says what is missing.
            models.CheckConstraint(condition=~Q(review=LineReview.MISSING) | ~Q(review_note=""),
                                   name="acc_line_missing_says_what"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("acceptance:project", args=[self.application.project_id]) + f"#line-{self.pk}"

    def get_attachment_project(self):
        return self.application.project

    @property
    def project(self):
        return self.application.project

    @property
    def record_url(self) -> str:
        from ..enums import SYSTEM_RECORD_URLS

        name = SYSTEM_RECORD_URLS.get(self.record_ref)
        return reverse(name, args=[self.application.project_id]) if name else ""
