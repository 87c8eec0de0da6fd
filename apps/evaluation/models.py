"""Quality evaluation (质量评估, §5.3.3, §8.3.3, §10.1) and breaches of contract (违约, §5.2.3).

* :class:`EvaluationScheme` — a client organisation's scoring scheme (履约评估): the weight of each
  indicator and the grade bands; without one the system's default applies.
* :class:`QualityEvaluation` — the client's evaluation report of one project (评估报告/问题分析报告):
  the figures read from the records (live in a draft, frozen when issued), the client's text, the
  score sheet and grade, the client lead's signature, then the contractor's answer (查找短板,
  §10.1.3, with an improvement plan) and the client's acknowledgement (备案).
* :class:`ScoreAdjustment` — the evaluator's score of one indicator, with the comment that says why
  (a measurable indicator's proposal changed, or a qualitative indicator scored).
* :class:`Breach` — a breach of contract the client holds the contractor to, with its ground.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from apps.accounts.enums import OrgKind, Party, ProjectRole
from apps.accounts.models import Organization
from apps.core.history import tracked_history
from apps.projects.models import Project
from apps.signatures.enums import SignatureMeaning
from apps.signatures.registry import SignableMixin

from .enums import ISSUED_STATES, BreachGround, BreachState, EvaluationState, Grade, Indicator

TEXT_MAX = 5000
COMMENT_MAX = 2000
REFERENCE_MAX = 200


def may_see_draft(user, project: Project) -> bool:
    """A draft evaluation (live figures, the client's unfinished text) is the client's own."""
    if not (user and user.is_authenticated and user.is_active):
        return False
    return bool(user.is_superuser or user.organization_id == project.client_id)


class EvaluationScheme(models.Model):
    """The scoring scheme a client organisation evaluates its contractors with: ``weights`` maps
    each used :class:`~.enums.Indicator` to its weight (whole numbers adding up to 100), the bands
    give the lowest total of each grade."""

    organization = models.OneToOneField(Organization, on_delete=models.PROTECT, related_name="evaluation_scheme",
                                        limit_choices_to={"kind": OrgKind.CLIENT},
                                        verbose_name=_("client organisation"))
    weights = models.JSONField(_("weights of the indicators"), default=dict)
    excellent_from = models.PositiveSmallIntegerField(_("excellent from (points)"), default=90)
    good_from = models.PositiveSmallIntegerField(_("good from (points)"), default=80)
    pass_from = models.PositiveSmallIntegerField(_("pass from (points)"), default=60)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("changed by"))
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    history = tracked_history()

    class Meta:
        verbose_name = _("evaluation scheme")
        verbose_name_plural = _("evaluation schemes")
        constraints = [
            models.CheckConstraint(
                condition=Q(pass_from__gt=0) & Q(good_from__gt=F("pass_from")) & Q(excellent_from__gt=F("good_from"))
                & Q(excellent_from__lte=100), name="evaluationscheme_bands_ordered"),
        ]

    def __str__(self) -> str:
        return gettext("Evaluation scheme of %(org)s") % {"org": self.organization}


class QualityEvaluation(SignableMixin, models.Model):
    """评估报告 of one project (§5.3.3: within 3 months of the acceptance)."""

    project = models.OneToOneField(Project, on_delete=models.PROTECT, related_name="quality_evaluation",
                                   verbose_name=_("project"))
    state = models.CharField(_("state"), max_length=16, choices=EvaluationState.choices,
                             default=EvaluationState.DRAFT)

    # §10.1.1 问题分析报告: the client's own analysis.
    problems = models.TextField(_("quality problems and safety hazards"), max_length=TEXT_MAX, blank=True)
    causes = models.TextField(_("causes of the problems"), max_length=TEXT_MAX, blank=True)
    lessons = models.TextField(_("experience and lessons"), max_length=TEXT_MAX, blank=True)
    weaknesses = models.TextField(_("weak points of the management (管理薄弱环节)"), max_length=TEXT_MAX, blank=True)

    # Frozen when issued (apps.evaluation.figures / scoring); empty while a draft.
    figures = models.JSONField(_("figures from the records"), default=dict, blank=True)
    sheet = models.JSONField(_("score sheet"), default=dict, blank=True)
    total_score = models.DecimalField(_("total score"), max_digits=5, decimal_places=2, null=True, blank=True)
    grade = models.CharField(_("grade"), max_length=16, choices=Grade.choices, blank=True)

    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("started by"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="+", verbose_name=_("issued by"))
    issued_at = models.DateTimeField(_("issued at"), null=True, blank=True)

    # §10.1.3: the contractor's answer (查找短板) and its improvement plan (§10.2).
    contractor_weaknesses = models.TextField(_("the contractor's weak points (查找短板)"), max_length=TEXT_MAX,
                                             blank=True)
    improvement_direction = models.TextField(_("direction and focus of the improvement"), max_length=TEXT_MAX,
                                             blank=True)
    improvement_plan = models.ForeignKey("control.ImprovementPlan", on_delete=models.PROTECT, null=True, blank=True,
                                         related_name="+", verbose_name=_("improvement plan"))
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("answered by"))
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    return_reason = models.TextField(_("why the answer was returned"), max_length=COMMENT_MAX, blank=True)
    acknowledged_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                        related_name="+", verbose_name=_("acknowledged by"))
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    acknowledgement_comment = models.TextField(_("client's comments"), max_length=COMMENT_MAX, blank=True)

    version = models.PositiveIntegerField(default=1, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = tracked_history()

    # The client lead's signature on issuing (签发).
    signature_roles = {Party.CLIENT: {ProjectRole.CLIENT_LEAD}}
    signature_meanings = {Party.CLIENT: {SignatureMeaning.APPROVE}}

    class Meta:
        verbose_name = _("quality evaluation")
        verbose_name_plural = _("quality evaluations")
        constraints = [
            models.CheckConstraint(condition=Q(state__in=EvaluationState.values), name="evaluation_state_valid"),
            models.CheckConstraint(condition=Q(grade="") | Q(grade__in=Grade.values), name="evaluation_grade_valid"),
            models.CheckConstraint(condition=Q(total_score__isnull=True)
                                   | (Q(total_score__gte=0) & Q(total_score__lte=100)), name="evaluation_total_range"),
            # A draft has nothing frozen; issued or later: who, when, the score and grade, the text.
            models.CheckConstraint(
                condition=(Q(state=EvaluationState.DRAFT) & Q(issued_at__isnull=True) & Q(total_score__isnull=True)
                           & Q(grade=""))
                | (Q(state__in=ISSUED_STATES) & Q(issued_at__isnull=False) & Q(issued_by__isnull=False)
                   & Q(total_score__isnull=False) & ~Q(grade="") & ~Q(problems="") & ~Q(causes="")
                   & ~Q(lessons="") & ~Q(weaknesses="")),
                name="evaluation_issued_consistent"),
            models.CheckConstraint(
                condition=~Q(state__in=[EvaluationState.ANSWERED, EvaluationState.ACKNOWLEDGED])
                | (~Q(contractor_weaknesses="") & ~Q(improvement_direction="") & Q(answered_at__isnull=False)),
                name="evaluation_answer_complete"),
            models.CheckConstraint(
                condition=(Q(state=EvaluationState.ACKNOWLEDGED) & Q(acknowledged_at__isnull=False))
                | (~Q(state=EvaluationState.ACKNOWLEDGED) & Q(acknowledged_at__isnull=True)),
                name="evaluation_acknowledged_consistent"),
        ]

    def __str__(self) -> str:
        return gettext("Quality evaluation of %(project)s") % {"project": self.project.name}

    def get_absolute_url(self) -> str:
        return reverse("evaluation:project", args=[self.project_id])

    @property
    def doc_no(self) -> str:
        return f"{self.project.contract_no}-PG"

    @property
    def is_draft(self) -> bool:
        return self.state == EvaluationState.DRAFT

    @property
    def is_issued(self) -> bool:
        return self.state in ISSUED_STATES

    def can_view_form(self, user) -> bool:
        """The reports app asks before printing: a draft is the client's own."""
        return self.is_issued or may_see_draft(user, self.project)

    # ---- signatures (apps.signatures): the client lead signs the report when issuing it.

    def signed_content(self) -> dict:
        return {"project": self.project_id, "problems": self.problems, "causes": self.causes,
                "lessons": self.lessons, "weaknesses": self.weaknesses, "figures": self.figures,
                "sheet": self.sheet, "total_score": self.total_score, "grade": self.grade}

    def signature_refusal(self) -> str | None:
        from apps.signatures.models import Signature

        if not self.is_issued or Signature.objects.for_record(self).exists():
            return gettext("The evaluation report is signed when the client lead issues it.")
        return None


class ScoreAdjustment(models.Model):
    """The evaluator's score of one indicator of a draft evaluation, with the reason."""

    evaluation = models.ForeignKey(QualityEvaluation, on_delete=models.PROTECT, related_name="adjustments",
                                   verbose_name=_("quality evaluation"))
    indicator = models.CharField(_("indicator"), max_length=32, choices=Indicator.choices)
    score = models.DecimalField(_("score"), max_digits=5, decimal_places=2)
    comment = models.TextField(_("grounds for the score"), max_length=COMMENT_MAX)
    adjusted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("scored by"))
    adjusted_at = models.DateTimeField(_("scored at"), auto_now=True)

    history = tracked_history()

    class Meta:
        ordering = ["evaluation", "indicator"]
        verbose_name = _("score of an indicator")
        verbose_name_plural = _("scores of the indicators")
        constraints = [
            models.UniqueConstraint(fields=["evaluation", "indicator"], name="scoreadjustment_once_per_indicator"),
            models.CheckConstraint(condition=Q(indicator__in=Indicator.values), name="scoreadjustment_indicator_valid"),
            models.CheckConstraint(condition=Q(score__gte=0) & Q(score__lte=100), name="scoreadjustment_score_range"),
            models.CheckConstraint(condition=~Q(comment=""), name="scoreadjustment_has_comment"),
        ]

    def __str__(self) -> str:
        return f"{self.get_indicator_display()}: {self.score}"


class Breach(models.Model):
    """违约记录 (§5.2.3 追究违约责任): the client holds the contractor in breach on a ground."""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="breaches",
                                verbose_name=_("project"))
    # The contractor the breach counts against in its performance record.
    contractor = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="breaches",
                                   limit_choices_to={"kind": OrgKind.CONTRACTOR}, verbose_name=_("contractor"))
    number = models.PositiveIntegerField(_("breach number"))
    ground = models.CharField(_("ground"), max_length=32, choices=BreachGround.choices)
    description = models.TextField(_("what the contractor did or failed to do"), max_length=TEXT_MAX)
    occurred_on = models.DateField(_("date of the breach"))
    reference = models.CharField(_("related record or contract clause"), max_length=REFERENCE_MAX, blank=True)
    state = models.CharField(_("state"), max_length=16, choices=BreachState.choices, default=BreachState.RECORDED)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("recorded by"))
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    withdraw_reason = models.TextField(_("reason for withdrawing"), max_length=COMMENT_MAX, blank=True)
    withdrawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+", verbose_name=_("withdrawn by"))
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = tracked_history()

    class Meta:
        ordering = ["project", "-number"]
        verbose_name = _("breach of contract")
        verbose_name_plural = _("breaches of contract")
        constraints = [
            models.UniqueConstraint(fields=["project", "number"], name="breach_number_unique"),
            models.CheckConstraint(condition=Q(number__gte=1), name="breach_number_positive"),
            models.CheckConstraint(condition=Q(ground__in=BreachGround.values), name="breach_ground_valid"),
            models.CheckConstraint(condition=Q(state__in=BreachState.values), name="breach_state_valid"),
            models.CheckConstraint(condition=~Q(description=""), name="breach_has_description"),
            models.CheckConstraint(
                condition=(Q(state=BreachState.WITHDRAWN) & ~Q(withdraw_reason="") & Q(withdrawn_at__isnull=False))
                | (Q(state=BreachState.RECORDED) & Q(withdraw_reason="") & Q(withdrawn_at__isnull=True)),
                name="breach_withdrawn_consistent"),
        ]
        indexes = [models.Index(fields=["contractor", "state"], name="breach_contractor_state")]

    def __str__(self) -> str:
        return gettext("Breach of contract No. %(n)d") % {"n": self.number}

    def get_absolute_url(self) -> str:
        return reverse("evaluation:breach", args=[self.pk])

    @property
    def is_active(self) -> bool:
        return self.state == BreachState.RECORDED

    def get_attachment_project(self):
        return self.project
