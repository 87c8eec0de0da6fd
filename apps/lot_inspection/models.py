"""The client's sampling inspection (抽检) of a submitted batch (§5.2.1, §7.1, GB/T 2828.1), and
the acceptance inspection (验收抽检, §5.3.1) built the same way.

One :class:`LotInspection` per submitted batch (purpose ``lot``), or per service type and
acceptance round (purpose ``acceptance``: the lot is the project's accepted batches of that
service type, listed in ``population``): the plan read from GB/T 2828.1 and the
DA/T 68.6 floor rate when it was opened (regime, level, code letter, Ac/Re per defect grade,
sample size, the random seed the sample was drawn with), then the decision. Each drawn
position of the batch is a :class:`SampledItem` with the inspector's result; a defective item
carries one or more :class:`ItemDefect` rows (a defect type of the project's catalogue, grade
copied so later catalogue edits do not rewrite the record).
"""

from __future__ import annotations

from bisect import bisect_left
from decimal import Decimal
from itertools import accumulate

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from apps.core.history import tracked_history
from apps.inspections.enums import DefectGrade
from apps.projects.enums import ServiceType
from apps.projects.models import Project

from .enums import Decision, InspectionStatus, ItemResult, Purpose, Regime

NOTE_MAX = 500
TEXT_MAX = 2000
LABEL_MAX = 120


class LotInspection(models.Model):
    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="lot_inspections",
                                verbose_name=_("project"))
    purpose = models.CharField(_("purpose"), max_length=16, choices=Purpose.choices, default=Purpose.LOT)
    # Purpose "lot": the submitted batch inspected. Purpose "acceptance": none (see ``population``).
    batch = models.OneToOneField("batches.Batch", on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="lot_inspection", verbose_name=_("batch"))
    # Purpose "acceptance": the lot the sample is drawn from, in order — the project's accepted
    # batches of the service type by number, each with its number of items:
    # [{"batch": id, "number": n, "count": k}, …]; lot position p is item p − (items before) of its batch.
    population = models.JSONField(_("batches of the lot"), default=list, blank=True)
    # Purpose "acceptance": the caller's name of the inspection, e.g. "第1轮验收 · 数字化".
    label = models.CharField(_("name"), max_length=LABEL_MAX, blank=True)
    service_type = models.CharField(_("service type"), max_length=32, choices=ServiceType.choices)
    lot_size = models.PositiveIntegerField(_("lot size"))

    # The plan as read when the inspection was opened (GB/T 2828.1 + the DA/T 68.6 floor).
    regime = models.CharField(_("inspection regime"), max_length=16, choices=Regime.choices)
    level = models.CharField(_("inspection level"), max_length=8)
    code_letter = models.CharField(_("sample size code letter"), max_length=2)
    # {grade: {"code", "n", "ac", "re", "aql"}} — the acceptance numbers of each defect grade.
    plans = models.JSONField(_("plan per defect grade"), default=dict)
    gb_sample_size = models.PositiveIntegerField(_("GB/T 2828.1 sample size"))
    floor_rate = models.DecimalField(_("minimum sampling rate (%)"), max_digits=5, decimal_places=2)
    floor_size = models.PositiveIntegerField(_("minimum sample size"))
    sample_size = models.PositiveIntegerField(_("sample size"))
    # xgettext:no-python-format
    full_inspection = models.BooleanField(_("100 % inspection"), default=False)
    seed = models.BigIntegerField(_("random seed"))
    # The contract's acceptance rules as they stood when the inspection was opened (§7.1.4): the
    # decision is taken against these, like the Ac/Re of ``plans``, whatever changes meanwhile.
    pass_threshold = models.DecimalField(_("pass-rate threshold (%)"), max_digits=5, decimal_places=2,
                                         default=Decimal("95.00"))
    fatal_rejects = models.BooleanField(_("any fatal defect rejects"), default=True)

    status = models.CharField(_("status"), max_length=16, choices=InspectionStatus.choices,
                              default=InspectionStatus.OPEN)
    decision = models.CharField(_("decision"), max_length=16, choices=Decision.choices, blank=True)
    pass_rate = models.DecimalField(_("pass rate (%)"), max_digits=5, decimal_places=2, null=True, blank=True)
    conforming_count = models.PositiveIntegerField(_("conforming items"), default=0)
    defective_count = models.PositiveIntegerField(_("defective items"), default=0)
    # Defective items counted in their most severe grade.
    fatal_count = models.PositiveIntegerField(_("items with a fatal defect"), default=0)
    serious_count = models.PositiveIntegerField(_("items with a serious defect (worst)"), default=0)
    general_count = models.PositiveIntegerField(_("items with general defects only"), default=0)
    defects_total = models.PositiveIntegerField(_("defects recorded"), default=0)
    reason = models.TextField(_("grounds of the decision"), max_length=TEXT_MAX, blank=True)
    inspectors = models.CharField(_("inspectors"), max_length=200, blank=True)

    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("opened by"))
    started_at = models.DateTimeField(_("started at"), auto_now_add=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("decided by"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = tracked_history()

    class Meta:
        ordering = ["project", "-started_at", "-pk"]
        verbose_name = _("sampling inspection")
        verbose_name_plural = _("sampling inspections")
        constraints = [
            models.CheckConstraint(condition=Q(status__in=InspectionStatus.values), name="lot_status_valid"),
            models.CheckConstraint(condition=Q(purpose__in=Purpose.values), name="lot_purpose_valid"),
            # A batch inspection has its batch and nothing of an acceptance inspection; an acceptance
            # inspection has no batch, a label, and is read at normal inspection (an isolated lot).
            models.CheckConstraint(
                condition=(Q(purpose=Purpose.LOT) & Q(batch__isnull=False) & Q(label=""))
                | (Q(purpose=Purpose.ACCEPTANCE) & Q(batch__isnull=True) & ~Q(label="") & Q(regime=Regime.NORMAL)),
                name="lot_purpose_batch_consistent"),
            models.CheckConstraint(condition=Q(regime__in=Regime.values), name="lot_regime_valid"),
            models.CheckConstraint(condition=Q(service_type__in=ServiceType.values), name="lot_service_type_valid"),
            models.CheckConstraint(condition=Q(lot_size__gte=1), name="lot_size_positive"),
            models.CheckConstraint(condition=Q(sample_size__gte=1) & Q(sample_size__lte=F("lot_size")),
                                   name="lot_sample_within_lot"),
            models.CheckConstraint(condition=Q(full_inspection=False) | Q(sample_size=F("lot_size")),
                                   name="lot_full_inspection_whole_lot"),
            models.CheckConstraint(condition=Q(floor_rate__gte=0) & Q(floor_rate__lte=100), name="lot_floor_rate_range"),
            models.CheckConstraint(condition=Q(seed__gte=0), name="lot_seed_non_negative"),
            # Open ⇔ undecided; decided ⇔ decision, who, when and the pass rate recorded.
            models.CheckConstraint(
                condition=(Q(status=InspectionStatus.OPEN) & Q(decision="") & Q(decided_by__isnull=True)
                           & Q(decided_at__isnull=True) & Q(pass_rate__isnull=True))
                | (Q(status=InspectionStatus.DECIDED) & Q(decision__in=Decision.values) & Q(decided_by__isnull=False)
                   & Q(decided_at__isnull=False) & Q(pass_rate__isnull=False)),
                name="lot_decision_consistent"),
            models.CheckConstraint(condition=Q(pass_rate__isnull=True) | (Q(pass_rate__gte=0) & Q(pass_rate__lte=100)),
                                   name="lot_pass_rate_range"),
            models.CheckConstraint(
                condition=Q(defective_count=F("fatal_count") + F("serious_count") + F("general_count")),
                name="lot_grade_counts_add_up"),
            models.CheckConstraint(condition=Q(status=InspectionStatus.OPEN)
                                   | Q(sample_size=F("conforming_count") + F("defective_count")),
                                   name="lot_decided_all_items_counted"),
        ]
        indexes = [models.Index(fields=["project", "status"], name="lot_project_status"),
                   models.Index(fields=["project", "purpose"], name="lot_project_purpose"),
                   models.Index(fields=["project", "service_type"], name="lot_project_service")]

    def __str__(self) -> str:
        if self.is_acceptance:
            return gettext("Acceptance inspection: %(label)s") % {"label": self.label}
        return gettext("Sampling inspection of batch %(n)s") % {"n": self.batch.number}

    def get_absolute_url(self) -> str:
        return reverse("lot_inspection:detail", args=[self.pk])

    @property
    def is_acceptance(self) -> bool:
        return self.purpose == Purpose.ACCEPTANCE

    def locate(self, position: int) -> tuple[int, int, int] | None:
        """An acceptance inspection's lot position → (batch id, batch number, position in the
        batch); None for a batch inspection or a position outside the lot."""
        ends = self.__dict__.get("_population_ends")
        if ends is None:  # cumulative counts, computed once per instance (the population never changes)
            ends = self.__dict__["_population_ends"] = list(accumulate(int(p["count"]) for p in self.population or ()))
        index = bisect_left(ends, position)
        if position < 1 or index >= len(ends):
            return None
        part = self.population[index]
        before = ends[index - 1] if index else 0
        return int(part["batch"]), int(part["number"]), position - before

    def place_of(self, position: int) -> str:
        """"批次 3 第 12 件" for a position of an acceptance inspection's lot ("" otherwise)."""
        where = self.locate(position)
        if where is None:
            return ""
        return gettext("batch %(n)s, item %(m)d") % {"n": where[1], "m": where[2]}

    def get_attachment_project(self):
        return self.project

    @property
    def is_open(self) -> bool:
        return self.status == InspectionStatus.OPEN

    @property
    def is_accepted(self) -> bool:
        return self.decision == Decision.ACCEPTED

    def plan_rows(self) -> list[dict]:
        """The plan per grade, most severe first, for pages and the API."""
        labels = dict(DefectGrade.choices)
        rows = []
        for grade in DefectGrade.values:
            plan = self.plans.get(grade)
            if plan:
                rows.append({"grade": grade, "label": labels[grade], **plan})
        return rows

    def grade_counts(self) -> dict[str, int]:
        return {DefectGrade.FATAL: self.fatal_count, DefectGrade.SERIOUS: self.serious_count,
                DefectGrade.GENERAL: self.general_count}


class SampledItem(models.Model):
    """One drawn position of the batch and what the client found."""

    inspection = models.ForeignKey(LotInspection, on_delete=models.PROTECT, related_name="items",
                                   verbose_name=_("sampling inspection"))
    position = models.PositiveIntegerField(_("position"))
    batch_item = models.ForeignKey("batches.BatchItem", on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="sampled_as", verbose_name=_("batch item"))
    result = models.CharField(_("result"), max_length=16, choices=ItemResult.choices, default=ItemResult.PENDING)
    # The most severe grade among the item's defects (what the item counts as), blank unless defective.
    worst_grade = models.CharField(_("worst defect grade"), max_length=16, choices=DefectGrade.choices, blank=True)
    note = models.CharField(_("note"), max_length=NOTE_MAX, blank=True)
    # {metric: value} of the numeric check items measured on this item (apps.inspections.enums.Metric).
    measurements = models.JSONField(_("measured values"), default=dict, blank=True)
    checked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("checked by"))
    checked_at = models.DateTimeField(_("checked at"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    history = tracked_history()

    class Meta:
        ordering = ["inspection", "position"]
        verbose_name = _("sampled item")
        verbose_name_plural = _("sampled items")
        constraints = [
            models.UniqueConstraint(fields=["inspection", "position"], name="lot_item_position_unique"),
            models.UniqueConstraint(fields=["inspection", "batch_item"], condition=Q(batch_item__isnull=False),
                                    name="lot_item_batch_item_unique"),
            models.CheckConstraint(condition=Q(position__gte=1), name="lot_item_position_positive"),
            models.CheckConstraint(condition=Q(result__in=ItemResult.values), name="lot_item_result_valid"),
            models.CheckConstraint(
                condition=(Q(result=ItemResult.PENDING) & Q(checked_by__isnull=True) & Q(checked_at__isnull=True))
                | (~Q(result=ItemResult.PENDING) & Q(checked_by__isnull=False) & Q(checked_at__isnull=False)),
                name="lot_item_checked_consistent"),
            models.CheckConstraint(
                condition=(Q(result=ItemResult.DEFECTIVE) & Q(worst_grade__in=DefectGrade.values))
                | (~Q(result=ItemResult.DEFECTIVE) & Q(worst_grade="")),
                name="lot_item_worst_grade_consistent"),
        ]
        indexes = [models.Index(fields=["inspection", "result", "worst_grade"], name="lot_item_result_idx")]

    def __str__(self) -> str:
        return gettext("Sampled item %(n)d") % {"n": self.position}

    @property
    def place(self) -> str:
        """Where the item is in an acceptance inspection's lot: "批次 3 第 12 件" ("" for a batch
        inspection, whose positions are the batch's own)."""
        return self.inspection.place_of(self.position)

    @property
    def measurements_display(self) -> str:
        """The measured values with their indicators' names, e.g. "图像分辨率（dpi） 300"."""
        from apps.inspections.enums import Metric

        labels = dict(Metric.choices)
        return "；".join(f"{labels.get(k, k)} {v}" for k, v in (self.measurements or {}).items())

    def get_absolute_url(self) -> str:
        return reverse("lot_inspection:detail", args=[self.inspection_id]) + f"#item-{self.position}"


class ItemDefect(models.Model):
    """A defect found on a sampled item (Annex B grade copied from the catalogue)."""

    sampled_item = models.ForeignKey(SampledItem, on_delete=models.PROTECT, related_name="defects",
                                     verbose_name=_("sampled item"))
    defect_type = models.ForeignKey("inspections.DefectType", on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("defect"))
    grade = models.CharField(_("grade"), max_length=16, choices=DefectGrade.choices)
    note = models.CharField(_("note"), max_length=NOTE_MAX, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("recorded by"))
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    history = tracked_history()

    class Meta:
        ordering = ["sampled_item", "pk"]
        verbose_name = _("defect found")
        verbose_name_plural = _("defects found")
        constraints = [
            models.UniqueConstraint(fields=["sampled_item", "defect_type"], name="lot_defect_once_per_item"),
            models.CheckConstraint(condition=Q(grade__in=DefectGrade.values), name="lot_defect_grade_valid"),
        ]

    def __str__(self) -> str:
        return str(self.defect_type)

    def get_attachment_project(self):
        return self.sampled_item.inspection.project
