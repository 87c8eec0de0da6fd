"""Batches (批次) and the contractor's three-level inspection (三级检查, §6.2.1).

A :class:`Batch` is what the contractor submits to the client for sampling inspection
(§5.2.2). Its item list (:class:`BatchItem`, 档号/题名/页数/文件名) is the population the
client samples from. Before submitting, the contractor records its own inspections: daily
self-checks (:class:`SelfCheck`, 自检), mutual checks (:class:`MutualCheck`, 互检) and the
special inspector's inspection of the batch (:class:`SpecialInspection`, 专检).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from apps.core.history import tracked_history
from apps.projects.enums import ServiceType
from apps.projects.models import Project

from .enums import UNIT_PRINTED, BatchStatus, InspectionConclusion, Unit
from .validators import CHECKER_NOT_PRODUCER

TEXT_MAX = 2000
ARCHIVE_CODE_MAX = 100
TITLE_MAX = 500
FILE_NAME_MAX = 255
STEP_MAX = 100
MAX_COUNT = 10_000_000

_FINISHED = (BatchStatus.ACCEPTED, BatchStatus.NOT_ACCEPTED, BatchStatus.RESUBMITTED)
_AFTER_SUBMISSION = (BatchStatus.SUBMITTED, BatchStatus.UNDER_INSPECTION) + _FINISHED


class Batch(models.Model):
    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="batches", verbose_name=_("project"))
    service_type = models.CharField(_("service type"), max_length=32, choices=ServiceType.choices)
    number = models.PositiveIntegerField(_("batch number"))
    quantity = models.PositiveIntegerField(_("quantity"), default=0)
    unit = models.CharField(_("unit"), max_length=8, choices=Unit.choices, default=Unit.ITEM)
    description = models.CharField(_("description"), max_length=500, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=BatchStatus.choices, default=BatchStatus.DRAFT)
    resubmission_of = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True,
                                        related_name="resubmissions", verbose_name=_("resubmission of"))

    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("created by"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+", verbose_name=_("submitted by"))
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    inspection_started_at = models.DateTimeField(_("inspection started at"), null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("decided by"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    # When the quantity or the item list last changed: a special inspection recorded before
    # that no longer covers the batch (submission needs a passed one recorded after it).
    content_changed_at = models.DateTimeField(_("content changed at"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    history = tracked_history()

    class Meta:
        ordering = ["project", "-number"]
        verbose_name = _("batch")
        verbose_name_plural = _("batches")
        constraints = [
            models.UniqueConstraint(fields=["project", "number"], name="batch_number_unique"),
            models.CheckConstraint(condition=Q(number__gte=1), name="batch_number_positive"),
            models.CheckConstraint(condition=Q(status__in=BatchStatus.values), name="batch_status_valid"),
            models.CheckConstraint(condition=Q(unit__in=Unit.values), name="batch_unit_valid"),
            models.CheckConstraint(condition=Q(service_type__in=ServiceType.values), name="batch_service_type_valid"),
            models.CheckConstraint(condition=Q(quantity__lte=MAX_COUNT), name="batch_quantity_limit"),
            # Submitted ⇔ submission recorded, with a quantity.
            models.CheckConstraint(
                condition=(Q(status=BatchStatus.DRAFT) & Q(submitted_at__isnull=True) & Q(submitted_by__isnull=True))
                | (Q(status__in=_AFTER_SUBMISSION) & Q(submitted_at__isnull=False) & Q(submitted_by__isnull=False)
                   & Q(quantity__gte=1)),
                name="batch_submission_consistent"),
            models.CheckConstraint(
                condition=~Q(status__in=(BatchStatus.DRAFT, BatchStatus.SUBMITTED))
                | Q(inspection_started_at__isnull=True, decided_at__isnull=True, decided_by__isnull=True),
                name="batch_not_inspected_before_start"),
            models.CheckConstraint(
                condition=~Q(status__in=_FINISHED) | Q(decided_at__isnull=False, decided_by__isnull=False),
                name="batch_decision_recorded"),
            models.CheckConstraint(condition=~Q(resubmission_of=F("pk")), name="batch_not_own_resubmission"),
            # A not-accepted batch is resubmitted once.
            models.UniqueConstraint(fields=["resubmission_of"], condition=Q(resubmission_of__isnull=False),
                                    name="batch_one_resubmission"),
        ]
        indexes = [models.Index(fields=["project", "status"], name="batch_project_status")]

    def __str__(self) -> str:
        return gettext("Batch %(n)s") % {"n": self.number}

    def get_absolute_url(self) -> str:
        return reverse("batches:detail", args=[self.pk])

    def get_attachment_project(self) -> Project:
        return self.project

    @property
    def unit_printed(self) -> str:
        return UNIT_PRINTED.get(self.unit, self.unit)

    @property
    def is_draft(self) -> bool:
        return self.status == BatchStatus.DRAFT


class BatchItem(models.Model):
    """One line of a batch's item list (档号, 题名, 页数, 文件名)."""

    batch = models.ForeignKey(Batch, on_delete=models.CASCADE, related_name="items", verbose_name=_("batch"))
    position = models.PositiveIntegerField(_("position"))
    archive_code = models.CharField(_("archive code (档号)"), max_length=ARCHIVE_CODE_MAX)
    title = models.CharField(_("title (题名)"), max_length=TITLE_MAX, blank=True)
    pages = models.PositiveIntegerField(_("pages (页数)"), null=True, blank=True)
    file_name = models.CharField(_("file name"), max_length=FILE_NAME_MAX, blank=True)
    # False when the contractor's special inspection found the item nonconforming.
    contractor_passed = models.BooleanField(_("passed the contractor's inspection"), default=True)

    history = tracked_history()

    class Meta:
        ordering = ["batch", "position"]
        verbose_name = _("batch item")
        verbose_name_plural = _("batch items")
        constraints = [
            models.UniqueConstraint(fields=["batch", "position"], name="batchitem_position_unique"),
            models.UniqueConstraint(fields=["batch", "archive_code"], name="batchitem_archive_code_unique"),
            models.CheckConstraint(condition=Q(position__gte=1), name="batchitem_position_positive"),
            models.CheckConstraint(condition=~Q(archive_code=""), name="batchitem_archive_code_required"),
            models.CheckConstraint(condition=Q(pages__isnull=True) | Q(pages__gte=1), name="batchitem_pages_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.archive_code}"


class _CheckBase(models.Model):
    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="+", verbose_name=_("project"))
    date = models.DateField(_("date"))
    findings = models.TextField(_("findings"), blank=True, max_length=TEXT_MAX)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("recorded by"))
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        abstract = True


class SelfCheck(_CheckBase):
    """自检: an operator checks their own output of the day for one process step."""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="self_checks",
                                verbose_name=_("project"))
    batch = models.ForeignKey(Batch, on_delete=models.PROTECT, null=True, blank=True, related_name="self_checks",
                              verbose_name=_("batch"))
    operator = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("operator"))
    process_step = models.CharField(_("process step"), max_length=STEP_MAX)
    output_count = models.PositiveIntegerField(_("output"))
    self_checked_count = models.PositiveIntegerField(_("self-checked"))
    nonconforming_count = models.PositiveIntegerField(_("defects found"), default=0)

    history = tracked_history()

    class Meta:
        ordering = ["-date", "operator_id", "process_step", "pk"]
        verbose_name = _("self-check")
        verbose_name_plural = _("self-checks")
        constraints = [
            models.CheckConstraint(condition=~Q(process_step=""), name="selfcheck_step_required"),
            models.CheckConstraint(condition=Q(output_count__lte=MAX_COUNT), name="selfcheck_output_limit"),
            models.CheckConstraint(condition=Q(self_checked_count__lte=F("output_count")),
                                   name="selfcheck_checked_le_output"),
            models.CheckConstraint(condition=Q(nonconforming_count__lte=F("self_checked_count")),
                                   name="selfcheck_defects_le_checked"),
        ]
        indexes = [models.Index(fields=["project", "date"], name="selfcheck_project_date")]

    def __str__(self) -> str:
        return gettext("Self-check %(date)s %(step)s") % {"date": self.date, "step": self.process_step}

    @property
    def incomplete(self) -> bool:
        """§6.2.1 requires the operator to check all of their output: flagged in red when not."""
        return self.self_checked_count < self.output_count


class MutualCheck(_CheckBase):
    """互检: a colleague (checker) checks a producer's work for one process step."""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="mutual_checks",
                                verbose_name=_("project"))
    batch = models.ForeignKey(Batch, on_delete=models.PROTECT, null=True, blank=True, related_name="mutual_checks",
                              verbose_name=_("batch"))
    process_step = models.CharField(_("process step"), max_length=STEP_MAX)
    producer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("producer"))
    checker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                verbose_name=_("checker"))
    checked_count = models.PositiveIntegerField(_("checked"))
    nonconforming_count = models.PositiveIntegerField(_("nonconforming"), default=0)

    history = tracked_history()

    class Meta:
        ordering = ["-date", "process_step", "pk"]
        verbose_name = _("mutual check")
        verbose_name_plural = _("mutual checks")
        constraints = [
            models.CheckConstraint(condition=~Q(process_step=""), name="mutualcheck_step_required"),
            models.CheckConstraint(condition=~Q(checker=F("producer")), name="mutualcheck_checker_not_producer",
                                   violation_error_message=CHECKER_NOT_PRODUCER),
            models.CheckConstraint(condition=Q(checked_count__gte=1) & Q(checked_count__lte=MAX_COUNT),
                                   name="mutualcheck_checked_range"),
            models.CheckConstraint(condition=Q(nonconforming_count__lte=F("checked_count")),
                                   name="mutualcheck_nonconforming_le_checked"),
        ]
        indexes = [models.Index(fields=["project", "date"], name="mutualcheck_project_date")]

    def __str__(self) -> str:
        return gettext("Mutual check %(date)s %(step)s") % {"date": self.date, "step": self.process_step}


class SpecialInspection(_CheckBase):
    """专检: the contractor's special inspector inspects a batch before it is submitted."""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="special_inspections",
                                verbose_name=_("project"))
    batch = models.ForeignKey(Batch, on_delete=models.PROTECT, related_name="special_inspections",
                              verbose_name=_("batch"))
    inspector = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("special inspector"))
    checked_count = models.PositiveIntegerField(_("checked"))
    nonconforming_count = models.PositiveIntegerField(_("nonconforming"), default=0)
    conclusion = models.CharField(_("conclusion"), max_length=8, choices=InspectionConclusion.choices)
    nonconforming_positions = ArrayField(models.PositiveIntegerField(), default=list, blank=True,
                                         verbose_name=_("positions of nonconforming items"))

    history = tracked_history()

    class Meta:
        ordering = ["-date", "-pk"]
        verbose_name = _("special inspection")
        verbose_name_plural = _("special inspections")
        constraints = [
            models.CheckConstraint(condition=Q(conclusion__in=InspectionConclusion.values),
                                   name="specialinspection_conclusion_valid"),
            models.CheckConstraint(condition=Q(checked_count__gte=1) & Q(checked_count__lte=MAX_COUNT),
                                   name="specialinspection_checked_range"),
            models.CheckConstraint(condition=Q(nonconforming_count__lte=F("checked_count")),
                                   name="specialinspection_nonconforming_le_checked"),
            # A failed inspection says what failed.
            models.CheckConstraint(condition=~Q(conclusion=InspectionConclusion.FAILED) | ~Q(findings=""),
                                   name="specialinspection_failed_has_findings"),
        ]

    def __str__(self) -> str:
        return gettext("Special inspection %(date)s") % {"date": self.date}

    @property
    def passed(self) -> bool:
        return self.conclusion == InspectionConclusion.PASSED
