"""Reads of the warranty follow-up (质保跟踪, §6.5.3): the period, the warranty problems with the
contractor's time to respond, and whether the follow-up may be concluded."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from apps.deadlines.services import add_months
from apps.projects.models import Project
from apps.rectification import selectors as problems
from apps.rectification.enums import ACTIVE_STATES, TicketState
from apps.rectification.models import RectificationTicket
from apps.rectification.selectors import WarrantyPeriod, warranty_period

from .models import WarrantyConclusion


@dataclass(frozen=True)
class TicketRow:
    """One warranty problem on the follow-up page."""

    ticket: RectificationTicket
    response_hours: float | None
    responded_late: bool
    response_overdue: bool
    fix_overdue: bool

    @property
    def overdue(self) -> bool:
        return self.response_overdue or self.fix_overdue


@dataclass
class WarrantySummary:
    period: WarrantyPeriod | None
    today: dt.date
    conclusion: WarrantyConclusion | None = None
    rows: list[TicketRow] = field(default_factory=list)

    @property
    def days_left(self) -> int | None:
        return self.period.days_left(self.today) if self.period else None

    @property
    def running(self) -> bool:
        """Problems may be reported now (the period has started, not ended, not concluded)."""
        return bool(self.period and not self.period.concluded and self.period.contains(self.today))

    @property
    def open_rows(self) -> list[TicketRow]:
        return [r for r in self.rows if r.ticket.state in ACTIVE_STATES]

    @property
    def closed_rows(self) -> list[TicketRow]:
        return [r for r in self.rows if r.ticket.state == TicketState.CLOSED]

    @property
    def withdrawn_rows(self) -> list[TicketRow]:
        return [r for r in self.rows if r.ticket.state == TicketState.CANCELLED]

    @property
    def responded(self) -> list[TicketRow]:
        return [r for r in self.rows if r.response_hours is not None]

    @property
    def average_response_hours(self) -> float | None:
        hours = [r.response_hours for r in self.responded]
        return round(sum(hours) / len(hours), 1) if hours else None

    @property
    def late_responses(self) -> int:
        return sum(1 for r in self.rows if r.responded_late or r.response_overdue)

    @property
    def overdue(self) -> int:
        return sum(1 for r in self.rows if r.overdue)

    @property
    def counted(self) -> list[TicketRow]:
        """The problems that count (not withdrawn)."""
        return [r for r in self.rows if r.ticket.state != TicketState.CANCELLED]


def responded_late(ticket: RectificationTicket) -> bool:
    """Responded after the response deadline (a day late is late)."""
    return bool(ticket.responded_at and ticket.response_due
                and timezone.localtime(ticket.responded_at).date() > ticket.response_due)


def warranty_summary(project: Project, today: dt.date | None = None) -> WarrantySummary:
    """The follow-up of one project: two queries for the tickets and the conclusion, whatever
    their number."""
    today = today or timezone.localdate()
    rows = [TicketRow(ticket=t, response_hours=problems.response_hours(t), responded_late=responded_late(t),
                      response_overdue=problems.is_response_overdue(t, today), fix_overdue=problems.is_overdue(t, today))
            for t in problems.warranty_tickets(project).order_by("-number")]
    return WarrantySummary(period=warranty_period(project), today=today, conclusion=conclusion_of(project), rows=rows)


def conclusion_of(project: Project) -> WarrantyConclusion | None:
    return WarrantyConclusion.objects.filter(project=project).select_related("concluded_by").first()


def warranty_concluded(project: Project) -> bool:
    """The gate ``warranty_concluded`` (closing the project): the client lead's 质保期满确认 exists."""
    return WarrantyConclusion.objects.filter(project=project).exists()


def conclusion_evidence(project: Project) -> tuple[str, str] | None:
    from django.urls import reverse

    conclusion = conclusion_of(project)
    if conclusion is None:
        return None
    label = _("Concluded on %(date)s by %(who)s") % {
        "date": timezone.localdate(conclusion.concluded_at).isoformat(), "who": conclusion.concluded_by.name}
    return label, reverse("warranty:project", args=[project.pk])


def conclusion_opens_on(period: WarrantyPeriod) -> dt.date:
    """The follow-up may be concluded from one month before the warranty's end (its reminder)."""
    return add_months(period.end, -1)


def conclusion_refusal(project: Project, today: dt.date | None = None) -> str | None:
    """Why the warranty follow-up cannot be concluded now (a sentence), or None."""
    today = today or timezone.localdate()
    period = warranty_period(project)
    if period is None:
        return _("The warranty starts when the project's acceptance is recorded.")
    if period.concluded or WarrantyConclusion.objects.filter(project=project).exists():
        return _("The warranty follow-up is already concluded.")
    opens = conclusion_opens_on(period)
    if today < opens:
        return _("The warranty follow-up is concluded in the warranty's last month, from %(date)s.") % {
            "date": opens.isoformat()}
    still_open = problems.warranty_tickets(project).filter(state__in=ACTIVE_STATES).count()
    if still_open:
        return _("%(n)d warranty problems are still open: close them first.") % {"n": still_open}
    return None


def figures(summary: WarrantySummary) -> dict:
    """The figures a conclusion freezes."""
    average = summary.average_response_hours
    return {"tickets": len(summary.counted), "late_responses": summary.late_responses,
            "average_response_hours": Decimal(str(average)) if average is not None else None}
