"""The acceptance pages: the project's acceptance (application, team, rounds), one round (plan,
inspection, report, signatures, tickets, common problems) and the overview of common problems."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render

from apps.core.permissions import allowed
from apps.projects.enums import Phase
from apps.projects.gates import registry
from apps.projects.selectors import project_for_user, projects_visible_to

from .. import selectors
from ..enums import ProblemCategory, RoundState
from ..services.application import application_blockers
from ..services.common import lines_with_files
from ..services.report import team_signatures
from ..services.rounds import proposal_or_none


def _may(user, obj, *names: str) -> dict:
    return {name.split(".", 1)[1]: allowed(name, user, obj) for name in names}


@login_required
def project_page(request, project_id):
    project = project_for_user(request.user, project_id)
    user = request.user
    application = selectors.application_of(project)
    lines = list(application.lines.all()) if application else []
    with_files = lines_with_files(lines)
    rounds = list(selectors.rounds_of(project))
    current = rounds[-1] if rounds else None
    gates = {r.gate.code: r for r in registry.evaluate(project, Phase.ACCEPTANCE)
             + registry.evaluate(project, Phase.WARRANTY)}
    context = {
        "project": project, "application": application,
        "lines": [{"line": line, "has_files": line.pk in with_files} for line in lines],
        "blockers": application_blockers(project) if project.phase == Phase.IMPLEMENTATION else [],
        "team": list(selectors.team_of(project)), "rounds": rounds, "current": current,
        "summary": selectors.rounds_summary_of(project), "over_limit": selectors.over_limit(project),
        "gates": [gates[c] for c in ("no_open_tickets", "batches_accepted", "acceptance_applied", "acceptance_passed")
                  if c in gates],
        "can": {**_may(user, project, "acceptance.can_apply", "acceptance.can_manage_team",
                       "acceptance.can_start_round"),
                **(_may(user, application, "acceptance.can_edit_application", "acceptance.can_review_application")
                   if application else {})},
        "next_round": (current.number + 1) if current else 1,
        "may_start_next": _may_start_next(project, current),
    }
    return render(request, "acceptance/project.html", context)


def _may_start_next(project, current) -> bool:
    if project.phase != Phase.ACCEPTANCE:
        return False
    if current is None:
        return selectors.application_complete(project)
    return current.state == RoundState.FAILED and not selectors.round_open_tickets(current).exists()


@login_required
def round_page(request, pk):
    acceptance_round = selectors.round_for_user(request.user, pk)
    project = acceptance_round.project
    user = request.user
    samplings = list(selectors.samplings_of(acceptance_round))
    proposals = {}
    if acceptance_round.state == RoundState.PLANNING:
        for s in samplings:
            proposals[s.service_type] = proposal_or_none(project, s.service_type, s.floor_rate)
    signed, missing = team_signatures(acceptance_round) if acceptance_round.is_reported else ({}, [])
    context = {
        "project": project, "round": acceptance_round,
        "samplings": [{"sampling": s, "proposal": proposals.get(s.service_type)} for s in samplings],
        "standards": list(acceptance_round.standards.order_by("service_type", "order", "code")),
        "team": list(selectors.team_of(project)), "signed_ids": set(signed), "unsigned": missing,
        "tickets": list(selectors.round_tickets(acceptance_round)) if acceptance_round.is_closed else [],
        "problems": list(selectors.common_problems_of(project).filter(round=acceptance_round)),
        "can": _may(user, acceptance_round, "acceptance.can_edit_plan", "acceptance.can_approve_plan",
                    "acceptance.can_open_inspection", "acceptance.can_issue_report", "acceptance.can_conclude",
                    "acceptance.can_record_problem"),
    }
    return render(request, "acceptance/round.html", context)


@login_required
def common_problems(request):
    """共性问题 across the projects the person may see (clients, the regulator's jurisdiction)."""
    problems = selectors.common_problems_visible_to(request.user)
    category = request.GET.get("category", "")
    if category in ProblemCategory.values:
        problems = problems.filter(category=category)
    else:
        category = ""
    project_id = request.GET.get("project", "")
    projects = projects_visible_to(request.user).filter(common_problems__isnull=False).distinct().order_by("name")
    if project_id.isdigit():
        problems = problems.filter(project_id=int(project_id))
    else:
        project_id = ""
    counts = {c: 0 for c in ProblemCategory.values}
    for value in selectors.common_problems_visible_to(request.user).values_list("category", flat=True):
        counts[value] = counts.get(value, 0) + 1
    return render(request, "acceptance/common_problems.html", {
        "page": Paginator(problems, 30).get_page(request.GET.get("page")),
        "categories": [(value, label, counts.get(value, 0)) for value, label in ProblemCategory.choices],
        "category": category, "projects": projects, "project_id": project_id,
        "query": urlencode({k: v for k, v in (("category", category), ("project", project_id)) if v}),
    })
