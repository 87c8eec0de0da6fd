"""Common problems (共性问题, §5.3.2: 对验收中发现的共性问题，梳理总结，优化后续外包项目管控流程):
recorded by the team on a round; read by the evaluation and the overview of common problems."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from apps.core.errors import DomainError
from apps.core.history import history_context
from apps.core.permissions import require
from apps.core.text import clean_text
from apps.projects.enums import Phase

from ..enums import ProblemCategory
from ..models import TEXT_MAX, AcceptanceRound, CommonProblem
from .common import choice, lock_project_in


def common_problem_record(*, acceptance_round: AcceptanceRound, user, category: str, description: str,
                          suggested_control: str) -> CommonProblem:
    require("acceptance.may_record_problem", user, acceptance_round)
    category = choice(category, ProblemCategory, field="category", label=_("the category"))
    description = clean_text(description, field="description", label=_("The problem"), max_length=TEXT_MAX)
    suggested_control = clean_text(suggested_control, field="suggested_control", label=_("The suggested control"),
                                   max_length=TEXT_MAX)
    with transaction.atomic(), history_context(user=user, reason=_("Common problem recorded")):
        project = lock_project_in(acceptance_round.project, Phase.ACCEPTANCE, Phase.WARRANTY)
        if not AcceptanceRound.objects.filter(pk=acceptance_round.pk, project=project).exists():
            raise DomainError(_("Unknown acceptance round."), code="invalid")
        return CommonProblem.objects.create(project=project, round=acceptance_round, category=category,
                                            description=description, suggested_control=suggested_control,
                                            created_by=user)
