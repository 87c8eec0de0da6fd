"""First article / first batch verification (首件（批）验证, §5.1.4, §8.2.1, Annex C).

One :class:`FirstArticleVerification` per round: the contractor submits its first batch, the
client verifies it. A failed round produces a :class:`WorkContactSheet` (工作联系单) that the
contractor answers with a :class:`RectificationSheet` (项目问题整改单) before submitting the
next round. The passed round is the project's quality baseline.
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
from apps.projects.models import Project
from apps.signatures.enums import SignatureMeaning
from apps.signatures.registry import SignableMixin

from .enums import UNIT_PRINTED, ContactSheetState, Unit, VerificationStatus

TEXT_MAX = 2000


class FirstArticleVerification(SignableMixin, models.Model):
    """One verification round of the first article / first batch (表C.1)."""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="first_article_verifications",
                                verbose_name=_("project"))
    round_no = models.PositiveSmallIntegerField(_("round"))
    # The rectification this round answers (rounds after a failure).
    follows = models.OneToOneField("WorkContactSheet", on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="resubmission", verbose_name=_("resubmitted after"))

    # Submitted by the contractor after its own check.
    batch_description = models.CharField(_("batch"), max_length=200)
    batch_no = models.CharField(_("batch number"), max_length=64, blank=True)
    quantity = models.PositiveIntegerField(_("quantity"))
    unit = models.CharField(_("unit"), max_length=8, choices=Unit.choices)
    batch_date = models.DateField(_("date of the batch"))
    self_check_result = models.TextField(_("contractor's self-check result"), max_length=TEXT_MAX)
    contractor_verifiers = models.CharField(_("verifiers (contractor)"), max_length=200)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("submitted by"))
    submitted_at = models.DateTimeField(_("submitted at"), auto_now_add=True)

    status = models.CharField(_("status"), max_length=16, choices=VerificationStatus.choices,
                              default=VerificationStatus.SUBMITTED)

    # Verified by the client.
    verified_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("verified by"))
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    verified_on = models.DateField(_("verification date"), null=True, blank=True)
    client_verifiers = models.CharField(_("verifiers (client)"), max_length=200, blank=True)
    operation_passed = models.BooleanField(_("operating procedures followed"), null=True, blank=True)
    operation_reason = models.TextField(_("reason (operating procedures)"), blank=True, max_length=TEXT_MAX)
    quality_passed = models.BooleanField(_("quality up to standard"), null=True, blank=True)
    quality_reason = models.TextField(_("reason (quality)"), blank=True, max_length=TEXT_MAX)
    safety_passed = models.BooleanField(_("safety measures in place"), null=True, blank=True)
    safety_reason = models.TextField(_("reason (safety)"), blank=True, max_length=TEXT_MAX)
    rectification_due = models.DateField(_("rectification deadline"), null=True, blank=True)
    # §5.1.4: the passed round is kept as the baseline of the project's later quality control.
    is_baseline = models.BooleanField(_("quality baseline"), default=False)

    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = tracked_history()

    signature_roles = {
        Party.CLIENT: {ProjectRole.CLIENT_LEAD, ProjectRole.CLIENT_INSPECTOR},
        Party.CONTRACTOR: {ProjectRole.CONTRACTOR_PM, ProjectRole.CONTRACTOR_INSPECTOR},
    }
    signature_meanings = {
        Party.CLIENT: {SignatureMeaning.REVIEW, SignatureMeaning.APPROVE},
        Party.CONTRACTOR: {SignatureMeaning.CONFIRM},
    }

    class Meta:
        ordering = ["project", "round_no"]
        verbose_name = _("first article verification")
        verbose_name_plural = _("first article verifications")
        constraints = [
            models.UniqueConstraint(fields=["project", "round_no"], name="fav_round_unique"),
            models.CheckConstraint(condition=Q(round_no__gte=1), name="fav_round_positive"),
            models.CheckConstraint(condition=Q(quantity__gte=1), name="fav_quantity_positive"),
            models.CheckConstraint(condition=Q(unit__in=Unit.values), name="fav_unit_valid"),
            models.CheckConstraint(condition=Q(status__in=VerificationStatus.values), name="fav_status_valid"),
            # At most one round awaits verification, and at most one passes (the baseline).
            models.UniqueConstraint(fields=["project"], condition=Q(status=VerificationStatus.SUBMITTED),
                                    name="fav_one_submitted_per_project"),
            models.UniqueConstraint(fields=["project"], condition=Q(status=VerificationStatus.PASSED),
                                    name="fav_one_passed_per_project"),
            # Submitted ⇔ not verified yet.
            models.CheckConstraint(
                condition=(Q(status=VerificationStatus.SUBMITTED) & Q(verified_by__isnull=True)
                           & Q(verified_at__isnull=True) & Q(verified_on__isnull=True)
                           & Q(operation_passed__isnull=True) & Q(quality_passed__isnull=True)
                           & Q(safety_passed__isnull=True) & Q(rectification_due__isnull=True))
                | (~Q(status=VerificationStatus.SUBMITTED) & Q(verified_by__isnull=False)
                   & Q(verified_at__isnull=False) & Q(verified_on__isnull=False)
                   & Q(operation_passed__isnull=False) & Q(quality_passed__isnull=False)
                   & Q(safety_passed__isnull=False)),
                name="fav_verified_consistent"),
            # Annex C: passed ⇔ every check passed, no deadline; failed ⇒ a check failed and a deadline.
            models.CheckConstraint(
                condition=~Q(status=VerificationStatus.PASSED)
                | (Q(operation_passed=True) & Q(quality_passed=True) & Q(safety_passed=True)
                   & Q(rectification_due__isnull=True)),
                name="fav_passed_all_checks"),
            models.CheckConstraint(
                condition=~Q(status=VerificationStatus.FAILED)
                | (Q(rectification_due__isnull=False)
                   & (Q(operation_passed=False) | Q(quality_passed=False) | Q(safety_passed=False))),
                name="fav_failed_has_deadline"),
            # A failed check states its reason.
            models.CheckConstraint(condition=~Q(operation_passed=False) | ~Q(operation_reason=""),
                                   name="fav_operation_reason"),
            models.CheckConstraint(condition=~Q(quality_passed=False) | ~Q(quality_reason=""),
                                   name="fav_quality_reason"),
            models.CheckConstraint(condition=~Q(safety_passed=False) | ~Q(safety_reason=""),
                                   name="fav_safety_reason"),
            models.CheckConstraint(condition=Q(is_baseline=False) | Q(status=VerificationStatus.PASSED),
                                   name="fav_baseline_is_passed"),
        ]

    def __str__(self) -> str:
        return gettext("First article verification, round %(n)d") % {"n": self.round_no}

    def get_absolute_url(self) -> str:
        return reverse("first_article:detail", args=[self.pk])

    @property
    def unit_printed(self) -> str:
        return UNIT_PRINTED.get(self.unit, self.unit)

    @property
    def is_verified(self) -> bool:
        return self.status != VerificationStatus.SUBMITTED

    def check_rows(self) -> list[dict]:
        """The three checks of Annex C with result and reason, for pages and the PDF."""
        from .enums import CHECKS

        return [{"code": code, "label": label, "printed": printed, "passed": getattr(self, f"{code}_passed"),
                 "reason": getattr(self, f"{code}_reason")} for code, label, printed in CHECKS]

    # ---- signatures (apps.signatures): both parties sign the verified record.

    def signed_content(self) -> dict:
        return {
            "project": self.project_id, "round": self.round_no, "batch": self.batch_description,
            "batch_no": self.batch_no, "quantity": self.quantity, "unit": self.unit, "batch_date": self.batch_date,
            "self_check_result": self.self_check_result, "contractor_verifiers": self.contractor_verifiers,
            "client_verifiers": self.client_verifiers, "verified_on": self.verified_on,
            "operation_passed": self.operation_passed, "operation_reason": self.operation_reason,
            "quality_passed": self.quality_passed, "quality_reason": self.quality_reason,
            "safety_passed": self.safety_passed, "safety_reason": self.safety_reason,
            "status": self.status, "rectification_due": self.rectification_due,
        }

    def signature_refusal(self) -> str | None:
        if self.status == VerificationStatus.SUBMITTED:
            return gettext("The client must verify the first batch before the record is signed.")
        return None

    # ---- attachments (apps.attachments)

    def get_attachment_project(self):
        return self.project


class WorkContactSheet(models.Model):
    """工作联系单 (§8.2.1): from the client to the contractor after a failed round: what failed,
    what is required, by when."""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="first_article_contact_sheets",
                                verbose_name=_("project"))
    verification = models.OneToOneField(FirstArticleVerification, on_delete=models.PROTECT,
                                        related_name="contact_sheet", verbose_name=_("verification round"))
    problem = models.TextField(_("what failed"), max_length=3 * TEXT_MAX)
    requirement = models.TextField(_("rectification requirement"), max_length=TEXT_MAX)
    due_date = models.DateField(_("rectification deadline"))
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("issued by"))
    issued_at = models.DateTimeField(_("issued at"), auto_now_add=True)
    state = models.CharField(_("state"), max_length=16, choices=ContactSheetState.choices,
                             default=ContactSheetState.OPEN)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    history = tracked_history()

    class Meta:
        ordering = ["issued_at", "pk"]
        verbose_name = _("work contact sheet")
        verbose_name_plural = _("work contact sheets")
        constraints = [
            models.CheckConstraint(condition=Q(state__in=ContactSheetState.values), name="fa_sheet_state_valid"),
            models.CheckConstraint(condition=(Q(state=ContactSheetState.CLOSED) & Q(closed_at__isnull=False))
                                   | (~Q(state=ContactSheetState.CLOSED) & Q(closed_at__isnull=True)),
                                   name="fa_sheet_closed_consistent"),
            models.CheckConstraint(condition=~Q(problem="") & ~Q(requirement=""), name="fa_sheet_has_text"),
        ]

    def __str__(self) -> str:
        return gettext("Work contact sheet, round %(n)d") % {"n": self.verification.round_no}

    def get_absolute_url(self) -> str:
        return reverse("first_article:detail", args=[self.verification_id]) + f"#sheet-{self.pk}"

    def get_attachment_project(self):
        return self.project


class RectificationSheet(models.Model):
    """项目问题整改单 (§8.2.1): the contractor's answer to a work contact sheet."""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="first_article_rectifications",
                                verbose_name=_("project"))
    contact_sheet = models.OneToOneField(WorkContactSheet, on_delete=models.PROTECT, related_name="rectification",
                                         verbose_name=_("work contact sheet"))
    measures = models.TextField(_("measures taken"), max_length=TEXT_MAX)
    result = models.TextField(_("result of the rectification"), max_length=TEXT_MAX)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("submitted by"))
    submitted_at = models.DateTimeField(_("submitted at"), auto_now_add=True)

    history = tracked_history()

    class Meta:
        ordering = ["submitted_at", "pk"]
        verbose_name = _("rectification sheet")
        verbose_name_plural = _("rectification sheets")
        constraints = [
            models.CheckConstraint(condition=~Q(measures="") & ~Q(result=""), name="fa_rectification_has_text"),
        ]

    def __str__(self) -> str:
        return gettext("Rectification sheet, round %(n)d") % {"n": self.contact_sheet.verification.round_no}

    def get_absolute_url(self) -> str:
        return reverse("first_article:detail", args=[self.contact_sheet.verification_id]) + f"#rectification-{self.pk}"

    def get_attachment_project(self):
        return self.project
