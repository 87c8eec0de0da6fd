"""The rectification loop (§4.4, Annex D): raising a notice, the contractor's answer or refusal,
the client's review, closure, withdrawal and reopening; complaints; the tickets other modules'
findings raise by themselves.

::

    raise (client) ──► OPEN ──submit (contractor)──► SUBMITTED ──review passed──► REVIEWED
                        ▲ │                                │                       │ both parties sign
                        │ └─refuse──► REFUSED ─submit──┐    │ review failed         ▼
                        │                              │    │ (counted, new        CLOSED (销号归档)
                        └───────────────────────────────────┘  deadline)

A ticket still OPEN, REFUSED or SUBMITTED may be withdrawn (CANCELLED) by the client lead with a
reason; a REVIEWED one may be sent back for a new review (reopened).
"""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.core.errors import DomainError
from apps.core.history import history_context
from apps.core.locking import lock
from apps.core.notify import notify
from apps.core.permissions import require
from apps.core.text import clean_line, clean_text
from apps.core.validation import full_clean_or_error
from apps.projects.enums import Phase
from apps.projects.models import Project

from .. import selectors
from ..enums import CONTRACTOR_TURN, Severity, TicketSource, TicketState
from ..models import TEXT_MAX, TITLE_MAX, Complaint, RectificationTicket, TicketReview
from .common import (
    KIND,
    add_evidence,
    check_choice,
    check_due,
    check_state,
    client_people,
    close_deadlines,
    contractor_people,
    lock_ticket,
    open_deadline,
    parse_date,
    save_ticket,
    waive_deadlines,
)

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


def _clean_notice(project: Project, *, source, severity, found_on, title, description, requirement, due_date,
                  responsible_unit, note) -> dict:
    """The notice's fields, cleaned (or refused naming the field)."""
    today = timezone.localdate()
    source = check_choice(source, TicketSource, field="source", label=_("The source of the problem"))
    severity = check_choice(severity, Severity, field="severity", label=_("The severity"))
    found_on = parse_date(found_on, field="found_on", label=_("The date found"))
    if found_on > today:
        raise DomainError(_("The date found cannot be in the future."), field="found_on")
    return {
        "source": source, "severity": severity, "found_on": found_on,
        "title": clean_line(title, field="title", label=_("The problem in brief"), max_length=TITLE_MAX),
        "description": clean_text(description, field="description", label=_("The description of the problem"),
                                  max_length=3 * TEXT_MAX),
        "requirement": clean_text(requirement, field="requirement", label=_("The rectification requirement"),
                                  max_length=TEXT_MAX),
        "due_date": check_due(due_date, today=today, found_on=found_on),
        "responsible_unit": clean_line(responsible_unit or project.contractor.name, field="responsible_unit",
                                       label=_("The responsible unit"), max_length=TITLE_MAX),
        "note": clean_line(note, field="note", label=_("The remarks"), required=False, max_length=500),
    }


def _create_ticket(*, project: Project, user, source: str, found_on, title, description, requirement, due_date,
                   severity: str, responsible_unit: str = "", note: str = "", source_record=None, source_label="",
                   batch=None, defects=(), items=(), auto: bool = False, with_deadline: bool = True,
                   response_due=None) -> RectificationTicket:
    fields = _clean_notice(project, source=source, severity=severity, found_on=found_on, title=title,
                           description=description, requirement=requirement, due_date=due_date,
                           responsible_unit=responsible_unit, note=note)
    defects, items = _check_links(project, batch=batch, defects=defects, items=items)
    source_type = ContentType.objects.get_for_model(source_record) if source_record is not None else None
    if source_record is not None and getattr(source_record, "project_id", project.pk) != project.pk:
        raise DomainError(_("The record the problem was found in belongs to another project."), field="source")

    locked_project = lock(Project, pk=project.pk)
    if locked_project.phase == Phase.CLOSED:
        raise DomainError(_("The project is closed."), code="illegal_transition")
    number = (locked_project.rectification_tickets.aggregate(m=Max("number"))["m"] or 0) + 1
    ticket = RectificationTicket(
        project=locked_project, number=number, raised_by=user, batch=batch, auto_raised=auto,
        source_type=source_type, source_id=source_record.pk if source_record is not None else None,
        source_label=(source_label or (str(source_record) if source_record is not None else ""))[:TITLE_MAX],
        response_due=response_due, **fields)
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
        open_deadline(ticket, user)
    if response_due is not None:  # §6.5.3: a warranty problem is first responded to
        title = (_("Warranty problem No. %(n)d: %(title)s — respond by %(respond)s, fix by %(due)s (%(project)s)")
                 % {"n": ticket.number, "title": ticket.title[:80], "respond": response_due, "due": ticket.due_date,
                    "project": project.name})
    else:
        title = (_("Rectification notice No. %(n)d: %(title)s — rectify by %(due)s (%(project)s)")
                 % {"n": ticket.number, "title": ticket.title[:80], "due": ticket.due_date, "project": project.name})
    notify(recipients=contractor_people(locked_project), key=f"rectification:{ticket.pk}:raised", title=title,
           body=ticket.requirement[:500], link=ticket.get_absolute_url(), project=locked_project, kind=KIND)
    return ticket


def ticket_raise(*, project: Project, user, source: str, found_on, title: str, description: str, requirement: str,
                 due_date, severity: str = Severity.GENERAL, responsible_unit: str = "", note: str = "",
                 source_record=None, batch=None, defects=(), items=(), files=()) -> RectificationTicket:
    """整改通知 (§5.2.3 质量问题处置): the client issues a written notice for a problem found, with
    the requirement and the deadline. ``source_record`` is the patrol, key-node check, ledger row
    or other record the problem was found in, when there is one."""
    require("rectification.may_raise_ticket", user, project)
    if source == TicketSource.WARRANTY:
        # Its deadlines come from the contract and it may be reported only in the warranty period.
        raise DomainError(_("A problem in the warranty is reported as a warranty problem (质保跟踪): its response "
                            "and fix deadlines come from the contract's terms."), field="source")
    with transaction.atomic(), history_context(user=user, reason=_("Rectification notice issued")):
        ticket = _create_ticket(project=project, user=user, source=source, found_on=found_on, title=title,
                                description=description, requirement=requirement, due_date=due_date,
                                severity=severity, responsible_unit=responsible_unit, note=note,
                                source_record=source_record, batch=batch, defects=defects, items=items)
        add_evidence(ticket, project, user, files)
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


def complaint_register(*, project: Project, user, complainant: str, received_on, content: str, requirement: str,
                       due_date, severity: str = Severity.GENERAL, channel: str = "", title: str = "",
                       files=()) -> tuple[Complaint, RectificationTicket]:
    """A complaint received about the service is registered and raises a ticket (source 投诉)."""
    require("rectification.may_register_complaint", user, project)
    complainant = clean_line(complainant, field="complainant", label=_("The complainant"), max_length=TITLE_MAX)
    received_on = parse_date(received_on, field="received_on", label=_("The date received"))
    if received_on > timezone.localdate():
        raise DomainError(_("The date received cannot be in the future."), field="received_on")
    content = clean_text(content, field="content", label=_("The content of the complaint"), max_length=3 * TEXT_MAX)
    channel = clean_line(channel, field="channel", label=_("How it was received"), required=False, max_length=100)
    with transaction.atomic(), history_context(user=user, reason=_("Complaint registered")):
        complaint = Complaint.objects.create(project=project, complainant=complainant, received_on=received_on,
                                             channel=channel, content=content, registered_by=user)
        ticket = _create_ticket(
            project=project, user=user, source=TicketSource.COMPLAINT, found_on=received_on,
            title=(title or _("Complaint of %(who)s") % {"who": complainant})[:TITLE_MAX], description=content,
            requirement=requirement, due_date=due_date, severity=severity, source_record=complaint, auto=True)
        add_evidence(ticket, project, user, files)
    return complaint, ticket


# ---------------------------------------------------------------- the contractor's answer

def ticket_submit(*, ticket: RectificationTicket, user, measures: str, result: str, files=(),
                  expected_version: int | None = None) -> RectificationTicket:
    """整改实施 (§6.4.1): the contractor reports its measures, the result and the evidence."""
    require("rectification.may_answer_ticket", user, ticket)
    measures = clean_text(measures, field="measures", label=_("The rectification measures"), max_length=TEXT_MAX)
    result = clean_text(result, field="result", label=_("The rectification result"), max_length=TEXT_MAX)
    with transaction.atomic(), history_context(user=user):
        locked = lock_ticket(ticket, expected_version=expected_version)
        check_state(locked, CONTRACTOR_TURN)
        if locked.awaits_response:
            raise DomainError(_("Respond to this warranty problem first, with the planned measures."),
                              code="illegal_transition")
        add_evidence(locked, locked.project, user, files)
        locked.measures, locked.result = measures, result
        locked.submitted_by, locked.submitted_at = user, timezone.now()
        locked.state = TicketState.SUBMITTED
        save_ticket(locked, reason=_("Rectification submitted for review"),
                    fields=["measures", "result", "submitted_by", "submitted_at", "state"])
        close_deadlines(locked, user)
        notify(recipients=client_people(locked.project), key=f"rectification:{locked.pk}:submitted:{locked.version}",
               title=_("Ticket No. %(n)d rectified: please review (%(project)s)")
               % {"n": locked.number, "project": locked.project.name},
               link=locked.get_absolute_url(), project=locked.project, kind=KIND)
    return locked


def ticket_refuse(*, ticket: RectificationTicket, user, reason: str, expected_version: int | None = None
                  ) -> RectificationTicket:
    """The contractor's project manager refuses the rectification, in writing, with a reason:
    the client may then suspend the project (§5.2.3 拒不整改)."""
    require("rectification.may_refuse_ticket", user, ticket)
    reason = clean_text(reason, field="reason", label=_("The reason for refusing"), max_length=TEXT_MAX)
    with transaction.atomic(), history_context(user=user):
        locked = lock_ticket(ticket, expected_version=expected_version)
        check_state(locked, [TicketState.OPEN])
        locked.state = TicketState.REFUSED
        locked.refusal_reason, locked.refused_at = reason, timezone.now()
        save_ticket(locked, reason=_("Rectification refused: %(r)s") % {"r": reason[:200]},
                    fields=["state", "refusal_reason", "refused_at"])
        notify(recipients=client_people(locked.project), key=f"rectification:{locked.pk}:refused:{locked.version}",
               title=_("The contractor refuses to rectify ticket No. %(n)d (%(project)s)")
               % {"n": locked.number, "project": locked.project.name},
               body=reason[:500], link=locked.get_absolute_url(), project=locked.project, kind=KIND)
    return locked


def ticket_withdraw_refusal(*, ticket: RectificationTicket, user, expected_version: int | None = None
                            ) -> RectificationTicket:
    """The contractor takes its refusal back: the notice stands as before (the refusal stays in the
    history)."""
    require("rectification.may_withdraw_refusal", user, ticket)
    with transaction.atomic(), history_context(user=user):
        locked = lock_ticket(ticket, expected_version=expected_version)
        check_state(locked, [TicketState.REFUSED])
        locked.state = TicketState.OPEN
        save_ticket(locked, reason=_("Refusal withdrawn; rectification accepted"), fields=["state"])
        notify(recipients=client_people(locked.project), key=f"rectification:{locked.pk}:accepted:{locked.version}",
               title=_("The contractor withdrew its refusal of ticket No. %(n)d (%(project)s)")
               % {"n": locked.number, "project": locked.project.name},
               link=locked.get_absolute_url(), project=locked.project, kind=KIND)
    return locked


# ---------------------------------------------------------------- the client's review and closure

def _review_opinion(*, passed, opinion, new_due_date) -> tuple[str, object]:
    if not isinstance(passed, bool):
        raise DomainError(_("Say whether the rectification passed the review."), field="passed")
    opinion = clean_text(opinion, field="opinion", label=_("The review opinion"), max_length=TEXT_MAX)
    if passed:
        return opinion, None
    if new_due_date in (None, ""):
        raise DomainError(_("Set a new rectification deadline."), field="new_due_date")
    return opinion, check_due(new_due_date, today=timezone.localdate(), field="new_due_date")


def _tell_review(ticket: RectificationTicket, user, *, passed: bool, opinion: str) -> None:
    """After a review: the contractor signs or rectifies again (with a new deadline); a failure
    beyond the contract's limit tells the client lead at once."""
    project = ticket.project
    if passed:
        notify(recipients=contractor_people(project), key=f"rectification:{ticket.pk}:passed",
               title=_("Ticket No. %(n)d passed review: please sign it (%(project)s)")
               % {"n": ticket.number, "project": project.name},
               link=ticket.get_absolute_url(), project=project, kind=KIND)
        return
    open_deadline(ticket, user)
    notify(recipients=contractor_people(project), key=f"rectification:{ticket.pk}:failed:{ticket.failed_reviews}",
           title=_("Ticket No. %(n)d failed review: rectify again by %(due)s (%(project)s)")
           % {"n": ticket.number, "due": ticket.due_date, "project": project.name},
           body=opinion[:500], link=ticket.get_absolute_url(), project=project, kind=KIND)
    limit = selectors.settings_of(project).review_limit
    if ticket.failed_reviews > limit:
        notify(recipients=client_people(project, lead_only=True),
               key=f"rectification:{ticket.pk}:beyond_limit:{ticket.failed_reviews}",
               title=_("Ticket No. %(n)d failed review %(f)d times, beyond the contract's limit of "
                       "%(l)d: the project may be suspended (%(project)s)")
               % {"n": ticket.number, "f": ticket.failed_reviews, "l": limit, "project": project.name},
               link=ticket.get_absolute_url(), project=project, kind=KIND)


def ticket_review(*, ticket: RectificationTicket, user, passed, opinion: str, new_due_date=None,
                  expected_version: int | None = None) -> RectificationTicket:
    """复核验收: passed → awaiting both parties' signatures, then closure; failed → back to the
    contractor with the reason and a new deadline, the failure counted."""
    require("rectification.may_review_ticket", user, ticket)
    opinion, new_due_date = _review_opinion(passed=passed, opinion=opinion, new_due_date=new_due_date)
    with transaction.atomic(), history_context(user=user):
        locked = lock_ticket(ticket, expected_version=expected_version)
        check_state(locked, [TicketState.SUBMITTED])
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
        save_ticket(locked, reason=reason, fields=fields)
        _tell_review(locked, user, passed=passed, opinion=opinion)
    return locked


def _check_signed(ticket: RectificationTicket) -> None:
    """Both parties signed the ticket, and every signature still holds."""
    from apps.accounts.enums import Party

    parties = selectors.signature_parties(ticket)
    missing = [str(label) for party, label in ((Party.CLIENT, _("the client")),
                                               (Party.CONTRACTOR, _("the contractor"))) if not parties[party]]
    if missing:
        raise DomainError(_("The ticket can be closed only when both parties have signed it. Missing: %(m)s.")
                          % {"m": "、".join(missing)}, code="illegal_transition")
    if not parties["all_valid"]:
        raise DomainError(_("A signature of this ticket is broken: the ticket changed after signing."),
                          code="illegal_transition")


def ticket_close(*, ticket: RectificationTicket, user, expected_version: int | None = None) -> RectificationTicket:
    """销号归档: the client lead closes the reviewed ticket once both parties have signed it
    (every signature still valid)."""
    require("rectification.may_close_ticket", user, ticket)
    with transaction.atomic(), history_context(user=user):
        locked = lock_ticket(ticket, expected_version=expected_version)
        check_state(locked, [TicketState.REVIEWED])
        _check_signed(locked)
        locked.state = TicketState.CLOSED
        locked.closed_by, locked.closed_at = user, timezone.now()
        save_ticket(locked, reason=_("Ticket closed and archived (销号归档)"), fields=["state", "closed_by", "closed_at"])
        notify(recipients=contractor_people(locked.project), key=f"rectification:{locked.pk}:closed",
               title=_("Ticket No. %(n)d closed (%(project)s)") % {"n": locked.number,
                                                                   "project": locked.project.name},
               link=locked.get_absolute_url(), project=locked.project, kind=KIND)
    return locked


def ticket_cancel(*, ticket: RectificationTicket, user, reason: str, expected_version: int | None = None
                  ) -> RectificationTicket:
    """The client lead withdraws a notice issued in error, with a reason (kept in the history)."""
    require("rectification.may_cancel_ticket", user, ticket)
    reason = clean_text(reason, field="reason", label=_("The reason for withdrawing"), max_length=TEXT_MAX)
    with transaction.atomic(), history_context(user=user):
        locked = lock_ticket(ticket, expected_version=expected_version)
        check_state(locked, [TicketState.OPEN, TicketState.REFUSED, TicketState.SUBMITTED])
        locked.state = TicketState.CANCELLED
        locked.cancel_reason = reason
        save_ticket(locked, reason=_("Notice withdrawn: %(r)s") % {"r": reason[:200]},
                    fields=["state", "cancel_reason"])
        waive_deadlines(locked, user, reason)
        notify(recipients=contractor_people(locked.project), key=f"rectification:{locked.pk}:withdrawn",
               title=_("Ticket No. %(n)d withdrawn by the client (%(project)s)")
               % {"n": locked.number, "project": locked.project.name},
               body=reason[:500], link=locked.get_absolute_url(), project=locked.project, kind=KIND)
    return locked


def ticket_reopen(*, ticket: RectificationTicket, user, reason: str, expected_version: int | None = None
                  ) -> RectificationTicket:
    """The client lead sends a reviewed ticket back for a new review, with a reason: when a party
    cannot sign it or a signature broke, the ticket does not stay stuck short of closure. The
    signatures given so far stay in the record; the new review needs new ones."""
    require("rectification.may_reopen_ticket", user, ticket)
    reason = clean_text(reason, field="reason", label=_("The reason for reopening"), max_length=TEXT_MAX)
    with transaction.atomic(), history_context(user=user):
        locked = lock_ticket(ticket, expected_version=expected_version)
        check_state(locked, [TicketState.REVIEWED])
        locked.state = TicketState.SUBMITTED
        save_ticket(locked, reason=_("Reopened for a new review: %(r)s") % {"r": reason[:200]}, fields=["state"])
        notify(recipients=contractor_people(locked.project) + client_people(locked.project),
               key=f"rectification:{locked.pk}:reopened:{locked.version}",
               title=_("Ticket No. %(n)d reopened for a new review (%(project)s)")
               % {"n": locked.number, "project": locked.project.name},
               body=reason[:500], link=locked.get_absolute_url(), project=locked.project, kind=KIND)
    return locked


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
