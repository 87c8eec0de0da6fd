"""Plan review (方案审核, §5.1.2, §8.1.2): versions of the implementation plan and its QA sub-plan."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from apps.accounts.enums import Party, ProjectRole
from apps.core.history import tracked_history
from apps.projects.enums import Confidentiality, RiskLevel
from apps.projects.models import Project
from apps.signatures.enums import SignatureMeaning
from apps.signatures.registry import SignableMixin

from .enums import OPEN_STATUSES, PlanStatus

TEXT_MAX = 20000
CONTENT_FIELDS = ("title", "implementation_plan", "quality_targets", "procedures", "control_points",
                  "detailed_rules")


def is_major_project(project: Project) -> bool:
    """§5.1.2: major projects (high risk or classified) attach detailed rules (细则)."""
    return project.risk_level == RiskLevel.HIGH or project.confidentiality == Confidentiality.CLASSIFIED


class PlanVersion(SignableMixin, models.Model):
    """One version of the implementation plan with its QA sub-plan (质量保障方案). A version is
    never changed once submitted: a changed plan is a new version, reviewed again."""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="plan_versions",
                                verbose_name=_("project"))
    number = models.PositiveSmallIntegerField(_("version"))
    status = models.CharField(_("status"), max_length=16, choices=PlanStatus.choices, default=PlanStatus.DRAFT)
    based_on = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                 verbose_name=_("based on version"))
    change_reason = models.TextField(_("what changed and why"), blank=True, max_length=4000)

    title = models.CharField(_("title"), max_length=200)
    # Drafts may be incomplete; plan_version_submit refuses until every part is filled in.
    implementation_plan = models.TextField(_("implementation plan (实施方案)"), blank=True, max_length=TEXT_MAX)
    quality_targets = models.TextField(_("quality targets (质量目标)"), blank=True, max_length=TEXT_MAX)
    procedures = models.TextField(_("procedures (工作流程)"), blank=True, max_length=TEXT_MAX)
    control_points = models.TextField(_("quality control points (质量控制点)"), blank=True, max_length=TEXT_MAX)
    detailed_rules = models.TextField(_("detailed rules (细则)"), blank=True, max_length=TEXT_MAX,
                                      help_text=_("Required for major projects (high risk or classified)."))

    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+", verbose_name=_("submitted by"))
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("reviewed by"))
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    review_comments = models.TextField(_("review comments"), blank=True, max_length=TEXT_MAX)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("created by"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = tracked_history()

    # Approval in writing (§5.1.2): the client lead signs with the meaning 批准.
    signature_roles = {Party.CLIENT: {ProjectRole.CLIENT_LEAD}}
    signature_meanings = {Party.CLIENT: {SignatureMeaning.APPROVE}}

    class Meta:
        ordering = ["project", "-number"]
        verbose_name = _("plan version")
        verbose_name_plural = _("plan versions")
        constraints = [
            models.UniqueConstraint(fields=["project", "number"], name="planversion_number_unique"),
            models.UniqueConstraint(fields=["project"], condition=Q(status__in=OPEN_STATUSES),
                                    name="planversion_one_open_version"),
            models.CheckConstraint(condition=Q(status__in=PlanStatus.values), name="planversion_status_valid"),
            models.CheckConstraint(condition=Q(number__gte=1), name="planversion_number_positive"),
            models.CheckConstraint(condition=Q(status=PlanStatus.DRAFT) | Q(submitted_at__isnull=False),
                                   name="planversion_submitted_has_time"),
            models.CheckConstraint(
                condition=(Q(status__in=[PlanStatus.APPROVED, PlanStatus.RETURNED]) & Q(reviewed_at__isnull=False))
                | (Q(status__in=OPEN_STATUSES) & Q(reviewed_at__isnull=True)),
                name="planversion_reviewed_consistent"),
            models.CheckConstraint(condition=~Q(status=PlanStatus.RETURNED) | ~Q(review_comments=""),
                                   name="planversion_return_has_comments"),
            # A changed plan says what changed.
            models.CheckConstraint(condition=Q(number=1) | ~Q(change_reason=""), name="planversion_change_reason"),
        ]

    def __str__(self) -> str:
        return _("Plan version %(n)d") % {"n": self.number}

    def get_absolute_url(self) -> str:
        return reverse("plans:version", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    # ---- attachments: the plan documents themselves, the detailed rules, annexes
    def get_attachment_project(self):
        return self.project

    # ---- signatures
    def get_signature_project(self):
        return self.project

    def signed_content(self) -> dict:
        from django.contrib.contenttypes.models import ContentType

        from apps.attachments.models import Attachment

        ct = ContentType.objects.get_for_model(PlanVersion)
        files = sorted(Attachment.objects.filter(content_type=ct, object_id=self.pk, is_removed=False)
                       .values_list("sha256", flat=True))
        content = {f: getattr(self, f) for f in CONTENT_FIELDS}
        content.update({"project": self.project_id, "version": self.number, "status": self.status,
                        "review_comments": self.review_comments, "reviewed_at": self.reviewed_at, "files": files})
        return content

    def signature_refusal(self) -> str | None:
        if self.status != PlanStatus.APPROVED:
            return str(_("Only an approved plan version can be signed."))
        return None
