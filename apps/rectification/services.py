"""Writes of problem handling. Each service checks the person, then the state, saves with a
history reason and tells the people concerned.

The rectification loop (§4.4, Annex D)::

    raise (client) ──► OPEN ──submit (contractor)──► SUBMITTED ──review passed──► REVIEWED
                        ▲ │                                │                       │ both parties sign
                        │ └─refuse──► REFUSED ─submit──┐    │ review failed         ▼
                        │                              │    │ (counted, new        CLOSED (销号归档)
                        └───────────────────────────────────┘  deadline)

A ticket still OPEN, REFUSED or SUBMITTED may be withdrawn (CANCELLED) by the client lead with a
reason. A refused ticket, one failed more often than the contract allows and an overdue one are
grounds for suspending the project (§5.2.3), as is an open incident (§6.3.3); resuming requires
the causes of the suspension to be closed.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable

import rules
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.enums import ProjectRole
from apps.accounts.models import Jurisdiction
from apps.core.errors import DomainError, PermissionDenied
from apps.core.history import history_context, save_with_history
from apps.core.text import clean_text
from apps.core.validation import full_clean_or_error
from apps.projects import hooks
from apps.projects.enums import Phase
from apps.projects.models import Project, ProjectMember

from . import selectors
from .enums import (ACTIVE_STATES, CONTRACTOR_TURN, Ground, IncidentCategory, IncidentState, ReportKind, Severity,
                    TicketSource, TicketState)
from .models import (TEXT_MAX, TITLE_MAX, Complaint, Incident, ProblemSettings, RectificationTicket,
                     RegulatorReport, Suspension, TicketReview)

logger = logging.getLogger(__name__)

DEADLINE_KIND = "rectification"
MAX_DEADLINE_DAYS = 365


# ---------------------------------------------------------------- helpers

def _require(rule: str, user, obj, message: str) -> None:
    if not rules.test_rule(rule, user, obj):
        raise PermissionDenied(message)


def _text(value, *, field: str, label: str, required: bool = True, max_length: int = TEXT_MAX) -> str:
    return clean_text(value, field=field, label=label, required=required, max_length=max_length)


def _date(value, *, field: str, label: str) -> dt.date:
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value.strip())
        except ValueError:
            raise DomainError(_("%(label)s is not a valid date (YYYY-MM-DD).") % {"label": label}, field=field) \
                from None
    if not isinstance(value, dt.date):
        raise DomainError(_("%(label)s is required.") % {"label": label}, field=field)
    return value


def _choice(value, choices, *, field: str, label: str) -> str:
    if value not in choices.values:
        raise DomainError(_("%(label)s: choose one of the listed values.") % {"label": label}, field=field)
    return value


def _members(project: Project, roles: Iterable[str], org_id: int) -> list:
    rows = (ProjectMember.objects.filter(project=project, is_active=True, role__in=list(roles), user__is_active=True,
                                         user__organization_id=org_id).select_related("user"))
    return list({m.user_id: m.user for m in rows}.values())


def client_people(project: Project, lead_only: bool = False) -> list:
    roles = [ProjectRole.CLIENT_LEAD] if lead_only else [ProjectRole.CLIENT_LEAD, ProjectRole.CLIENT_INSPECTOR]
    return _members(project, roles, project.client_id)


def contractor_people(project: Project) -> list:
    return _members(project, [ProjectRole.CONTRACTOR_PM, ProjectRole.CONTRACTOR_INSPECTOR], project.contractor_id)


def regulator_people(project: Project) -> list:
    regulators = Jurisdiction.objects.filter(client_id=project.client_id).values("regulator_id")
    return list(get_user_model().objects.filter(organization_id__in=regulators, is_active=True,
                                                organization__is_active=True))


def _notify(recipients: list, *, key: str, title: str, link: str, project: Project, body: str = "") -> None:
    from apps.notifications.services import notify

    if recipients:
        notify(recipients=recipients, key=key, title=title, body=body, link=link, project=project,
               kind="rectification")


def _lock(ticket: RectificationTicket, *, version: int | None = None) -> RectificationTicket:
    locked = (RectificationTicket.objects.select_for_update().select_related("project", "project__contractor")
              .get(pk=ticket.pk))
    if version is not None and locked.version != version:
        raise DomainError(_("Someone else changed this ticket after you opened it. Reload the page and try again."),
                          code="stale")
    return locked


def _in_state(ticket: RectificationTicket, states: Iterable[str]) -> None:
    if ticket.state not in set(states):
        raise DomainError(_("This ticket is %(state)s; that step is not possible now.")
                          % {"state": ticket.get_state_display()}, code="illegal_transition")


def _save(ticket: RectificationTicket, *, reason: str, fields: list[str]) -> None:
    ticket.version += 1
    save_with_history(ticket, reason=reason, update_fields=[*fields, "version", "updated_at"])


def _files(record, project: Project, user, files) -> None:
    from apps.attachments.services import attachment_add

    for uploaded in files or ():
        attachment_add(record=record, project=project, user=user, uploaded_file=uploaded, kind="evidence")


def _check_due(due_date, *, today: dt.date, found_on: dt.date | None = None, field: str = "due_date") -> dt.date:
    due_date = _date(due_date, field=field, label=_("The rectification deadline"))
    if due_date < today:
        raise DomainError(_("The rectification deadline cannot be in the past."), field=field)
    if due_date > today + dt.timedelta(days=MAX_DEADLINE_DAYS):
        raise DomainError(_("The rectification deadline must be within %(n)d days.") % {"n": MAX_DEADLINE_DAYS},
                          field=field)
    if found_on is not None and due_date < found_on:
        raise DomainError(_("The rectification deadline cannot be before the date the problem was found."),
                          field=field)
    return due_date


def _open_deadline(ticket: RectificationTicket, user) -> None:
    """The ticket's deadline in the shared mechanism (reminders, escalation to the client lead and,
    for fatal problems, to the regulator)."""
    from apps.deadlines.services import deadline_create

    today = timezone.localdate()
    base = min(today, ticket.due_date)
    pm = _members(ticket.project, [ProjectRole.CONTRACTOR_PM], ticket.project.contractor_id)
    deadline_create(record=ticket, project=ticket.project, kind=DEADLINE_KIND,
                    title=_("Rectification ticket No. %(n)d: %(title)s") % {"n": ticket.number,
                                                                           "title": ticket.title[:120]},
                    base_date=base, amount=(ticket.due_date - base).days, counting="calendar_days",
                    responsible_org=ticket.project.contractor, responsible_user=pm[0] if pm else None,
                    escalate_to_regulator=ticket.severity == Severity.FATAL, user=user)


def _close_deadlines(ticket: RectificationTicket, user) -> None:
    from apps.deadlines.services import deadlines_close_for_record

    deadlines_close_for_record(record=ticket, user=user, kinds=[DEADLINE_KIND])


# ---------------------------------------------------------------- settings

def settings_update(*, project: Project, user, review_limit, default_days, version: int | None = None
                    ) -> ProblemSettings:
    _require("rectification.can_manage_problems", user, project,
             _("Only the client project lead can change the contract's terms for rectification."))
    with transaction.atomic(), history_context(user=user):
        Project.objects.select_for_update().get(pk=project.pk)
        current = ProblemSettings.objects.filter(project=project).first() or ProblemSettings(project=project)
        if version is not None and current.pk and current.version != int(version):
            raise DomainError(_("Someone else changed these settings after you opened them. Reload the page."),
                              code="stale")
        try:
            current.review_limit = int(review_limit)
            current.default_days = int(default_days)
        except (TypeError, ValueError):
            raise DomainError(_("Give whole numbers."), field="review_limit") from None
        full_clean_or_error(current, exclude=["project"], set_field=True)
        if current.pk:
            current.version += 1
        save_with_history(current, reason=_("Rectification terms changed"))
    return current


# ---------------------------------------------------------------- raising tickets

def _check_links(project: Project, *, batch, defects, items) -> tuple:
    from apps.batches.models import BatchItem
    from apps.lot_inspection.models import ItemDefect

    if batch is not None and batch.project_id != project.pk:
        raise DomainError(_("The batch belongs to another project."), field="batch")
    defects = list(defects or ())
    items = list(items or ())
    if defects and ItemDefect.objects.filter(pk__in=[d.pk for d in defects]).exclude(
            sampled_item__inspection__project=project).exists():
        raise DomainError(_("A defect belongs to another project."), field="defects")
    if items and BatchItem.objects.filter(pk__in=[i.pk for i in items]).exclude(batch__project=project).exists():
        raise DomainError(_("An item belongs to another project."), field="items")
    return defects, items


def _create_ticket(*, project: Project, user, source: str, found_on, title, description, requirement, due_date,
                   severity: str, responsible_unit: str = "", note: str = "", source_record=None, source_label="",
                   batch=None, defects=(), items=(), auto: bool = False, with_deadline: bool = True
                   ) -> RectificationTicket:
    today = timezone.localdate()
    source = _choice(source, TicketSource, field="source", label=_("The source of the problem"))
    severity = _choice(severity, Severity, field="severity", label=_("The severity"))
    found_on = _date(found_on, field="found_on", label=_("The date found"))
    if found_on > today:
        raise DomainError(_("The date found cannot be in the future."), field="found_on")
    title = _text(title, field="title", label=_("The problem in brief"), max_length=TITLE_MAX)
    description = _text(description, field="description", label=_("The description of the problem"),
                        max_length=3 * TEXT_MAX)
    requirement = _text(requirement, field="requirement", label=_("The rectification requirement"))
    due_date = _check_due(due_date, today=today, found_on=found_on)
    responsible_unit = _text(responsible_unit or project.contractor.name, field="responsible_unit",
                             label=_("The responsible unit"), max_length=TITLE_MAX)
    note = _text(note, field="note", label=_("The remarks"), required=False, max_length=500)
    defects, items = _check_links(project, batch=batch, defects=defects, items=items)
    source_type = ContentType.objects.get_for_model(source_record) if source_record is not None else None
    if source_record is not None and getattr(source_record, "project_id", project.pk) != project.pk:
        raise DomainError(_("The record the problem was found in belongs to another project."), field="source")

    locked_project = Project.objects.select_for_update().get(pk=project.pk)
    if locked_project.phase == Phase.CLOSED:
        raise DomainError(_("The project is closed."), code="illegal_transition")
    number = (locked_project.rectification_tickets.aggregate(m=Max("number"))["m"] or 0) + 1
    ticket = RectificationTicket(
        project=locked_project, number=number, source=source, found_on=found_on, title=title,
        description=description, severity=severity, requirement=requirement, due_date=due_date,
        responsible_unit=responsible_unit, note=note, raised_by=user, batch=batch, auto_raised=auto,
        source_type=source_type, source_id=source_record.pk if source_record is not None else None,
        source_label=(source_label or (str(source_record) if source_record is not None else ""))[:TITLE_MAX])
    full_clean_or_error(ticket, exclude=["raised_by", "project", "batch", "source_type"], validate_constraints=False)
    try:
        with transaction.atomic():
            ticket.save()
    except IntegrityError:
        raise DomainError(_("A ticket has already been raised for this record."), code="duplicate") from None
    if defects:
        ticket.defects.set(defects)
    if items:
        ticket.items.set(items)
    if with_deadline:
        _open_deadline(ticket, user)
    _notify(contractor_people(locked_project), key=f"rectification:{ticket.pk}:raised",
            title=_("Rectification notice No. %(n)d: %(title)s — rectify by %(due)s (%(project)s)")
            % {"n": ticket.number, "title": ticket.title[:80], "due": ticket.due_date, "project": project.name},
            body=ticket.requirement[:500], link=ticket.get_absolute_url(), project=locked_project)
    return ticket


def ticket_raise(*, project: Project, user, source: str, found_on, title: str, description: str, requirement: str,
                 due_date, severity: str = Severity.GENERAL, responsible_unit: str = "", note: str = "",
                 source_record=None, batch=None, defects=(), items=(), files=()) -> RectificationTicket:
    """整改通知 (§5.2.3 质量问题处置): the client issues a written notice for a problem found, with
    the requirement and the deadline. ``source_record`` is the patrol, key-node check, ledger row
    or other record the problem was found in, when there is one."""
    _require("rectification.may_raise_ticket", user, project,
             _("Only the client's project lead or quality inspector can issue a rectification notice."))
    with transaction.atomic(), history_context(user=user, reason=_("Rectification notice issued")):
        ticket = _create_ticket(project=project, user=user, source=source, found_on=found_on, title=title,
                                description=description, requirement=requirement, due_date=due_date,
                                severity=severity, responsible_unit=responsible_unit, note=note,
                                source_record=source_record, batch=batch, defects=defects, items=items)
        _files(ticket, project, user, files)
    return ticket


def ticket_auto_raise(*, project: Project, source: str, record, user, title: str, description: str,
                      requirement: str, severity: str = Severity.GENERAL, due_date=None, batch=None, defects=(),
                      items=(), deadline_elsewhere: bool = False) -> RectificationTicket | None:
    """The ticket a module's finding raises by itself (a not-accepted batch, a failed first
    article, a failed acceptance): once per record; the deadline is the contract's default
    period unless the finding set one. ``user`` is the person whose decision found the problem;
    ``deadline_elsewhere``: the finding's own record keeps the deadline and its reminders (the
    first article's work contact sheet), so the ticket opens none until a review fails."""
    source_type = ContentType.objects.get_for_model(record)
    existing = RectificationTicket.objects.filter(project=project, source_type=source_type, source_id=record.pk,
                                                  auto_raised=True).first()
    if existing is not None:
        return existing
    if due_date is None:
        from apps.core.calendar import add_working_days

        due_date = add_working_days(timezone.localdate(), selectors.settings_of(project).default_days)
    with transaction.atomic(), history_context(user=user, reason=_("Rectification notice issued automatically")):
        return _create_ticket(project=project, user=user, source=source, found_on=timezone.localdate(),
                              title=title, description=description, requirement=requirement, due_date=due_date,
                              severity=severity, source_record=record, batch=batch, defects=defects, items=items,
                              auto=True, with_deadline=not deadline_elsewhere)


# ---------------------------------------------------------------- the contractor's answer

def ticket_submit(*, ticket: RectificationTicket, user, measures: str, result: str, files=(),
                  version: int | None = None) -> RectificationTicket:
    """整改实施 (§6.4.1): the contractor reports its measures, the result and the evidence."""
    _require("rectification.may_answer_ticket", user, ticket,
             _("Only the contractor's project manager or special inspector can answer a rectification notice."))
    measures = _text(measures, field="measures", label=_("The rectification measures"))
    result = _text(result, field="result", label=_("The rectification result"))
    with transaction.atomic(), history_context(user=user):
        locked = _lock(ticket, version=version)
        _in_state(locked, CONTRACTOR_TURN)
        _files(locked, locked.project, user, files)
        locked.measures, locked.result = measures, result
        locked.submitted_by, locked.submitted_at = user, timezone.now()
        locked.state = TicketState.SUBMITTED
        _save(locked, reason=_("Rectification submitted for review"),
              fields=["measures", "result", "submitted_by", "submitted_at", "state"])
        _close_deadlines(locked, user)
        _notify(client_people(locked.project), key=f"rectification:{locked.pk}:submitted:{locked.version}",
                title=_("Ticket No. %(n)d rectified: please review (%(project)s)")
                % {"n": locked.number, "project": locked.project.name},
                link=locked.get_absolute_url(), project=locked.project)
    return locked


def ticket_refuse(*, ticket: RectificationTicket, user, reason: str, version: int | None = None
                  ) -> RectificationTicket:
    """The contractor's project manager refuses the rectification, in writing, with a reason:
    the client may then suspend the project (§5.2.3 拒不整改)."""
    _require("rectification.may_refuse_ticket", user, ticket, _("Only the contractor's project manager can refuse a notice."))
    reason = _text(reason, field="reason", label=_("The reason for refusing"))
    with transaction.atomic(), history_context(user=user):
        locked = _lock(ticket, version=version)
        _in_state(locked, [TicketState.OPEN])
        locked.state = TicketState.REFUSED
        locked.refusal_reason, locked.refused_at = reason, timezone.now()
        _save(locked, reason=_("Rectification refused: %(r)s") % {"r": reason[:200]},
              fields=["state", "refusal_reason", "refused_at"])
        _notify(client_people(locked.project), key=f"rectification:{locked.pk}:refused:{locked.version}",
                title=_("The contractor refuses to rectify ticket No. %(n)d (%(project)s)")
                % {"n": locked.number, "project": locked.project.name},
                body=reason[:500], link=locked.get_absolute_url(), project=locked.project)
    return locked


def ticket_withdraw_refusal(*, ticket: RectificationTicket, user) -> RectificationTicket:
    """The contractor takes its refusal back: the notice stands as before (the refusal stays in the
    history)."""
    _require("rectification.may_refuse_ticket", user, ticket, _("Only the contractor's project manager can do this."))
    with transaction.atomic(), history_context(user=user):
        locked = _lock(ticket)
        _in_state(locked, [TicketState.REFUSED])
        locked.state = TicketState.OPEN
        _save(locked, reason=_("Refusal withdrawn; rectification accepted"), fields=["state"])
        _notify(client_people(locked.project), key=f"rectification:{locked.pk}:accepted:{locked.version}",
                title=_("The contractor withdrew its refusal of ticket No. %(n)d (%(project)s)")
                % {"n": locked.number, "project": locked.project.name},
                link=locked.get_absolute_url(), project=locked.project)
    return locked


# ---------------------------------------------------------------- the client's review and closure

def ticket_review(*, ticket: RectificationTicket, user, passed, opinion: str, new_due_date=None,
                  version: int | None = None) -> RectificationTicket:
    """复核验收: passed → awaiting both parties' signatures, then closure; failed → back to the
    contractor with the reason and a new deadline, the failure counted."""
    _require("rectification.may_review_ticket", user, ticket,
             _("Only the client's project lead or quality inspector can review a rectification."))
    if not isinstance(passed, bool):
        raise DomainError(_("Say whether the rectification passed the review."), field="passed")
    opinion = _text(opinion, field="opinion", label=_("The review opinion"))
    today = timezone.localdate()
    if not passed:
        if new_due_date in (None, ""):
            raise DomainError(_("Set a new rectification deadline."), field="new_due_date")
        new_due_date = _check_due(new_due_date, today=today, field="new_due_date")
    else:
        new_due_date = None
    with transaction.atomic(), history_context(user=user):
        locked = _lock(ticket, version=version)
        _in_state(locked, [TicketState.SUBMITTED])
        round_no = locked.reviews.count() + 1
        TicketReview.objects.create(ticket=locked, round_no=round_no, passed=passed, opinion=opinion,
                                    measures=locked.measures, result=locked.result, new_due_date=new_due_date,
                                    reviewed_by=user)
        locked.review_opinion, locked.reviewed_by, locked.reviewed_at = opinion, user, timezone.now()
        fields = ["review_opinion", "reviewed_by", "reviewed_at", "state"]
        if passed:
            locked.state = TicketState.REVIEWED
            reason = _("Review passed; both parties sign the ticket")
        else:
            locked.state = TicketState.OPEN
            locked.failed_reviews += 1
            locked.due_date = max(new_due_date, locked.found_on)
            fields += ["failed_reviews", "due_date"]
            reason = _("Review failed (%(n)d): %(o)s") % {"n": locked.failed_reviews, "o": opinion[:200]}
        _save(locked, reason=reason, fields=fields)
        project = locked.project
        if passed:
            _notify(contractor_people(project), key=f"rectification:{locked.pk}:passed",
                    title=_("Ticket No. %(n)d passed review: please sign it (%(project)s)")
                    % {"n": locked.number, "project": project.name},
                    link=locked.get_absolute_url(), project=project)
        else:
            _open_deadline(locked, user)
            _notify(contractor_people(project), key=f"rectification:{locked.pk}:failed:{locked.failed_reviews}",
                    title=_("Ticket No. %(n)d failed review: rectify again by %(due)s (%(project)s)")
                    % {"n": locked.number, "due": locked.due_date, "project": project.name},
                    body=opinion[:500], link=locked.get_absolute_url(), project=project)
            limit = selectors.settings_of(project).review_limit
            if locked.failed_reviews > limit:
                _notify(client_people(project, lead_only=True),
                        key=f"rectification:{locked.pk}:beyond_limit:{locked.failed_reviews}",
                        title=_("Ticket No. %(n)d failed review %(f)d times, beyond the contract's limit of "
                                "%(l)d: the project may be suspended (%(project)s)")
                        % {"n": locked.number, "f": locked.failed_reviews, "l": limit, "project": project.name},
                        link=locked.get_absolute_url(), project=project)
    return locked


def ticket_close(*, ticket: RectificationTicket, user) -> RectificationTicket:
    """销号归档: the client lead closes the reviewed ticket once both parties have signed it
    (every signature still valid)."""
    from apps.accounts.enums import Party

    _require("rectification.may_close_ticket", user, ticket, _("Only the client project lead can close a ticket."))
    with transaction.atomic(), history_context(user=user):
        locked = _lock(ticket)
        _in_state(locked, [TicketState.REVIEWED])
        parties = selectors.signature_parties(locked)
        missing = [str(label) for party, label in ((Party.CLIENT, _("the client")),
                                                   (Party.CONTRACTOR, _("the contractor"))) if not parties[party]]
        if missing:
            raise DomainError(_("The ticket can be closed only when both parties have signed it. Missing: %(m)s.")
                              % {"m": "、".join(missing)}, code="illegal_transition")
        if not parties["all_valid"]:
            raise DomainError(_("A signature of this ticket is broken: the ticket changed after signing."),
                              code="illegal_transition")
        locked.state = TicketState.CLOSED
        locked.closed_by, locked.closed_at = user, timezone.now()
        _save(locked, reason=_("Ticket closed and archived (销号归档)"), fields=["state", "closed_by", "closed_at"])
        _notify(contractor_people(locked.project), key=f"rectification:{locked.pk}:closed",
                title=_("Ticket No. %(n)d closed (%(project)s)") % {"n": locked.number,
                                                                    "project": locked.project.name},
                link=locked.get_absolute_url(), project=locked.project)
    return locked


def ticket_cancel(*, ticket: RectificationTicket, user, reason: str) -> RectificationTicket:
    """The client lead withdraws a notice issued in error, with a reason (kept in the history)."""
    _require("rectification.may_cancel_ticket", user, ticket, _("Only the client project lead can withdraw a notice."))
    reason = _text(reason, field="reason", label=_("The reason for withdrawing"))
    with transaction.atomic(), history_context(user=user):
        locked = _lock(ticket)
        _in_state(locked, [TicketState.OPEN, TicketState.REFUSED, TicketState.SUBMITTED])
        locked.state = TicketState.CANCELLED
        locked.cancel_reason = reason
        _save(locked, reason=_("Notice withdrawn: %(r)s") % {"r": reason[:200]}, fields=["state", "cancel_reason"])
        from apps.deadlines.models import Deadline
        from apps.deadlines.services import deadline_waive

        for deadline in Deadline.objects.filter(content_type=ContentType.objects.get_for_model(locked),
                                                object_id=locked.pk, state="open"):
            deadline_waive(deadline=deadline, user=user, reason=reason)
        _notify(contractor_people(locked.project), key=f"rectification:{locked.pk}:withdrawn",
                title=_("Ticket No. %(n)d withdrawn by the client (%(project)s)")
                % {"n": locked.number, "project": locked.project.name},
                body=reason[:500], link=locked.get_absolute_url(), project=locked.project)
    return locked


def ticket_reopen(*, ticket: RectificationTicket, user, reason: str) -> RectificationTicket:
    """The client lead sends a reviewed ticket back for a new review, with a reason: when a party
    cannot sign it or a signature broke, the ticket does not stay stuck short of closure. The
    signatures given so far stay in the record; the new review needs new ones."""
    _require("rectification.may_cancel_ticket", user, ticket, _("Only the client project lead can reopen a ticket for review."))
    reason = _text(reason, field="reason", label=_("The reason for reopening"))
    with transaction.atomic(), history_context(user=user):
        locked = _lock(ticket)
        _in_state(locked, [TicketState.REVIEWED])
        locked.state = TicketState.SUBMITTED
        _save(locked, reason=_("Reopened for a new review: %(r)s") % {"r": reason[:200]}, fields=["state"])
        _notify(contractor_people(locked.project) + client_people(locked.project),
                key=f"rectification:{locked.pk}:reopened:{locked.version}",
                title=_("Ticket No. %(n)d reopened for a new review (%(project)s)")
                % {"n": locked.number, "project": locked.project.name},
                body=reason[:500], link=locked.get_absolute_url(), project=locked.project)
    return locked


# ---------------------------------------------------------------- complaints

def complaint_register(*, project: Project, user, complainant: str, received_on, content: str, requirement: str,
                       due_date, severity: str = Severity.GENERAL, channel: str = "", title: str = "",
                       files=()) -> tuple[Complaint, RectificationTicket]:
    """A complaint received about the service is registered and raises a ticket (source 投诉)."""
    _require("rectification.may_raise_ticket", user, project,
             _("Only the client's project lead or quality inspector can register a complaint."))
    complainant = _text(complainant, field="complainant", label=_("The complainant"), max_length=TITLE_MAX)
    received_on = _date(received_on, field="received_on", label=_("The date received"))
    if received_on > timezone.localdate():
        raise DomainError(_("The date received cannot be in the future."), field="received_on")
    content = _text(content, field="content", label=_("The content of the complaint"), max_length=3 * TEXT_MAX)
    channel = _text(channel, field="channel", label=_("How it was received"), required=False, max_length=100)
    with transaction.atomic(), history_context(user=user, reason=_("Complaint registered")):
        complaint = Complaint.objects.create(project=project, complainant=complainant, received_on=received_on,
                                             channel=channel, content=content, registered_by=user)
        ticket = _create_ticket(
            project=project, user=user, source=TicketSource.COMPLAINT, found_on=received_on,
            title=(title or _("Complaint of %(who)s") % {"who": complainant})[:TITLE_MAX], description=content,
            requirement=requirement, due_date=due_date, severity=severity, source_record=complaint, auto=True)
        _files(ticket, project, user, files)
    return complaint, ticket


# ---------------------------------------------------------------- incidents (§6.3.3)

def incident_report(*, project: Project, user, category: str, title: str, occurred_at, description: str,
                    scale: str, remedial_action: str, is_major: bool = False, files=()) -> Incident:
    """事故应急处置: the contractor reports at once what happened, when, its scale and the remedial
    action taken. The client is notified immediately; a major incident goes to the regulator; the
    risk register is asked for a re-assessment."""
    _require("rectification.may_report_incident", user, project,
             _("Only members of the contractor's project team can report an incident."))
    category = _choice(category, IncidentCategory, field="category", label=_("The kind of incident"))
    title = _text(title, field="title", label=_("The incident in brief"), max_length=TITLE_MAX)
    if isinstance(occurred_at, dt.date) and not isinstance(occurred_at, dt.datetime):
        occurred_at = dt.datetime.combine(occurred_at, dt.time(0, 0))
    if not isinstance(occurred_at, dt.datetime):
        raise DomainError(_("Give when the incident occurred."), field="occurred_at")
    if timezone.is_naive(occurred_at):
        occurred_at = timezone.make_aware(occurred_at)
    if occurred_at > timezone.now() + dt.timedelta(minutes=5):
        raise DomainError(_("The time of the incident cannot be in the future."), field="occurred_at")
    # An incident of this contract happens after it was signed (and never in a year the
    # database could store but not read back).
    if timezone.localtime(occurred_at).date() < project.contract_signed_on:
        raise DomainError(_("The time of the incident cannot be before the contract was signed (%(day)s).")
                          % {"day": project.contract_signed_on}, field="occurred_at")
    description = _text(description, field="description", label=_("What happened"), max_length=3 * TEXT_MAX)
    scale = _text(scale, field="scale", label=_("The scale and impact"))
    remedial_action = _text(remedial_action, field="remedial_action", label=_("The remedial action taken"))
    with transaction.atomic(), history_context(user=user, reason=_("Incident reported")):
        if Project.objects.select_for_update().get(pk=project.pk).phase == Phase.CLOSED:
            raise DomainError(_("The project is closed."), code="illegal_transition")
        incident = Incident.objects.create(
            project=project, category=category, title=title, occurred_at=occurred_at, description=description,
            scale=scale, remedial_action=remedial_action, is_major=bool(is_major), reported_by=user)
        _files(incident, project, user, files)
        _notify(client_people(project), key=f"incident:{incident.pk}:reported",
                title=_("Incident reported: %(title)s (%(project)s)") % {"title": title[:80], "project": project.name},
                body=description[:500], link=incident.get_absolute_url(), project=project)
        if incident.is_major:
            _report_major_incident(incident, user)
        _ask_risk_reassessment(incident)
    return incident


def _report_major_incident(incident: Incident, user) -> None:
    project = incident.project
    if RegulatorReport.objects.filter(incident=incident).exists():
        return
    report = RegulatorReport.objects.create(
        project=project, kind=ReportKind.INCIDENT, incident=incident, reported_by=user,
        summary=_("%(kind)s on %(when)s: %(title)s. Scale: %(scale)s. Remedial action: %(action)s") % {
            "kind": incident.get_category_display(), "when": timezone.localtime(incident.occurred_at)
            .strftime("%Y-%m-%d %H:%M"), "title": incident.title, "scale": incident.scale[:500],
            "action": incident.remedial_action[:500]})
    _notify(regulator_people(project), key=f"regreport:{report.pk}",
            title=_("Major incident reported on %(project)s: %(title)s") % {"project": project.name,
                                                                           "title": incident.title[:80]},
            link=incident.get_absolute_url(), project=project)


def _ask_risk_reassessment(incident: Incident) -> None:
    """§5.2.2: the risk level is re-assessed after a security or quality problem (project control
    opens the request through the hook)."""
    hooks.risk_reassessment_needed(project=incident.project, trigger="incident",
                              note=_("After the incident: %(title)s") % {"title": incident.title},
                              source_label=f"#{incident.pk} {incident}"[:TITLE_MAX],
                              source_url=incident.get_absolute_url())


def incident_acknowledge(*, incident: Incident, user, instructions: str, is_major: bool | None = None) -> Incident:
    """The client takes note and gives its instructions; it may judge the incident major (then it
    goes to the regulator)."""
    _require("rectification.may_handle_incident", user, incident,
             _("Only the client's project lead or quality inspector can handle an incident."))
    instructions = _text(instructions, field="client_instructions", label=_("The instructions"))
    with transaction.atomic(), history_context(user=user):
        locked = Incident.objects.select_for_update().select_related("project").get(pk=incident.pk)
        if locked.state != IncidentState.REPORTED:
            raise DomainError(_("This incident has already been acknowledged."), code="illegal_transition")
        locked.state = IncidentState.ACKNOWLEDGED
        locked.client_instructions = instructions
        locked.acknowledged_by, locked.acknowledged_at = user, timezone.now()
        became_major = bool(is_major) and not locked.is_major
        if became_major:
            locked.is_major = True
        save_with_history(locked, reason=_("Incident acknowledged by the client"))
        if locked.is_major:
            _report_major_incident(locked, user)
        _notify(contractor_people(locked.project), key=f"incident:{locked.pk}:acknowledged",
                title=_("The client's instructions on the incident: %(title)s") % {"title": locked.title[:80]},
                body=instructions[:500], link=locked.get_absolute_url(), project=locked.project)
    return locked


def incident_close(*, incident: Incident, user, closing_note: str) -> Incident:
    _require("rectification.may_handle_incident", user, incident,
             _("Only the client's project lead or quality inspector can close an incident."))
    closing_note = _text(closing_note, field="closing_note", label=_("How it was handled"))
    with transaction.atomic(), history_context(user=user):
        locked = Incident.objects.select_for_update().select_related("project").get(pk=incident.pk)
        if locked.state == IncidentState.CLOSED:
            raise DomainError(_("This incident is already closed."), code="illegal_transition")
        if locked.acknowledged_at is None:
            locked.acknowledged_by, locked.acknowledged_at = user, timezone.now()
        locked.state = IncidentState.CLOSED
        locked.closing_note = closing_note
        locked.closed_by, locked.closed_at = user, timezone.now()
        save_with_history(locked, reason=_("Incident handled and closed"))
    return locked


# ---------------------------------------------------------------- suspension (§5.2.3)

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
            report_suspension(suspension=suspension, user=user)
    return suspension


def report_suspension(*, suspension: Suspension, user) -> RegulatorReport:
    _require("rectification.may_manage_problems", user, suspension.project,
             _("Only the client project lead can report to the regulator."))
    with transaction.atomic(), history_context(user=user, reason=_("Reported to the regulator")):
        existing = RegulatorReport.objects.filter(suspension=suspension).first()
        if existing:
            return existing
        causes = [str(t) for t in suspension.tickets.all()] + [str(i) for i in suspension.incidents.all()]
        report = RegulatorReport.objects.create(
            project=suspension.project, kind=ReportKind.SUSPENSION, suspension=suspension, reported_by=user,
            summary=_("Project suspended on %(day)s. Grounds: %(grounds)s. Reason: %(reason)s. Causes: %(causes)s")
            % {"day": timezone.localdate(), "grounds": suspension.get_grounds_display(), "reason": suspension.reason,
               "causes": "、".join(causes) or "—"})
        _notify(regulator_people(suspension.project), key=f"regreport:{report.pk}",
                title=_("Project suspended and reported: %(project)s") % {"project": suspension.project.name},
                body=suspension.reason[:500], link=report.get_absolute_url(), project=suspension.project)
    return report


def report_ticket(*, ticket: RectificationTicket, user, summary: str) -> RegulatorReport:
    """The client lead reports a major quality problem to the regulator (必要时向监管机构报备)."""
    _require("rectification.may_manage_problems", user, ticket, _("Only the client project lead can report to the regulator."))
    summary = _text(summary, field="summary", label=_("The summary"), max_length=3 * TEXT_MAX)
    with transaction.atomic(), history_context(user=user, reason=_("Reported to the regulator")):
        if ticket.state == TicketState.CANCELLED:
            raise DomainError(_("A withdrawn notice is not reported to the regulator."), code="illegal_transition")
        if RegulatorReport.objects.filter(ticket=ticket).exists():
            raise DomainError(_("This ticket has already been reported to the regulator."), code="duplicate")
        report = RegulatorReport.objects.create(project=ticket.project, kind=ReportKind.TICKET, ticket=ticket,
                                                reported_by=user, summary=summary)
        _notify(regulator_people(ticket.project), key=f"regreport:{report.pk}",
                title=_("Major quality problem reported on %(project)s: %(title)s")
                % {"project": ticket.project.name, "title": ticket.title[:80]},
                link=ticket.get_absolute_url(), project=ticket.project)
    return report


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
        _notify(contractor_people(project) + _members(project, [ProjectRole.CONTRACTOR_OPERATOR,
                                                                ProjectRole.SECURITY_OFFICER],
                                                      project.contractor_id),
                key=f"suspension:{suspension.pk}",
                title=_("Project suspended by the client: %(project)s") % {"project": project.name},
                body=reason[:500], link=suspension.get_absolute_url(), project=project)

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
        _notify(contractor_people(project), key=f"suspension:{suspension.pk}:resumed",
                title=_("Project resumed: %(project)s") % {"project": project.name},
                body=reason[:500], link=project.get_absolute_url(), project=project)


# ---------------------------------------------------------------- findings of other modules

def on_problem_found(*, project, source: str, record, user, title: str, description: str, requirement: str,
                     severity: str = Severity.GENERAL, due_date=None, batch=None, defects=(), items=(),
                     deadline_elsewhere: bool = False) -> None:
    ticket_auto_raise(project=project, source=source, record=record, user=user, title=title,
                      description=description, requirement=requirement, severity=severity, due_date=due_date,
                      batch=batch, defects=defects, items=items, deadline_elsewhere=deadline_elsewhere)


def on_problem_answered(*, record, user, measures: str, result: str) -> None:
    """A module's own answer (the first article's 项目问题整改单) answers its ticket too."""
    ticket = RectificationTicket.objects.filter(source_type=ContentType.objects.get_for_model(record),
                                                source_id=record.pk, auto_raised=True,
                                                state__in=CONTRACTOR_TURN).first()
    if ticket is not None:
        ticket_submit(ticket=ticket, user=user, measures=measures, result=result)


__all__ = [
    "ACTIVE_STATES", "Ground", "complaint_register", "incident_acknowledge", "incident_close", "incident_report",
    "project_suspend", "report_suspension", "report_ticket", "settings_update", "ticket_auto_raise", "ticket_cancel",
    "ticket_close", "ticket_raise", "ticket_refuse", "ticket_reopen", "ticket_review", "ticket_submit", "ticket_withdraw_refusal",
]
