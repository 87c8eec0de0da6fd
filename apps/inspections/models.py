"""Client supervision (§5.2.1, §7.2, Annex B): check items and the defect catalogue, patrols,
key-node checks and the inspection ledger (检查台账).

* :class:`CheckItemTemplate` / :class:`DefectTemplate` hold the standard's own words (Tables 1–5
  of §7.2, the defect lists of §7.2 and Annex B), seeded by a data migration, global and read-only.
* :class:`CheckItem` / :class:`DefectType` are the project's editable copies, made on first need
  by ``services.catalogue_ensure(project=project)``; the client lead adapts them to the contract.
* :class:`Patrol` (巡查, at least weekly) and :class:`KeyNodeCheck` (关键节点检查) are the client's
  own supervision records.
* :class:`LedgerEntry` is one denormalised row per check of any kind, written by the service that
  records the check, in the same transaction, so the ledger page needs no joins per row.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import F, Q, Value
from django.db.models.functions import Concat, Lower
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from apps.core.history import tracked_history
from apps.projects.enums import ServiceType
from apps.projects.models import Project

from .enums import DefectGrade, KeyNodeResult, LedgerKind, Metric

TEXT_MAX = 2000
NAME_MAX = 100
CODE_MAX = 16


class CatalogueFields(models.Model):
    """What a check item says, on the template and on the project's copy."""

    service_type = models.CharField(_("service type"), max_length=32, choices=ServiceType.choices)
    code = models.CharField(_("code"), max_length=CODE_MAX)
    name = models.CharField(_("check item"), max_length=NAME_MAX)
    requirement = models.CharField(_("quality requirement"), max_length=500)
    method = models.CharField(_("inspection method"), max_length=NAME_MAX)
    remark = models.CharField(_("remark"), max_length=200, blank=True)
    # Numeric items: the measured quantity and its limits (inclusive). Judged by services.judge.
    metric = models.CharField(_("measured quantity"), max_length=32, choices=Metric.choices, blank=True)
    min_value = models.DecimalField(_("minimum"), max_digits=12, decimal_places=3, null=True, blank=True)
    max_value = models.DecimalField(_("maximum"), max_digits=12, decimal_places=3, null=True, blank=True)
    unit = models.CharField(_("unit"), max_length=16, blank=True)
    # Judge the magnitude of the value (skew may be measured as −0.8° or +0.8°).
    absolute = models.BooleanField(_("judge the absolute value"), default=False)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def is_numeric(self) -> bool:
        return bool(self.metric) and (self.min_value is not None or self.max_value is not None)


def _check_item_constraints(prefix: str) -> list:
    return [
        models.CheckConstraint(condition=Q(service_type__in=ServiceType.values), name=f"{prefix}_service_type_valid"),
        models.CheckConstraint(condition=Q(metric="") | Q(metric__in=Metric.values), name=f"{prefix}_metric_valid"),
        models.CheckConstraint(condition=~Q(code="") & ~Q(name="") & ~Q(requirement="") & ~Q(method=""),
                               name=f"{prefix}_has_text"),
        # A numeric item names its quantity and at least one limit; a limit needs a quantity.
        models.CheckConstraint(
            condition=(Q(metric="") & Q(min_value__isnull=True) & Q(max_value__isnull=True))
            | (~Q(metric="") & (Q(min_value__isnull=False) | Q(max_value__isnull=False))),
            name=f"{prefix}_metric_has_limit"),
        models.CheckConstraint(
            condition=Q(min_value__isnull=True) | Q(max_value__isnull=True) | Q(min_value__lte=F("max_value")),
            name=f"{prefix}_limits_ordered"),
    ]


class CheckItemTemplate(CatalogueFields):
    """A row of Tables 1–5 of §7.2, in the standard's words (seeded, not edited)."""

    history = tracked_history()

    class Meta:
        ordering = ["service_type", "order", "code"]
        verbose_name = _("check item template")
        verbose_name_plural = _("check item templates")
        constraints = [
            models.UniqueConstraint(fields=["code"], name="insp_cit_code_unique"),
            *_check_item_constraints("insp_cit"),
        ]


class DefectFields(models.Model):
    service_type = models.CharField(_("service type"), max_length=32, choices=ServiceType.choices)
    code = models.CharField(_("code"), max_length=CODE_MAX)
    name = models.CharField(_("defect"), max_length=NAME_MAX)
    grade = models.CharField(_("grade"), max_length=16, choices=DefectGrade.choices)
    description = models.TextField(_("description"), max_length=TEXT_MAX, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


def _defect_constraints(prefix: str) -> list:
    return [
        models.CheckConstraint(condition=Q(service_type__in=ServiceType.values), name=f"{prefix}_service_type_valid"),
        models.CheckConstraint(condition=Q(grade__in=DefectGrade.values), name=f"{prefix}_grade_valid"),
        models.CheckConstraint(condition=~Q(code="") & ~Q(name=""), name=f"{prefix}_has_text"),
    ]


class DefectTemplate(DefectFields):
    """A defect of §7.2 (per service type and grade) in the standard's words (seeded)."""

    # The Table 1–5 row the defect is judged against, when one obviously is.
    check_item_code = models.CharField(_("check item code"), max_length=CODE_MAX, blank=True)

    history = tracked_history()

    class Meta:
        ordering = ["service_type", "order", "code"]
        verbose_name = _("defect template")
        verbose_name_plural = _("defect templates")
        constraints = [
            models.UniqueConstraint(fields=["code"], name="insp_dt_code_unique"),
            *_defect_constraints("insp_dt"),
        ]


class CheckItem(CatalogueFields):
    """The project's copy of a check item, editable by the client lead."""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="check_items",
                                verbose_name=_("project"))
    template = models.ForeignKey(CheckItemTemplate, on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="+", verbose_name=_("template"))
    active = models.BooleanField(_("in use"), default=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = tracked_history()

    class Meta:
        ordering = ["project", "service_type", "order", "code"]
        verbose_name = _("check item")
        verbose_name_plural = _("check items")
        constraints = [
            models.UniqueConstraint(fields=["project", "code"], name="insp_ci_code_unique"),
            models.UniqueConstraint(fields=["project", "template"], condition=Q(template__isnull=False),
                                    name="insp_ci_template_once"),
            *_check_item_constraints("insp_ci"),
        ]
        indexes = [models.Index(fields=["project", "service_type", "metric"], name="insp_ci_metric_idx")]


class DefectType(DefectFields):
    """The project's copy of a defect, chosen when a sampled item is found defective."""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="defect_types",
                                verbose_name=_("project"))
    template = models.ForeignKey(DefectTemplate, on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="+", verbose_name=_("template"))
    check_item = models.ForeignKey(CheckItem, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="defect_types", verbose_name=_("check item"))
    active = models.BooleanField(_("in use"), default=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = tracked_history()

    class Meta:
        ordering = ["project", "service_type", "order", "code"]
        verbose_name = _("defect type")
        verbose_name_plural = _("defect types")
        constraints = [
            models.UniqueConstraint(fields=["project", "code"], name="insp_defect_code_unique"),
            models.UniqueConstraint(fields=["project", "template"], condition=Q(template__isnull=False),
                                    name="insp_defect_template_once"),
            *_defect_constraints("insp_defect"),
        ]
        indexes = [models.Index(fields=["project", "service_type", "grade"], name="insp_defect_st_idx")]


class Patrol(models.Model):
    """巡查 (§5.2.1): the client's routine on-site patrol, at least once a week."""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="patrols", verbose_name=_("project"))
    patrolled_on = models.DateField(_("patrol date"))
    inspectors = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="+", verbose_name=_("inspectors"))
    content = models.TextField(_("what was checked"), max_length=TEXT_MAX)
    findings = models.TextField(_("problems found"), max_length=TEXT_MAX, blank=True)
    requirements = models.TextField(_("rectification requirements"), max_length=TEXT_MAX, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("recorded by"))
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = tracked_history(m2m_fields=[inspectors])

    class Meta:
        ordering = ["-patrolled_on", "-pk"]
        verbose_name = _("patrol")
        verbose_name_plural = _("patrols")
        constraints = [
            models.CheckConstraint(condition=~Q(content=""), name="insp_patrol_has_content"),
            # Problems found come with what the contractor must do about them.
            models.CheckConstraint(condition=Q(findings="") | ~Q(requirements=""), name="insp_patrol_requirements"),
        ]
        indexes = [models.Index(fields=["project", "patrolled_on"], name="insp_patrol_date_idx")]

    def __str__(self) -> str:
        return gettext("Patrol of %(date)s") % {"date": self.patrolled_on.isoformat()}

    def get_absolute_url(self) -> str:
        return reverse("inspections:patrol_detail", args=[self.pk])

    def get_attachment_project(self):
        return self.project


class KeyNodeCheck(models.Model):
    """关键节点检查 (§5.2.1): a check at a control point named by the approved plan."""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="key_node_checks",
                                verbose_name=_("project"))
    node = models.CharField(_("key node"), max_length=200)
    from_plan = models.BooleanField(_("control point of the approved plan"), default=False)
    checked_on = models.DateField(_("check date"))
    inspector = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("inspector"))
    content = models.TextField(_("what was checked"), max_length=TEXT_MAX)
    result = models.CharField(_("result"), max_length=16, choices=KeyNodeResult.choices)
    findings = models.TextField(_("problems found"), max_length=TEXT_MAX, blank=True)
    requirements = models.TextField(_("rectification requirements"), max_length=TEXT_MAX, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("recorded by"))
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = tracked_history()

    class Meta:
        ordering = ["-checked_on", "-pk"]
        verbose_name = _("key-node check")
        verbose_name_plural = _("key-node checks")
        constraints = [
            models.CheckConstraint(condition=Q(result__in=KeyNodeResult.values), name="insp_keynode_result_valid"),
            models.CheckConstraint(condition=~Q(node="") & ~Q(content=""), name="insp_keynode_has_text"),
            # A node that does not conform says what is wrong and what must be done.
            models.CheckConstraint(
                condition=Q(result=KeyNodeResult.CONFORMING) | (~Q(findings="") & ~Q(requirements="")),
                name="insp_keynode_nonconforming_explained"),
        ]
        indexes = [models.Index(fields=["project", "checked_on"], name="insp_keynode_date_idx")]

    def __str__(self) -> str:
        return gettext("Key-node check “%(node)s” of %(date)s") % {"node": self.node,
                                                                   "date": self.checked_on.isoformat()}

    def get_absolute_url(self) -> str:
        return reverse("inspections:key_node_detail", args=[self.pk])

    def get_attachment_project(self):
        return self.project


class LedgerEntry(models.Model):
    """One row of the inspection ledger (检查台账, §5.2.1): time, inspector, content, problems,
    requirements — denormalised so the ledger page reads one table."""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="ledger_entries",
                                verbose_name=_("project"))
    kind = models.CharField(_("kind"), max_length=32, choices=LedgerKind.choices)
    occurred_at = models.DateTimeField(_("time of the check"))
    inspector = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="+", verbose_name=_("inspector"))
    inspector_name = models.CharField(_("inspectors"), max_length=200, blank=True)
    # The batch (apps.batches) the check concerns, if any: a plain id plus its label, so the
    # ledger neither joins nor depends on the batches app.
    batch_id = models.BigIntegerField(_("batch"), null=True, blank=True)
    batch_label = models.CharField(_("batch"), max_length=64, blank=True)
    content = models.TextField(_("what was checked"), max_length=4 * TEXT_MAX)
    problems = models.TextField(_("problems found"), max_length=4 * TEXT_MAX, blank=True)
    requirements = models.TextField(_("rectification requirements"), max_length=4 * TEXT_MAX, blank=True)
    conclusion = models.CharField(_("conclusion"), max_length=200, blank=True)
    has_problems = models.BooleanField(_("problems found"), default=False)
    # The record the entry comes from.
    source_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("source type"))
    source_id = models.BigIntegerField(_("source id"), null=True, blank=True)
    url = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    # What the ledger's text search reads: one lower-cased column computed by the database, so a
    # search is one plain LIKE over one column (rows written in bulk get it too).
    search_text = models.GeneratedField(
        expression=Lower(Concat("content", Value("\n"), "problems", Value("\n"), "requirements", Value("\n"),
                                "conclusion", Value("\n"), "inspector_name", Value("\n"), "batch_label",
                                output_field=models.TextField())),
        output_field=models.TextField(), db_persist=True)

    history = tracked_history(excluded_fields=["search_text"])

    class Meta:
        ordering = ["-occurred_at", "-pk"]
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger entries")
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=LedgerKind.values), name="insp_ledger_kind_valid"),
            models.CheckConstraint(condition=~Q(content=""), name="insp_ledger_has_content"),
            models.CheckConstraint(condition=Q(has_problems=False) | ~Q(problems=""), name="insp_ledger_problems"),
            models.CheckConstraint(condition=(Q(source_type__isnull=True) & Q(source_id__isnull=True))
                                   | (Q(source_type__isnull=False) & Q(source_id__isnull=False)),
                                   name="insp_ledger_source_pair"),
            models.UniqueConstraint(fields=["source_type", "source_id"], condition=Q(source_id__isnull=False),
                                    name="insp_ledger_one_per_source"),
        ]
        indexes = [
            models.Index(fields=["project", "-occurred_at", "-id"], name="insp_ledger_proj_time"),
            models.Index(fields=["project", "kind", "-occurred_at", "-id"], name="insp_ledger_kind_time"),
            models.Index(fields=["project", "inspector", "-occurred_at", "-id"], name="insp_ledger_insp_time"),
            models.Index(fields=["project", "batch_id", "-occurred_at", "-id"], name="insp_ledger_batch_time"),
            models.Index(fields=["project", "has_problems", "-occurred_at", "-id"], name="insp_ledger_prob_time"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.occurred_at:%Y-%m-%d %H:%M}"

    def get_absolute_url(self) -> str:
        return self.url or reverse("inspections:ledger", args=[self.project_id])
