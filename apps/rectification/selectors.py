"""Reads, always scoped to the projects the user may see (outsiders get 404), and the rules that
read the records: suspension grounds, the ``no_open_tickets`` gate, Annex A step readings."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.enums import OrgKind, Party
from apps.projects.models import Project
from apps.projects.selectors import projects_visible_to

from .enums import ACTIVE_STATES, CONTRACTOR_TURN, Ground, IncidentState, Severity, TicketSource, TicketState
from .models import (Complaint, Incident, ProblemSettings, RectificationTicket, RegulatorReport, Suspension,
                     TicketReview)

SEVERITY_ORDER = Case(When(severity=Severity.FATAL, then=Value(0)), When(severity=Severity.SERIOUS, then=Value(1)),
                      default=Value(2), output_field=IntegerField())


def settings_of(project: Project) -> ProblemSettings:
    """The project's settings; defaults (not saved) until the client lead changes them."""
    found = ProblemSettings.objects.filter(project=project).first()
    return found or ProblemSettings(project=project)


# ---------------------------------------------------------------- scoped look-ups

def tickets_visible_to(user) -> QuerySet[RectificationTicket]:
    return RectificationTicket.objects.filter(project__in=projects_visible_to(user)).select_related(
        "project", "project__client", "project__contractor", "raised_by", "submitted_by", "reviewed_by",
        "closed_by", "batch")


def ticket_for_user(user, pk) -> RectificationTicket:
    try:
        return tickets_visible_to(user).get(pk=pk)
    except (RectificationTicket.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def incident_for_user(user, pk) -> Incident:
    try:
        return (Incident.objects.filter(project__in=projects_visible_to(user))
                .select_related("project", "reported_by", "acknowledged_by", "closed_by").get(pk=pk))
    except (Incident.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def tickets_of(project: Project) -> QuerySet[RectificationTicket]:
    return project.rectification_tickets.select_related("raised_by", "submitted_by", "reviewed_by", "responded_by",
                                                        "batch")


def open_tickets(project: Project) -> QuerySet[RectificationTicket]:
    return project.rectification_tickets.filter(state__in=ACTIVE_STATES)


def reviews_of(ticket: RectificationTicket) -> QuerySet[TicketReview]:
    return ticket.reviews.select_related("reviewed_by").order_by("round_no")


def incidents_of(project: Project) -> QuerySet[Incident]:
    return project.incidents.select_related("reported_by", "acknowledged_by", "closed_by")


def complaints_of(project: Project) -> QuerySet[Complaint]:
    return project.complaints.select_related("registered_by")


def complaints_with_tickets(project: Project, *, limit: int) -> list[tuple[Complaint, RectificationTicket | None]]:
    """The latest complaints, each with the ticket it raised (two queries, whatever the count)."""
    from django.contrib.contenttypes.models import ContentType

    complaints = list(complaints_of(project)[:limit])
    tickets = {t.source_id: t for t in project.rectification_tickets.filter(
        source_type=ContentType.objects.get_for_model(Complaint), source_id__in=[c.pk for c in complaints])}
    return [(c, tickets.get(c.pk)) for c in complaints]


def open_suspension(project: Project) -> Suspension | None:
    return project.suspensions.filter(resumed_at__isnull=True).prefetch_related("tickets", "incidents").first()


def suspensions_of(project: Project) -> QuerySet[Suspension]:
    return project.suspensions.select_related("suspended_by", "resumed_by").prefetch_related("tickets", "incidents")


def reports_of(project: Project) -> QuerySet[RegulatorReport]:
    return project.regulator_reports.select_related("reported_by", "ticket", "incident", "suspension")


def reports_visible_to(user) -> QuerySet[RegulatorReport]:
    return (RegulatorReport.objects.filter(project__in=projects_visible_to(user))
            .select_related("project", "project__client", "project__contractor", "reported_by", "ticket",
                            "incident"))


# ---------------------------------------------------------------- work lists

def age_days(ticket: RectificationTicket, today: dt.date | None = None) -> int:
    today = today or timezone.localdate()
    return (today - ticket.found_on).days


def is_overdue(ticket: RectificationTicket, today: dt.date | None = None) -> bool:
    """The contractor has not answered by the deadline (a ticket awaiting review is not overdue)."""
    today = today or timezone.localdate()
    return ticket.state in CONTRACTOR_TURN and ticket.due_date < today


def client_worklist(user) -> QuerySet[RectificationTicket]:
    """The client's "problems" view: open tickets of its projects, oldest and most severe first."""
    qs = tickets_visible_to(user).filter(state__in=ACTIVE_STATES)
    return qs.annotate(severity_rank=SEVERITY_ORDER).order_by("found_on", "severity_rank", "pk")


def contractor_worklist(user) -> QuerySet[RectificationTicket]:
    """What the contractor must answer and by when: tickets awaiting its rectification, earliest
    deadline first, most severe first on the same day."""
    qs = tickets_visible_to(user).filter(state__in=CONTRACTOR_TURN)
    return qs.annotate(severity_rank=SEVERITY_ORDER).order_by("due_date", "severity_rank", "pk")


def worklist_for(user) -> tuple[str, QuerySet[RectificationTicket]]:
    org = getattr(user, "organization", None)
    if org is not None and org.kind == OrgKind.CONTRACTOR:
        return Party.CONTRACTOR, contractor_worklist(user)
    return Party.CLIENT, client_worklist(user)


def open_incidents_visible_to(user) -> QuerySet[Incident]:
    return (Incident.objects.filter(project__in=projects_visible_to(user)).exclude(state=IncidentState.CLOSED)
            .select_related("project", "reported_by").order_by("-occurred_at"))


# ---------------------------------------------------------------- grounds for suspension (§5.2.3)

@dataclass(frozen=True)
class GroundFound:
    ground: str
    ticket: RectificationTicket | None = None
    incident: Incident | None = None

    @property
    def label(self) -> str:
        return dict(Ground.choices)[self.ground]

    @property
    def record(self):
        return self.ticket or self.incident


def ticket_grounds(ticket: RectificationTicket, *, limit: int, today: dt.date | None = None) -> list[str]:
    grounds = []
    if ticket.state == TicketState.REFUSED:
        grounds.append(Ground.REFUSED)
    if ticket.state in ACTIVE_STATES and ticket.failed_reviews > limit:
        grounds.append(Ground.REVIEW_LIMIT)
    if is_overdue(ticket, today):
        grounds.append(Ground.OVERDUE)
    return grounds


def suspension_grounds(project: Project, today: dt.date | None = None) -> list[GroundFound]:
    """What lets the client suspend the project now: a ticket the contractor refused, one that
    failed review more often than the contract allows, an overdue one, an open incident."""
    limit = settings_of(project).review_limit
    found = []
    for ticket in open_tickets(project).order_by("number"):
        found += [GroundFound(g, ticket=ticket) for g in ticket_grounds(ticket, limit=limit, today=today)]
    for incident in project.incidents.exclude(state=IncidentState.CLOSED).order_by("occurred_at"):
        found.append(GroundFound(Ground.INCIDENT, incident=incident))
    return found


def unclosed_causes(suspension: Suspension) -> list:
    """The suspension's causes still open: tickets not closed (or withdrawn), incidents not closed."""
    tickets = [t for t in suspension.tickets.all() if t.state in ACTIVE_STATES]
    incidents = [i for i in suspension.incidents.all() if i.state != IncidentState.CLOSED]
    return tickets + incidents


# ---------------------------------------------------------------- signatures

def signature_parties(ticket: RectificationTicket) -> dict[str, bool]:
    from apps.signatures.selectors import signatures_for

    signatures = signatures_for(ticket)
    return {
        Party.CLIENT: any(s.is_valid and s.party == Party.CLIENT for s in signatures),
        Party.CONTRACTOR: any(s.is_valid and s.party == Party.CONTRACTOR for s in signatures),
        "all_valid": all(s.is_valid for s in signatures),
    }


# ---------------------------------------------------------------- gate and Annex A

def no_open_tickets(project: Project) -> bool:
    """Gate ``no_open_tickets`` (§5.3.1, §4.4): acceptance may be applied for only when every
    ticket is closed (or withdrawn)."""
    return not _tickets_before_acceptance(project).exists()


def _tickets_before_acceptance(project: Project) -> QuerySet[RectificationTicket]:
    """The open tickets that keep a project from acceptance: not the warranty's, which arise after it."""
    return open_tickets(project).exclude(source=TicketSource.WARRANTY)


def no_open_tickets_evidence(project: Project) -> str:
    count = _tickets_before_acceptance(project).count()
    if count:
        return _("%(n)d rectification tickets still open") % {"n": count}
    closed = project.rectification_tickets.filter(state=TicketState.CLOSED).count()
    return _("All %(n)d tickets closed") % {"n": closed} if closed else _("No rectification ticket raised")


def _project_url(project: Project) -> str:
    return reverse("rectification:project", args=[project.pk])


def _loop_reading(project: Project, today: dt.date, *, states=None, sources=None):
    """A status for the problem-handling rows: overdue when a ticket is past its deadline, due
    while tickets are open, done when tickets exist and all are closed, ongoing otherwise."""
    from apps.projects.annex_a import StepReading
    from apps.projects.enums import TaskStatus

    qs = project.rectification_tickets.all()
    if sources:
        qs = qs.filter(source__in=sources)
    total = qs.exclude(state=TicketState.CANCELLED).count()
    active = qs.filter(state__in=states or ACTIVE_STATES)
    overdue = active.filter(state__in=CONTRACTOR_TURN, due_date__lt=today).count()
    open_count = active.count()
    closed = qs.filter(state=TicketState.CLOSED).count()
    evidence = _("%(total)d tickets, %(open)d open, %(closed)d closed") % {
        "total": total, "open": qs.filter(state__in=ACTIVE_STATES).count(), "closed": closed}
    if overdue:
        return StepReading(TaskStatus.OVERDUE, evidence + _("; %(n)d overdue") % {"n": overdue},
                           _project_url(project))
    if open_count:
        return StepReading(TaskStatus.DUE, evidence, _project_url(project))
    if total:
        return StepReading(TaskStatus.DONE, evidence, _project_url(project))
    return StepReading(TaskStatus.ONGOING, _("No problem found so far"), _project_url(project))


def read_problem_notice(project: Project, today: dt.date):
    return _loop_reading(project, today, states=[TicketState.OPEN, TicketState.REFUSED])


def read_rectification(project: Project, today: dt.date):
    return _loop_reading(project, today, states=[TicketState.OPEN, TicketState.REFUSED])


def read_review_closure(project: Project, today: dt.date):
    return _loop_reading(project, today, states=[TicketState.SUBMITTED, TicketState.REVIEWED])


def read_rectification_review(project: Project, today: dt.date):
    """整改复核 of the acceptance: the tickets a failed acceptance round raised; once the project
    passed acceptance without any, there is nothing left to review (done)."""
    from apps.projects.annex_a import StepReading
    from apps.projects.enums import TaskStatus

    reading = _loop_reading(project, today, sources=["acceptance"])
    if reading.status == TaskStatus.ONGOING and project.accepted_on is not None:
        return StepReading(TaskStatus.DONE, _("Acceptance passed without rectification"), _project_url(project))
    return reading


def read_major_issue(project: Project, today: dt.date):
    """重大问题: incidents and suspensions, and what was reported to the regulator."""
    from apps.projects.annex_a import StepReading
    from apps.projects.enums import TaskStatus

    incidents = project.incidents.all()
    open_incidents = incidents.exclude(state=IncidentState.CLOSED).count()
    suspended = project.suspensions.filter(resumed_at__isnull=True).exists()
    reports = project.regulator_reports.count()
    evidence = _("%(i)d incidents (%(o)d open), %(s)d suspensions, %(r)d reports to the regulator") % {
        "i": incidents.count(), "o": open_incidents, "s": project.suspensions.count(), "r": reports}
    if suspended or open_incidents:
        return StepReading(TaskStatus.DUE, evidence, _project_url(project))
    if incidents.exists() or reports:
        return StepReading(TaskStatus.DONE, evidence, _project_url(project))
    return StepReading(TaskStatus.ONGOING, _("No major problem so far"), _project_url(project))


# ---------------------------------------------------------------- the warranty (§6.5.3)

@dataclass(frozen=True)
class WarrantyPeriod:
    """The project's warranty: from the acceptance date for the contract's ``warranty_months``.

    Its end is the project's ``warranty_end`` deadline when there is one (created when the
    acceptance passed, ``apps.warranty``; the client lead may reschedule it), else computed from
    the contract. ``concluded``: that deadline is closed, i.e. the client concluded its warranty
    follow-up (质保期满确认): no new warranty problem is reported after it."""

    start: dt.date
    end: dt.date
    concluded: bool = False

    def days_left(self, today: dt.date | None = None) -> int:
        return max((self.end - (today or timezone.localdate())).days, 0)

    def contains(self, day: dt.date) -> bool:
        return self.start <= day <= self.end


def warranty_end_deadline(project: Project):
    """The project's ``warranty_end`` deadline (the latest), or None."""
    from django.contrib.contenttypes.models import ContentType

    from apps.deadlines.enums import DeadlineKind
    from apps.deadlines.models import Deadline

    return (Deadline.objects.filter(project=project, kind=DeadlineKind.WARRANTY_END, object_id=project.pk,
                                    content_type=ContentType.objects.get_for_model(Project))
            .order_by("-pk").first())


def warranty_period(project: Project) -> WarrantyPeriod | None:
    """The project's warranty period, or None before its acceptance is recorded."""
    from apps.deadlines.enums import DeadlineState
    from apps.deadlines.services import add_months

    if project.accepted_on is None:
        return None
    deadline = warranty_end_deadline(project)
    if deadline is not None:
        return WarrantyPeriod(start=project.accepted_on, end=deadline.due_date,
                              concluded=deadline.state != DeadlineState.OPEN)
    return WarrantyPeriod(start=project.accepted_on, end=add_months(project.accepted_on, project.warranty_months))


def warranty_tickets(project: Project) -> QuerySet[RectificationTicket]:
    return tickets_of(project).filter(source=TicketSource.WARRANTY).select_related("closed_by")


def is_response_overdue(ticket: RectificationTicket, today: dt.date | None = None) -> bool:
    """A warranty problem the contractor has not responded to by its response deadline."""
    today = today or timezone.localdate()
    return ticket.awaits_response and ticket.response_due is not None and ticket.response_due < today


def response_hours(ticket: RectificationTicket) -> float | None:
    """Hours from the report to the contractor's response (None: not responded)."""
    if ticket.responded_at is None or ticket.raised_at is None:
        return None
    return round((ticket.responded_at - ticket.raised_at).total_seconds() / 3600, 1)
