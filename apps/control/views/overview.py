"""The overview tab of a project's control page."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required

from apps.projects.selectors import project_for_user

from .. import selectors
from .common import history_page, section


@login_required
def project_page(request, project_id):
    project = project_for_user(request.user, project_id)
    return section(request, project, "overview", "control/project.html", {
        "open_requests": selectors.open_reassessment_requests(project),
        "floor_rate": selectors.sampling_floor_rate(project),
        "patrols_per_week": selectors.patrols_required_per_week(project),
        "open_actions": selectors.open_action_items(project)[:10],
        "conflicts": selectors.quality_conflicts(project),
        "history_page": history_page(request, project),
    })
