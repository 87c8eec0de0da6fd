"""Annex A row 风险管控 (事中控制) read from the risk register (§5.2.2, §6.3.1)."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils.translation import gettext as _

from apps.projects.annex_a import StepReading
from apps.projects.enums import TaskStatus


def risk_control(project, today: dt.date) -> StepReading:
    """Due while a (re-)assessment is requested (project start, a major change, an incident) or
    a risk point is not rated; ongoing once the register is assessed and nothing is asked."""
    from . import selectors

    url = reverse("control:risks", args=[project.pk])
    points = selectors.active_risk_points(project).count()
    unrated = selectors.unrated_points(project).count()
    requests = selectors.open_reassessment_requests(project).count()
    last = selectors.risk_assessments(project).first()
    evidence = _("%(p)d risk points (%(u)d not rated), level %(level)s, %(r)d re-assessments requested") % {
        "p": points, "u": unrated, "level": project.get_risk_level_display(), "r": requests}
    if last is not None:
        evidence += _("; last assessed on %(day)s") % {"day": f"{last.assessed_on:%Y-%m-%d}"}
    if requests or unrated or last is None:
        return StepReading(TaskStatus.DUE, evidence, url)
    return StepReading(TaskStatus.ONGOING, evidence, url)
