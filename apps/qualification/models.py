"""Qualification review (资质审核, §5.1.1): review rounds and the documents each round reviews."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from apps.accounts.enums import Party, ProjectRole
from apps.core.history import tracked_history
from apps.projects.enums import ServiceType
from apps.projects.models import Project
from apps.signatures.enums import SignatureMeaning
from apps.signatures.registry import SignableMixin

from .enums import OPEN_STATUSES, DocumentKind, ItemResult, ReviewStatus

# A certificate expiring within this many days of today is flagged (and gets a reminder).
EXPIRY_WARNING_DAYS = 30


class QualificationReview(SignableMixin, models.Model):
    """One round of the client's review of the contractor's documents. A rejected round is
    never changed again: resubmitting opens the next round, so the history keeps every round."""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="qualification_reviews",
                                verbose_name=_("project"))
    round_no = models.PositiveSmallIntegerField(_("round"))
    status = models.CharField(_("status"), max_length=16, choices=ReviewStatus.choices, default=ReviewStatus.DRAFT)
    previous = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                 verbose_name=_("previous round"))
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+", verbose_name=_("submitted by"))
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    concluded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+", verbose_name=_("concluded by"))
    concluded_at = models.DateTimeField(_("concluded at"), null=True, blank=True)
    conclusion_reason = models.TextField(_("conclusion and reasons"), blank=True, max_length=4000)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("opened by"))
    created_at = models.DateTimeField(_("opened at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = tracked_history()

    # Written outcome (§5.1.1): the client lead signs the approval (批准).
    signature_roles = {Party.CLIENT: {ProjectRole.CLIENT_LEAD}}
    signature_meanings = {Party.CLIENT: {SignatureMeaning.APPROVE}}

    class Meta:
        ordering = ["project", "-round_no"]
        verbose_name = _("qualification review round")
        verbose_name_plural = _("qualification review rounds")
        constraints = [
            models.UniqueConstraint(fields=["project", "round_no"], name="qualificationreview_round_unique"),
            models.UniqueConstraint(fields=["project"], condition=Q(status__in=OPEN_STATUSES),
                                    name="qualificationreview_one_open_round"),
            models.CheckConstraint(condition=Q(status__in=ReviewStatus.values),
                                   name="qualificationreview_status_valid"),
            models.CheckConstraint(condition=Q(round_no__gte=1), name="qualificationreview_round_positive"),
            models.CheckConstraint(condition=Q(status=ReviewStatus.DRAFT) | Q(submitted_at__isnull=False),
                                   name="qualificationreview_submitted_has_time"),
            models.CheckConstraint(
                condition=(Q(status__in=[ReviewStatus.APPROVED, ReviewStatus.REJECTED]) & Q(concluded_at__isnull=False))
                | (Q(status__in=OPEN_STATUSES) & Q(concluded_at__isnull=True)),
                name="qualificationreview_concluded_consistent"),
            models.CheckConstraint(condition=~Q(status=ReviewStatus.REJECTED) | ~Q(conclusion_reason=""),
                                   name="qualificationreview_rejection_has_reason"),
        ]

    def __str__(self) -> str:
        return _("Qualification review, round %(n)d") % {"n": self.round_no}

    def get_absolute_url(self) -> str:
        return reverse("qualification:review", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    # ---- signatures
    def get_signature_project(self):
        return self.project

    def signed_content(self) -> dict:
        from django.contrib.contenttypes.models import ContentType

        from apps.attachments.models import Attachment

        ct = ContentType.objects.get_for_model(QualificationDocument)
        documents = []
        for d in self.documents.order_by("pk"):
            files = sorted(Attachment.objects.filter(content_type=ct, object_id=d.pk, is_removed=False)
                           .values_list("sha256", flat=True))
            documents.append({"kind": d.kind, "number": d.number, "issuer": d.issuer, "scope": d.scope,
                              "service_types": sorted(d.service_types), "valid_from": d.valid_from,
                              "valid_until": d.valid_until, "result": d.result, "review_note": d.review_note,
                              "files": files})
        return {"project": self.project_id, "round": self.round_no, "status": self.status,
                "conclusion": self.conclusion_reason, "concluded_at": self.concluded_at, "documents": documents}

    def signature_refusal(self) -> str | None:
        if self.status != ReviewStatus.APPROVED:
            return str(_("Only an approved qualification review can be signed."))
        return None


class QualificationDocument(models.Model):
    """One document the contractor provides in one round, with the client's check of it."""

    review = models.ForeignKey(QualificationReview, on_delete=models.PROTECT, related_name="documents",
                               verbose_name=_("review round"))
    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="+", verbose_name=_("project"))
    kind = models.CharField(_("document kind"), max_length=32, choices=DocumentKind.choices)
    number = models.CharField(_("certificate / document number"), max_length=100)
    issuer = models.CharField(_("issued by"), max_length=200)
    scope = models.TextField(_("scope (business scope or certified scope)"), max_length=4000)
    service_types = ArrayField(models.CharField(max_length=32, choices=ServiceType.choices), default=list,
                               blank=True, verbose_name=_("service types covered"))
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True,
                                   help_text=_("Leave empty for a document without expiry (长期有效)."))
    copied_from = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                    verbose_name=_("copied from the previous round"))

    # The client's check of this item (§5.1.1: valid? in date? scope matches?).
    is_authentic = models.BooleanField(_("genuine and valid"), null=True, blank=True)
    in_date = models.BooleanField(_("in date for the contract"), null=True, blank=True)
    scope_matches = models.BooleanField(_("scope matches the project's services"), null=True, blank=True)
    result = models.CharField(pgettext_lazy("qualification check", "result"), max_length=16, choices=ItemResult.choices, default=ItemResult.PENDING)
    review_note = models.TextField(_("reviewer's note"), blank=True, max_length=2000)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("reviewed by"))
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)

    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("added by"))
    created_at = models.DateTimeField(_("added at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = tracked_history()

    class Meta:
        ordering = ["review", "kind", "pk"]
        verbose_name = _("qualification document")
        verbose_name_plural = _("qualification documents")
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=DocumentKind.values), name="qualificationdocument_kind_valid"),
            models.CheckConstraint(condition=Q(result__in=ItemResult.values),
                                   name="qualificationdocument_result_valid"),
            models.CheckConstraint(condition=Q(valid_until__isnull=True) | Q(valid_until__gte=F("valid_from")),
                                   name="qualificationdocument_validity_ordered"),
            models.CheckConstraint(
                condition=(Q(result=ItemResult.PENDING) & Q(reviewed_at__isnull=True))
                | (~Q(result=ItemResult.PENDING) & Q(reviewed_at__isnull=False)),
                name="qualificationdocument_reviewed_consistent"),
            models.CheckConstraint(condition=~Q(result=ItemResult.REJECTED) | ~Q(review_note=""),
                                   name="qualificationdocument_rejection_has_note"),
            models.CheckConstraint(
                condition=~Q(result=ItemResult.ACCEPTED) | Q(is_authentic=True, in_date=True, scope_matches=True),
                name="qualificationdocument_accepted_all_checks"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.number}"

    def get_absolute_url(self) -> str:
        return reverse("qualification:review", args=[self.review_id]) + f"#document-{self.pk}"

    def get_attachment_project(self):
        return self.project

    # ---- flags shown to the reviewer (§5.1.1: in date on the contract dates? scope?)
    def _today(self) -> dt.date:
        return timezone.localdate()

    @property
    def not_valid_at_start(self) -> bool:
        start = self.project.start_date
        return self.valid_from > start or (self.valid_until is not None and self.valid_until < start)

    @property
    def expired(self) -> bool:
        return self.valid_until is not None and self.valid_until < self._today()

    @property
    def expires_before_contract_end(self) -> bool:
        return self.valid_until is not None and self.valid_until < self.project.end_date

    @property
    def expires_soon(self) -> bool:
        return (self.valid_until is not None and not self.expired
                and self.valid_until <= self._today() + dt.timedelta(days=EXPIRY_WARNING_DAYS))

    @property
    def needs_expiry_reminder(self) -> bool:
        return self.valid_until is not None and (self.expires_before_contract_end or self.expires_soon
                                                 or self.expired)

    @property
    def missing_service_types(self) -> list[str]:
        """Project service types this document does not cover (only for documents that list any,
        and always for the service qualification)."""
        if not self.service_types and self.kind != DocumentKind.SERVICE_QUALIFICATION:
            return []
        return [s for s in self.project.service_types if s not in self.service_types]

    @property
    def service_type_labels(self) -> list[str]:
        from apps.projects.enums import ServiceType

        labels = dict(ServiceType.choices)
        return [str(labels.get(s, s)) for s in self.service_types]

    @property
    def missing_service_type_labels(self) -> list[str]:
        from apps.projects.enums import ServiceType

        labels = dict(ServiceType.choices)
        return [str(labels.get(s, s)) for s in self.missing_service_types]
