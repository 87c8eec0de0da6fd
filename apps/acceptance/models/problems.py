"""Common problems (共性问题, §5.3.2: 对验收中发现的共性问题，梳理总结，优化后续外包项目管控流程)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from apps.core.history import tracked_history
from apps.projects.models import Project

from ..enums import ProblemCategory
from .common import TEXT_MAX
from .rounds import AcceptanceRound


class CommonProblem(models.Model):
    """A common problem the acceptance team saw in a round, with the control it suggests; read by
    the evaluation and by the client's and regulator's overview."""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="common_problems",
                                verbose_name=_("project"))
    round = models.ForeignKey(AcceptanceRound, on_delete=models.PROTECT, related_name="common_problems",
                              verbose_name=_("acceptance round"))
    category = models.CharField(_("category"), max_length=16, choices=ProblemCategory.choices)
    description = models.TextField(_("problem"), max_length=TEXT_MAX)
    suggested_control = models.TextField(_("suggested control"), max_length=TEXT_MAX)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("recorded by"))
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    history = tracked_history()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("common problem")
        verbose_name_plural = _("common problems")
        constraints = [
            models.CheckConstraint(condition=Q(category__in=ProblemCategory.values), name="acc_problem_category_valid"),
            models.CheckConstraint(condition=~Q(description="") & ~Q(suggested_control=""),
                                   name="acc_problem_has_text"),
        ]

    def __str__(self) -> str:
        return self.description[:60]

    def get_absolute_url(self) -> str:
        return reverse("acceptance:round", args=[self.round_id]) + f"#problem-{self.pk}"
