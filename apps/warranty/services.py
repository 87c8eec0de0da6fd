"""Writes of the warranty (§6.5.3): the period's end set when the acceptance passes, and the
client lead's conclusion of the follow-up. Warranty problems themselves are rectification tickets
(``apps.rectification.services.warranty_ticket_raise`` / ``ticket_respond``)."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from apps.accounts.enums import ProjectRole
from apps.core.errors import DomainError
from apps.core.history import history_context
from apps.core.locking import lock
from apps.core.notify import notify
from apps.core.permissions import require
from apps.core.text import clean_text
from apps.deadlines.enums import Counting, DeadlineKind
from apps.deadlines.services import add_months, deadline_create, deadlines_close_for_record
from apps.projects.models import Project, ProjectMember
from apps.rectification.selectors import warranty_end_deadline

from . import selectors
from .models import TEXT_MAX, WarrantyConclusion

KIND = "warranty"  # the kind of the warranty's notifications


def _people(project: Project, roles, org_id: int) -> list:
    rows = ProjectMember.objects.filter(project=project, is_active=True, role__in=list(roles), user__is_active=True,
                                        user__organization_id=org_id).select_related("user").order_by("pk")
    return list({m.user_id: m.user for m in rows}.values())


def warranty_start(*, project: Project, user) -> None:
    """On ``hooks.acceptance_passed``: the warranty runs from ``project.accepted_on`` for the
    contract's ``warranty_months``; its end is a deadline of the client lead, reminded one month
    before (``remind_days``), met when the follow-up is concluded. Once per project."""
    if project.accepted_on is None or warranty_end_deadline(project) is not None:
        return
    end = add_months(project.accepted_on, project.warranty_months)
    leads = _people(project, [ProjectRole.CLIENT_LEAD], project.client_id)
    deadline_create(record=project, project=project, kind=DeadlineKind.WARRANTY_END,
                    title=_("End of the warranty: conclude the warranty follow-up"),
                    base_date=project.accepted_on, amount=project.warranty_months, counting=Counting.MONTHS,
                    responsible_org=project.client, responsible_user=leads[0] if leads else None,
                    remind_days=(end - add_months(end, -1)).days, user=user)


def warranty_conclude(*, project: Project, user, assessment: str) -> WarrantyConclusion:
    """质保期满确认: from the warranty's last month on, once every warranty problem is closed or
    withdrawn, the client lead records its assessment of the contractor's warranty service. The
    figures of the follow-up are frozen with it, the warranty's end deadline is met (late after
    the end), and no further warranty problem can be reported."""
    require("warranty.may_conclude", user, project)
    assessment = clean_text(assessment, field="assessment", label=_("The assessment of the warranty service"),
                            max_length=TEXT_MAX)
    with transaction.atomic(), history_context(user=user, reason=_("Warranty follow-up concluded")):
        locked = lock(Project, pk=project.pk)
        refusal = selectors.conclusion_refusal(locked)
        if refusal:
            raise DomainError(refusal, code="illegal_transition")
        summary = selectors.warranty_summary(locked)
        conclusion = WarrantyConclusion.objects.create(
            project=locked, period_start=summary.period.start, period_end=summary.period.end, assessment=assessment,
            concluded_by=user, **selectors.figures(summary))
        deadlines_close_for_record(record=locked, user=user, kinds=[DeadlineKind.WARRANTY_END])
        notify(recipients=_people(locked, [ProjectRole.CONTRACTOR_PM], locked.contractor_id)
               + _people(locked, [ProjectRole.CLIENT_INSPECTOR], locked.client_id),
               key=f"warranty:{locked.pk}:concluded", title=_("The warranty follow-up of %(project)s is concluded")
               % {"project": locked.name}, body=assessment[:500], link=conclusion.get_absolute_url(), project=locked,
               kind=KIND)
    return conclusion
