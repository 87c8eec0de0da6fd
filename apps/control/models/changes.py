"""Change requests (变更联系单, §6.4.2, §8.2.3)."""

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
    CHANGE_DECIDED,
    ChangeCategory,
    ChangeState,
)
from .common import TEXT_MAX


class ChangeRequest(SignableMixin, models.Model):
    """变更联系单: the contractor's written request to change the project's content or quality
    standard, with its reason and its impact on quality (§6.4.2). Nothing changes before the
    client lead approves it in writing: the approval is the lead's signature (批准), made in the
    same step. An approved change that touches the plan opens a new plan version for review."""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="change_requests",
                                verbose_name=_("project"))
    number = models.PositiveIntegerField(_("change request number"))
    category = models.CharField(_("what changes"), max_length=32, choices=ChangeCategory.choices)
    title = models.CharField(_("change in brief"), max_length=200)
    description = models.TextField(_("proposed change"), max_length=TEXT_MAX)
    reason = models.TextField(_("reason for the change"), max_length=TEXT_MAX)
    quality_impact = models.TextField(_("impact on quality"), max_length=TEXT_MAX)
    touches_plan = models.BooleanField(_("changes the implementation plan"), default=False)
    is_major = models.BooleanField(_("major change (重大变更)"), default=False)
    state = models.CharField(_("state"), max_length=16, choices=ChangeState.choices, default=ChangeState.SUBMITTED)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("requested by"))
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("decided by"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.TextField(_("client's opinion"), max_length=TEXT_MAX, blank=True)
    withdrawn_reason = models.TextField(_("reason for withdrawing"), max_length=TEXT_MAX, blank=True)
    # The plan version the approval opened (apps.plans), or why none was opened.
    plan_version = models.ForeignKey("plans.PlanVersion", on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+", verbose_name=_("plan version opened"))
    plan_note = models.TextField(_("note on the plan"), max_length=TEXT_MAX, blank=True)
    implemented_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                       related_name="+", verbose_name=_("implementation confirmed by"))
    implemented_at = models.DateTimeField(_("implementation confirmed at"), null=True, blank=True)
    implementation_note = models.TextField(_("how it was implemented"), max_length=TEXT_MAX, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = tracked_history()

    signature_roles = {
        Party.CLIENT: {ProjectRole.CLIENT_LEAD},
        Party.CONTRACTOR: {ProjectRole.CONTRACTOR_PM},
    }
    signature_meanings = {
        Party.CLIENT: {SignatureMeaning.APPROVE},
        Party.CONTRACTOR: {SignatureMeaning.CONFIRM},
    }

    class Meta:
        ordering = ["project", "-number"]
        verbose_name = _("change request")
        verbose_name_plural = _("change requests")
        constraints = [
            models.UniqueConstraint(fields=["project", "number"], name="change_number_unique"),
            models.CheckConstraint(condition=Q(number__gte=1), name="change_number_positive"),
            models.CheckConstraint(condition=Q(category__in=ChangeCategory.values), name="change_category_valid"),
            models.CheckConstraint(condition=Q(state__in=ChangeState.values), name="change_state_valid"),
            models.CheckConstraint(condition=~Q(title="") & ~Q(description="") & ~Q(reason="")
                                   & ~Q(quality_impact=""), name="change_has_reason_and_impact"),
            # Decided ⇔ a decider and a time.
            models.CheckConstraint(
                condition=(Q(state__in=CHANGE_DECIDED) & Q(decided_by__isnull=False) & Q(decided_at__isnull=False))
                | (~Q(state__in=CHANGE_DECIDED) & Q(decided_by__isnull=True) & Q(decided_at__isnull=True)),
                name="change_decided_consistent"),
            models.CheckConstraint(condition=~Q(state=ChangeState.REJECTED) | ~Q(decision_note=""),
                                   name="change_rejection_reason"),
            models.CheckConstraint(condition=~Q(state=ChangeState.WITHDRAWN) | ~Q(withdrawn_reason=""),
                                   name="change_withdrawn_reason"),
            models.CheckConstraint(
                condition=(Q(state=ChangeState.IMPLEMENTED) & Q(implemented_at__isnull=False)
                           & Q(implemented_by__isnull=False) & ~Q(implementation_note=""))
                | (~Q(state=ChangeState.IMPLEMENTED) & Q(implemented_at__isnull=True)
                   & Q(implemented_by__isnull=True)),
                name="change_implemented_consistent"),
            # A plan version is only opened by an approval.
            models.CheckConstraint(condition=Q(plan_version__isnull=True)
                                   | Q(state__in=[ChangeState.APPROVED, ChangeState.IMPLEMENTED]),
                                   name="change_plan_version_after_approval"),
        ]

    def __str__(self) -> str:
        return gettext("Change request No. %(n)d") % {"n": self.number}

    def get_absolute_url(self) -> str:
        return reverse("control:change_detail", args=[self.pk])

    @property
    def is_approved(self) -> bool:
        return self.state in (ChangeState.APPROVED, ChangeState.IMPLEMENTED)

    # ---- signatures: the client lead's approval (批准) is the written consent of §6.4.2.

    def signed_content(self) -> dict:
        # What was asked for and approved; the later confirmation of implementation does not
        # change it (so the approval signature stays valid).
        return {
            "project": self.project_id, "number": self.number, "category": self.category, "title": self.title,
            "description": self.description, "reason": self.reason, "quality_impact": self.quality_impact,
            "touches_plan": self.touches_plan, "is_major": self.is_major,
            "requested_by": self.requested_by_id, "decision_note": self.decision_note,
        }

    def signature_refusal(self) -> str | None:
        if not self.is_approved:
            return gettext("A change request is signed when the client lead approves it.")
        return None

    # ---- attachments (apps.attachments)

    def get_attachment_project(self):
        return self.project
