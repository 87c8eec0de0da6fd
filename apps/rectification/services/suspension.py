"""Suspension (§5.2.3, §6.3.3): a refused ticket, one failed more often than the contract allows,
an overdue one and an open incident are grounds for suspending the project; resuming requires the
causes of the suspension to be closed. Whichever path suspends or resumes the project (page, API,
this app), :class:`SuspensionRules` apply (``apps.projects.hooks.register_suspension_rules``)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.core.history import save_with_history
from apps.core.notify import notify
from apps.projects.models import Project

from .. import selectors
from ..models import Suspension
from .common import KIND, contractor_people, contractor_team
from .regulator import suspension_report


def project_suspend(*, project: Project, user, reason: str, report_to_regulator: bool = False,
                    expected_version: int | None = None) -> Suspension:
    """The client lead suspends the project on the grounds found (which stops batch submission)
    and, for a major case, reports it to the regulator."""
    from apps.projects import services as project_services

    with transaction.atomic():
        project_services.project_suspend(project=project, user=user, reason=reason,
                                         expected_version=expected_version)
        suspension = selectors.open_suspension(project)
        if report_to_regulator:
            suspension_report(suspension=suspension, user=user)
    return suspension


class SuspensionRules:
    """Registered with ``apps.projects.hooks.register_suspension_rules``: whichever path suspends
    or resumes the project (page, API, this app), these rules apply."""

    @staticmethod
    def suspend_refusal(project: Project) -> str | None:
        if selectors.suspension_grounds(project):
            return None
        return _("There is no ground to suspend the project: the standard allows it when the contractor "
                 "refuses to rectify, a rectification fails review beyond the contract's limit, a ticket is "
                 "overdue, or an incident is open (§5.2.3, §6.3.3).")

    @staticmethod
    def suspended(*, project: Project, user, reason: str) -> None:
        found = selectors.suspension_grounds(project)
        suspension = Suspension.objects.create(project=project, reason=reason, suspended_by=user,
                                               grounds=sorted({g.ground for g in found}))
        suspension.tickets.set({g.ticket.pk for g in found if g.ticket is not None})
        suspension.incidents.set({g.incident.pk for g in found if g.incident is not None})
        notify(recipients=contractor_team(project), key=f"suspension:{suspension.pk}",
               title=_("Project suspended by the client: %(project)s") % {"project": project.name},
               body=reason[:500], link=suspension.get_absolute_url(), project=project, kind=KIND)

    @staticmethod
    def resume_refusal(project: Project) -> str | None:
        suspension = selectors.open_suspension(project)
        if suspension is None:
            return None
        left = selectors.unclosed_causes(suspension)
        if left:
            return _("The causes of the suspension are not all closed yet: %(causes)s.") % {
                "causes": "、".join(str(c) for c in left)}
        return None

    @staticmethod
    def resumed(*, project: Project, user, reason: str) -> None:
        suspension = selectors.open_suspension(project)
        if suspension is None:
            return
        suspension.resumed_by, suspension.resumed_at, suspension.resume_reason = user, timezone.now(), reason
        save_with_history(suspension, reason=_("Project resumed"))
        notify(recipients=contractor_people(project), key=f"suspension:{suspension.pk}:resumed",
               title=_("Project resumed: %(project)s") % {"project": project.name},
               body=reason[:500], link=project.get_absolute_url(), project=project, kind=KIND)
