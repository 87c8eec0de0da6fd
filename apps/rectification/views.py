"""Thin views: scoped lookup, form, one service call, message, redirect."""

from __future__ import annotations

import logging
from urllib.parse import quote

import rules
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from apps.accounts.enums import OrgKind, Party
from apps.core.errors import DomainError, PermissionDenied
from apps.projects.selectors import project_for_user

from . import selectors, services
from .enums import ACTIVE_STATES, TicketSource, TicketState
from .forms import (AcknowledgeForm, AnswerForm, CloseIncidentForm, ComplaintForm, IncidentForm, ReasonForm,
                    ReportForm, ReviewForm, SettingsForm, SuspendForm, TicketForm)

logger = logging.getLogger(__name__)


def _deny_unless(rule: str, user, obj) -> None:
    if not rules.test_rule(rule, user, obj):
        raise DjangoPermissionDenied


def _apply(form, exc: DomainError) -> None:
    if isinstance(exc, PermissionDenied):
        raise DjangoPermissionDenied from None
    field = exc.field if exc.field in form.fields else None
    form.add_error(field, exc.message)


def _version(form):
    return form.cleaned_data.get("version") or None


# ---------------------------------------------------------------- work lists

@login_required
def worklist(request):
    """The person's problems view: the client's open tickets by age and severity, or what the
    contractor must answer and by when; the regulator's reported cases."""
    org = request.user.organization
    today = timezone.localdate()
    if org is not None and org.kind == OrgKind.REGULATOR:
        page = Paginator(selectors.reports_visible_to(request.user), 30).get_page(request.GET.get("page"))
        return render(request, "rectification/regulator.html", {"page": page})
    side, tickets = selectors.worklist_for(request.user)
    page = Paginator(tickets, 50).get_page(request.GET.get("page"))
    rows = [{"ticket": t, "age": selectors.age_days(t, today), "overdue": selectors.is_overdue(t, today),
             "days_left": (t.due_date - today).days} for t in page]
    return render(request, "rectification/worklist.html", {
        "side": side, "page": page, "rows": rows, "is_contractor": side == Party.CONTRACTOR,
        "incidents": list(selectors.open_incidents_visible_to(request.user)[:20]),
    })


# ---------------------------------------------------------------- project page

@login_required
def project_page(request, project_id):
    project = project_for_user(request.user, project_id)
    state = request.GET.get("state", "active")
    tickets = selectors.tickets_of(project).annotate(severity_rank=selectors.SEVERITY_ORDER)
    if state == "active":
        tickets = tickets.filter(state__in=ACTIVE_STATES)
    elif state in TicketState.values:
        tickets = tickets.filter(state=state)
    else:
        state = "all"
    today = timezone.localdate()
    page = Paginator(tickets.order_by("found_on", "severity_rank", "pk"), 30).get_page(request.GET.get("page"))
    rows = [{"ticket": t, "age": selectors.age_days(t, today), "overdue": selectors.is_overdue(t, today)}
            for t in page]
    grounds = selectors.suspension_grounds(project, today)
    settings_obj = selectors.settings_of(project)
    return render(request, "rectification/project.html", {
        "project": project, "page": page, "rows": rows, "state": state, "states": TicketState.choices,
        "grounds": grounds, "suspension": selectors.open_suspension(project),
        "suspensions": list(selectors.suspensions_of(project)[:10]),
        "incidents": list(selectors.incidents_of(project)[:20]),
        "complaints": selectors.complaints_with_tickets(project, limit=20),
        "reports": list(selectors.reports_of(project)[:20]),
        "settings": settings_obj,
        "can_raise": rules.test_rule("rectification.can_raise_ticket", request.user, project),
        "can_report_incident": rules.test_rule("rectification.can_report_incident", request.user, project),
        "can_manage": rules.test_rule("rectification.can_manage_problems", request.user, project),
        "can_suspend": rules.test_rule("projects.can_suspend_project", request.user, project) and bool(grounds),
        "can_resume": rules.test_rule("projects.can_resume_project", request.user, project),
        "suspend_form": SuspendForm(initial={"version": project.version}),
        "resume_form": ReasonForm(initial={"version": project.version}),
        "settings_form": SettingsForm(initial={"review_limit": settings_obj.review_limit,
                                               "default_days": settings_obj.default_days,
                                               "version": settings_obj.version}),
    })


# Records a ticket may be raised from by hand: (app_label.model, source, description fields).
SOURCE_RECORDS = {
    "patrol": ("inspections.patrol", TicketSource.PATROL),
    "keynode": ("inspections.keynodecheck", TicketSource.OTHER),
    "ledger": ("inspections.ledgerentry", None),
    "batch": ("batches.batch", TicketSource.SAMPLING),
}


def _source_record(project, spec: str):
    """The finding a ticket is raised from (``?from=patrol:12``), on this project, or None."""
    from django.apps import apps

    kind, _sep, pk = (spec or "").partition(":")
    if kind not in SOURCE_RECORDS or not pk.isdigit():
        return None, None
    label, source = SOURCE_RECORDS[kind]
    model = apps.get_model(label)
    record = model._default_manager.filter(pk=int(pk), project=project).first()
    if record is None:
        return None, None
    if source is None:
        source = LEDGER_SOURCES.get(getattr(record, "kind", ""), TicketSource.OTHER)
    return record, source


# The source of Annex D a ledger row's kind stands for.
LEDGER_SOURCES = {"patrol": TicketSource.PATROL, "sampling": TicketSource.SAMPLING,
                  "acceptance": TicketSource.ACCEPTANCE}


def _batch_of(project, record):
    """The batch a finding is about: the batch itself, a record's batch, or a ledger row's batch id."""
    from apps.batches.models import Batch

    if record is None:
        return None
    if isinstance(record, Batch):
        return record
    batch = getattr(record, "batch", None)
    if isinstance(batch, Batch):
        return batch
    batch_id = getattr(record, "batch_id", None)
    return Batch.objects.filter(pk=batch_id, project=project).first() if batch_id else None


def _prefill(record, source) -> dict:
    initial = {"source": source}
    findings = getattr(record, "findings", "") or getattr(record, "problems", "")
    requirement = getattr(record, "requirements", "")
    if findings:
        initial["description"] = findings
        initial["title"] = findings.splitlines()[0][:100]
    if requirement:
        initial["requirement"] = requirement
    for field in ("patrolled_on", "checked_on"):
        if getattr(record, field, None):
            initial["found_on"] = getattr(record, field)
    occurred = getattr(record, "occurred_at", None)
    if occurred:
        initial["found_on"] = timezone.localtime(occurred).date()
    return initial


@login_required
def ticket_new(request, project_id):
    project = project_for_user(request.user, project_id)
    _deny_unless("rectification.may_raise_ticket", request.user, project)
    record, source = _source_record(project, request.GET.get("from", ""))
    initial = {"found_on": timezone.localdate(), "responsible_unit": project.contractor.name}
    if record is not None:
        initial.update(_prefill(record, source))
    form = TicketForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            ticket = services.ticket_raise(project=project, user=request.user, source_record=record,
                                           batch=_batch_of(project, record), **data)
        except DomainError as exc:
            _apply(form, exc)
        else:
            messages.success(request, _("Rectification notice No. %(n)d issued to the contractor.")
                             % {"n": ticket.number})
            return redirect(ticket)
    return render(request, "rectification/ticket_form.html", {"project": project, "form": form,
                                                              "source_record": record})


@login_required
def complaint_new(request, project_id):
    project = project_for_user(request.user, project_id)
    _deny_unless("rectification.may_raise_ticket", request.user, project)
    form = ComplaintForm(request.POST or None, request.FILES or None,
                         initial={"received_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            _complaint, ticket = services.complaint_register(project=project, user=request.user, **form.cleaned_data)
        except DomainError as exc:
            _apply(form, exc)
        else:
            messages.success(request, _("Complaint registered; rectification notice No. %(n)d issued.")
                             % {"n": ticket.number})
            return redirect(ticket)
    return render(request, "rectification/complaint_form.html", {"project": project, "form": form})


@login_required
@require_POST
def settings_update(request, project_id):
    project = project_for_user(request.user, project_id)
    _deny_unless("rectification.may_manage_problems", request.user, project)
    form = SettingsForm(request.POST)
    if form.is_valid():
        try:
            services.settings_update(project=project, user=request.user, review_limit=form.cleaned_data["review_limit"],
                                     default_days=form.cleaned_data["default_days"], version=_version(form))
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("The contract's terms for rectification are saved."))
    else:
        messages.error(request, _("Check the numbers: the limit is 1 to 10, the period 1 to 60 working days."))
    return redirect("rectification:project", project.pk)


@login_required
@require_POST
def suspend(request, project_id):
    project = project_for_user(request.user, project_id)
    _deny_unless("projects.can_manage_project", request.user, project)
    form = SuspendForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("A reason is required to suspend the project."))
        return redirect("rectification:project", project.pk)
    try:
        services.project_suspend(project=project, user=request.user, reason=form.cleaned_data["reason"],
                                 report_to_regulator=form.cleaned_data["report_to_regulator"],
                                 expected_version=_version(form))
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The project is suspended; batch submission is stopped."))
    return redirect("rectification:project", project.pk)


@login_required
@require_POST
def resume(request, project_id):
    from apps.projects import services as project_services

    project = project_for_user(request.user, project_id)
    _deny_unless("projects.can_manage_project", request.user, project)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("A reason is required to resume the project."))
        return redirect("rectification:project", project.pk)
    try:
        project_services.project_resume(project=project, user=request.user, reason=form.cleaned_data["reason"],
                                        expected_version=_version(form))
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The project is resumed."))
    return redirect("rectification:project", project.pk)


# ---------------------------------------------------------------- one ticket

@login_required
def detail(request, pk):
    ticket = selectors.ticket_for_user(request.user, pk)
    parties = selectors.signature_parties(ticket)
    today = timezone.localdate()
    return render(request, "rectification/detail.html", {
        "project": ticket.project, "ticket": ticket, "reviews": list(selectors.reviews_of(ticket)),
        "source_record": ticket.source_record(), "overdue": selectors.is_overdue(ticket, today),
        "defects": list(ticket.defects.select_related("defect_type", "sampled_item")[:50]),
        "items": list(ticket.items.all()[:50]),
        "signed_client": parties[Party.CLIENT], "signed_contractor": parties[Party.CONTRACTOR],
        "signatures_valid": parties["all_valid"],
        "grounds": [str(dict(selectors.Ground.choices)[g]) for g in selectors.ticket_grounds(
            ticket, limit=selectors.settings_of(ticket.project).review_limit, today=today)],
        "report": ticket.regulator_reports.first(),
        "reason_form": ReasonForm(initial={"version": ticket.version}),
    })


@login_required
def answer(request, pk):
    ticket = selectors.ticket_for_user(request.user, pk)
    _deny_unless("rectification.may_answer_ticket", request.user, ticket)
    if not rules.test_rule("rectification.can_answer_ticket", request.user, ticket):
        messages.error(request, _("This ticket is %(state)s; it cannot be answered now.")
                       % {"state": ticket.get_state_display()})
        return redirect(ticket)
    form = AnswerForm(request.POST or None, request.FILES or None,
                      initial={"version": ticket.version, "measures": ticket.measures, "result": ticket.result})
    if request.method == "POST" and form.is_valid():
        try:
            services.ticket_submit(ticket=ticket, user=request.user, measures=form.cleaned_data["measures"],
                                   result=form.cleaned_data["result"], files=form.cleaned_data["files"],
                                   version=_version(form))
        except DomainError as exc:
            _apply(form, exc)
        else:
            messages.success(request, _("Rectification submitted. The client will review it."))
            return redirect(ticket)
    return render(request, "rectification/answer.html", {"project": ticket.project, "ticket": ticket, "form": form,
                                                         "reviews": list(selectors.reviews_of(ticket))})


@login_required
def review(request, pk):
    ticket = selectors.ticket_for_user(request.user, pk)
    _deny_unless("rectification.may_review_ticket", request.user, ticket)
    if not rules.test_rule("rectification.can_review_ticket", request.user, ticket):
        messages.error(request, _("This ticket is %(state)s; there is nothing to review.")
                       % {"state": ticket.get_state_display()})
        return redirect(ticket)
    form = ReviewForm(request.POST or None, initial={"version": ticket.version})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.ticket_review(ticket=ticket, user=request.user, passed=data["verdict"] == "pass",
                                   opinion=data["opinion"], new_due_date=data.get("new_due_date"),
                                   version=_version(form))
        except DomainError as exc:
            _apply(form, exc)
        else:
            messages.success(request, _("Review recorded."))
            return redirect(ticket)
    return render(request, "rectification/review.html", {"project": ticket.project, "ticket": ticket, "form": form})


def _simple_post(request, pk, *, rule: str, action, success: str, needs_reason: bool = False):
    ticket = selectors.ticket_for_user(request.user, pk)
    _deny_unless(rule, request.user, ticket)
    kwargs = {}
    if needs_reason:
        form = ReasonForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Give a reason."))
            return redirect(ticket)
        kwargs["reason"] = form.cleaned_data["reason"]
    try:
        action(ticket=ticket, user=request.user, **kwargs)
    except DomainError as exc:
        if isinstance(exc, PermissionDenied):
            raise DjangoPermissionDenied from None
        messages.error(request, exc.message)
    else:
        messages.success(request, success)
    return redirect(ticket)


@login_required
@require_POST
def refuse(request, pk):
    return _simple_post(request, pk, rule="rectification.may_refuse_ticket", action=services.ticket_refuse, needs_reason=True,
                        success=_("Your refusal is recorded and the client is told."))


@login_required
@require_POST
def withdraw_refusal(request, pk):
    return _simple_post(request, pk, rule="rectification.may_refuse_ticket", action=services.ticket_withdraw_refusal,
                        success=_("Refusal withdrawn: the rectification notice stands."))


@login_required
@require_POST
def close(request, pk):
    return _simple_post(request, pk, rule="rectification.may_close_ticket", action=services.ticket_close,
                        success=_("Ticket closed and archived (销号)."))


@login_required
@require_POST
def cancel(request, pk):
    return _simple_post(request, pk, rule="rectification.may_cancel_ticket", action=services.ticket_cancel, needs_reason=True,
                        success=_("Notice withdrawn."))


@login_required
@require_POST
def reopen(request, pk):
    return _simple_post(request, pk, rule="rectification.may_cancel_ticket", action=services.ticket_reopen, needs_reason=True,
                        success=_("Ticket reopened for a new review."))


@login_required
def report(request, pk):
    ticket = selectors.ticket_for_user(request.user, pk)
    _deny_unless("rectification.may_manage_problems", request.user, ticket)
    form = ReportForm(request.POST or None, initial={"summary": f"{ticket.title}。{ticket.description}"[:2000]})
    if request.method == "POST" and form.is_valid():
        try:
            services.report_ticket(ticket=ticket, user=request.user, summary=form.cleaned_data["summary"])
        except DomainError as exc:
            _apply(form, exc)
        else:
            messages.success(request, _("Reported to the regulator."))
            return redirect(ticket)
    return render(request, "rectification/report_form.html", {"project": ticket.project, "ticket": ticket,
                                                              "form": form})


@login_required
@require_GET
def annex_d_pdf(request, pk):
    """表D.1 整改闭环单 as a PDF, with both parties' signatures."""
    from apps.reports.pdf import FontsNotBuiltError

    from .printing import annex_d_pdf as render_annex_d

    ticket = selectors.ticket_for_user(request.user, pk)
    try:
        pdf = render_annex_d(ticket, base_url=request.build_absolute_uri("/"), request=request)
    except FontsNotBuiltError:
        logger.error("PDF fonts are not built; the Annex D ticket cannot be printed.")
        messages.error(request, _("The PDF cannot be produced right now. Please tell the administrator."))
        return redirect(ticket)
    filename = f"整改闭环单-{ticket.doc_no}.pdf"
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (f'inline; filename="annex-d-{ticket.number}.pdf"; '
                                       f"filename*=UTF-8''{quote(filename)}")
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


# ---------------------------------------------------------------- incidents

@login_required
def incident_new(request, project_id):
    project = project_for_user(request.user, project_id)
    _deny_unless("rectification.may_report_incident", request.user, project)
    form = IncidentForm(request.POST or None, request.FILES or None,
                        initial={"occurred_at": timezone.localtime().replace(second=0, microsecond=0)})
    if request.method == "POST" and form.is_valid():
        try:
            incident = services.incident_report(project=project, user=request.user, **form.cleaned_data)
        except DomainError as exc:
            _apply(form, exc)
        else:
            messages.success(request, _("Incident reported; the client has been notified."))
            return redirect(incident)
    return render(request, "rectification/incident_form.html", {"project": project, "form": form})


@login_required
def incident_detail(request, pk):
    incident = selectors.incident_for_user(request.user, pk)
    project = incident.project
    return render(request, "rectification/incident.html", {
        "project": project, "incident": incident, "reports": list(incident.regulator_reports.all()),
        "suspensions": list(incident.suspensions.all()),
        "can_acknowledge": rules.test_rule("rectification.can_acknowledge_incident", request.user, incident),
        "can_close": rules.test_rule("rectification.can_close_incident", request.user, incident),
        "can_stop": incident.is_open and rules.test_rule("projects.can_suspend_project", request.user, project),
        "acknowledge_form": AcknowledgeForm(initial={"is_major": incident.is_major}),
        "close_form": CloseIncidentForm(), "stop_form": SuspendForm(initial={
            "version": project.version, "report_to_regulator": incident.is_major,
            "reason": _("Work stopped after the incident: %(title)s") % {"title": incident.title}}),
    })


@login_required
@require_POST
def incident_acknowledge(request, pk):
    incident = selectors.incident_for_user(request.user, pk)
    _deny_unless("rectification.may_handle_incident", request.user, incident)
    form = AcknowledgeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the client's instructions."))
        return redirect(incident)
    try:
        services.incident_acknowledge(incident=incident, user=request.user,
                                      instructions=form.cleaned_data["instructions"],
                                      is_major=form.cleaned_data["is_major"])
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Incident acknowledged; the contractor has your instructions."))
    return redirect(incident)


@login_required
@require_POST
def incident_close(request, pk):
    incident = selectors.incident_for_user(request.user, pk)
    _deny_unless("rectification.may_handle_incident", request.user, incident)
    form = CloseIncidentForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say how the incident was handled."))
        return redirect(incident)
    try:
        services.incident_close(incident=incident, user=request.user, closing_note=form.cleaned_data["closing_note"])
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Incident closed."))
    return redirect(incident)


@login_required
@require_POST
def incident_stop_work(request, pk):
    """The client stops work after an incident: the project is suspended with the incident as a cause."""
    incident = selectors.incident_for_user(request.user, pk)
    _deny_unless("projects.can_manage_project", request.user, incident.project)
    form = SuspendForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("A reason is required to suspend the project."))
        return redirect(incident)
    try:
        services.project_suspend(project=incident.project, user=request.user, reason=form.cleaned_data["reason"],
                                 report_to_regulator=form.cleaned_data["report_to_regulator"],
                                 expected_version=_version(form))
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Work is stopped: the project is suspended until the incident is closed."))
    return redirect(incident)
