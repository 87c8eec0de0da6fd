"""Annex A rows of the acceptance (事后控制: 验收组织, 验收实施), read from the records."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils.translation import gettext as _

from apps.projects.annex_a import StepReading
from apps.projects.enums import TaskStatus
from apps.projects.models import Project

from .enums import ApplicationState, RoundState
from .models import AcceptanceApplication, AcceptanceRound, TeamMember


def read_organisation(project: Project, today: dt.date) -> StepReading | None:
    """验收组织: the contractor's application with complete materials, the team with its leader
    and an approved plan."""
    application = AcceptanceApplication.objects.filter(project=project).first()
    if application is None:
        return None
    url = reverse("acceptance:project", args=[project.pk])
    has_leader = TeamMember.objects.filter(project=project, is_leader=True).exists()
    planned = AcceptanceRound.objects.filter(project=project, plan_approved_at__isnull=False).exists()
    parts = [_("application: %(state)s") % {"state": application.get_state_display()},
             _("team: %(n)d people") % {"n": TeamMember.objects.filter(project=project).count()}]
    if planned:
        parts.append(_("plan approved"))
    evidence = "；".join(parts)
    if application.state == ApplicationState.COMPLETE and has_leader and planned:
        return StepReading(status=TaskStatus.DONE, evidence=evidence, evidence_url=url)
    return StepReading(status=TaskStatus.ONGOING, evidence=evidence, evidence_url=url)


def read_implementation(project: Project, today: dt.date) -> StepReading | None:
    """验收实施: the rounds, their inspection and report (the row's status comes from the gate
    ``acceptance_passed``; this names the round)."""
    last = AcceptanceRound.objects.filter(project=project).order_by("-number").first()
    if last is None:
        return None
    evidence = _("%(round)s: %(state)s") % {"round": last, "state": last.get_state_display()}
    status = TaskStatus.DONE if last.state == RoundState.PASSED else TaskStatus.ONGOING
    return StepReading(status=status, evidence=evidence, evidence_url=last.get_absolute_url())
