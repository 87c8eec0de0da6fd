"""Thin views: scoped lookup, form, one service call, message, redirect. The transitions of a
ticket, an incident and the project's suspension are rows of the ``targets`` of one
``TransitionView`` each (``apps.core.transitions``)."""

from __future__ import annotations

import logging
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from apps.accounts.enums import OrgKind, Party
from apps.core.errors import DomainError
from apps.core.permissions import allowed, require
from apps.core.refusals import show_refusal
from apps.core.transitions import Target, TransitionView
from apps.projects import services as project_services
from apps.projects.selectors import project_for_user

from . import selectors, services
from .enums import ACTIVE_STATES, TicketSource, TicketState
from .forms import (
    AcknowledgeForm,
    AnswerForm,
    CloseIncidentForm,
    ComplaintForm,
    IncidentForm,
    ReasonForm,
    ReportForm,
    RespondForm,
    ResumeForm,
    ReviewForm,
    SettingsForm,
    SuspendForm,
    TicketForm,
)

logger = logging.getLogger(__name__)


def _version(cleaned: dict):
    """The version the person read (a hidden field), or None."""
    return cleaned.get("version") or None


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
        "can_raise": allowed("rectification.can_raise_ticket", request.user, project),
        "can_report_incident": allowed("rectification.can_report_incident", request.user, project),
        "can_manage": allowed("rectification.can_manage_problems", request.user, project),
        # A suspension needs a ground (§5.2.3, §6.3.3): the grounds are read for the page anyway.
        "can_suspend": allowed("projects.can_suspend_project", request.user, project) and bool(grounds),
        "can_resume": allowed("projects.can_resume_project", request.user, project),
        "suspend_form": SuspendForm(initial={"version": project.version}),
        "resume_form": ResumeForm(initial={"version": project.version}),
        "settings_form": SettingsForm(initial={"review_limit": settings_obj.review_limit,
                                               "default_days": settings_obj.default_days,
                                               "warranty_response_days": settings_obj.warranty_response_days,
                                               "warranty_fix_days": settings_obj.warranty_fix_days,
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
    require("rectification.may_raise_ticket", request.user, project)
    record, source = _source_record(project, request.GET.get("from", ""))
    initial = {"found_on": timezone.localdate(), "responsible_unit": project.contractor.name}
    if record is not None:
        initial.update(_prefill(record, source))
    form = TicketForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            ticket = services.ticket_raise(project=project, user=request.user, source_record=record,
                                           batch=_batch_of(project, record), **form.cleaned_data)
        except DomainError as exc:
            show_refusal(exc, form=form)
        else:
            messages.success(request, _("Rectification notice No. %(n)d issued to the contractor.")
                             % {"n": ticket.number})
            return redirect(ticket)
    return render(request, "rectification/ticket_form.html", {"project": project, "form": form,
                                                              "source_record": record})


@login_required
def complaint_new(request, project_id):
    project = project_for_user(request.user, project_id)
    require("rectification.may_register_complaint", request.user, project)
    form = ComplaintForm(request.POST or None, request.FILES or None,
                         initial={"received_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            _complaint, ticket = services.complaint_register(project=project, user=request.user, **form.cleaned_data)
        except DomainError as exc:
            show_refusal(exc, form=form)
        else:
            messages.success(request, _("Complaint registered; rectification notice No. %(n)d issued.")
                             % {"n": ticket.number})
            return redirect(ticket)
    return render(request, "rectification/complaint_form.html", {"project": project, "form": form})


@login_required
@require_POST
def settings_update(request, project_id):
    project = project_for_user(request.user, project_id)
    require("rectification.may_manage_problems", request.user, project)
    form = SettingsForm(request.POST)
    if form.is_valid():
        try:
            services.settings_update(project=project, user=request.user, review_limit=form.cleaned_data["review_limit"],
                                     default_days=form.cleaned_data["default_days"],
                                     warranty_response_days=form.cleaned_data.get("warranty_response_days"),
                                     warranty_fix_days=form.cleaned_data.get("warranty_fix_days"),
                                     expected_version=_version(form.cleaned_data))
        except DomainError as exc:
            show_refusal(exc, request=request)
        else:
            messages.success(request, _("The contract's terms for rectification are saved."))
    else:
        messages.error(request, _("Check the numbers: the limit is 1 to 10, the period 1 to 60 working days, the "
                                  "warranty's response 1 to 30 and its fix 1 to 120 working days."))
    return redirect("rectification:project", project.pk)


class SuspensionTransition(TransitionView):
    """Suspending and resuming the project from its problem page (buttons, ``post_only``): the
    client lead suspends on the grounds shown and resumes once their causes are closed."""

    lookup = staticmethod(project_for_user)
    pk_url_kwarg = "project_id"
    entity = "project"
    targets = {
        "suspend": Target(rule="projects.can_manage_project", service=services.project_suspend,
                          form_class=SuspendForm, post_only=True,
                          success=gettext_lazy("The project is suspended; batch submission is stopped.")),
        "resume": Target(rule="projects.can_manage_project", service=project_services.project_resume,
                         form_class=ResumeForm, post_only=True, success=gettext_lazy("The project is resumed.")),
    }

    def service_kwargs(self, obj, target, cleaned):
        version = cleaned.pop("version", None) or None
        return {"project": obj, "user": self.request.user, "expected_version": version, **cleaned}

    def get_back_url(self, obj) -> str:
        return reverse("rectification:project", args=[obj.pk])


# ---------------------------------------------------------------- one ticket

@login_required
def detail(request, pk):
    ticket = selectors.ticket_for_user(request.user, pk)
    parties = selectors.signature_parties(ticket)
    today = timezone.localdate()
    return render(request, "rectification/detail.html", {
        "project": ticket.project, "ticket": ticket, "reviews": list(selectors.reviews_of(ticket)),
        "source_record": ticket.source_record(), "overdue": selectors.is_overdue(ticket, today),
        "response_overdue": selectors.is_response_overdue(ticket, today),
        "defects": list(ticket.defects.select_related("defect_type", "sampled_item")[:50]),
        "items": list(ticket.items.all()[:50]),
        "signed_client": parties[Party.CLIENT], "signed_contractor": parties[Party.CONTRACTOR],
        "signatures_valid": parties["all_valid"],
        "grounds": [str(dict(selectors.Ground.choices)[g]) for g in selectors.ticket_grounds(
            ticket, limit=selectors.settings_of(ticket.project).review_limit, today=today)],
        "report": ticket.regulator_reports.first(),
        "reason_form": ReasonForm(initial={"version": ticket.version}),
    })


def _review_kwargs(cleaned: dict) -> dict:
    return {"passed": cleaned["verdict"] == "pass", "opinion": cleaned["opinion"],
            "new_due_date": cleaned.get("new_due_date")}


class TicketTransition(TransitionView):
    """Every step of a ticket after it was raised. The answer, the review and the report to the
    regulator have a page of their own (an app template); the other steps are buttons on the
    ticket (``post_only``): a refusal or a bad form comes back to the ticket as a message."""

    lookup = staticmethod(selectors.ticket_for_user)
    entity = "ticket"
    templates = {"answer": "rectification/answer.html", "review": "rectification/review.html",
                 "report": "rectification/report_form.html"}
    targets = {
        "respond": Target(rule="rectification.may_respond_ticket", state_rule="rectification.can_respond_ticket",
                          service=services.ticket_respond, form_class=RespondForm,
                          title=gettext_lazy("Respond to the warranty problem"),
                          success=gettext_lazy("Response recorded. The client is told of your planned measures.")),
        "answer": Target(rule="rectification.may_answer_ticket", state_rule="rectification.can_answer_ticket",
                         service=services.ticket_submit, form_class=AnswerForm, files=True,
                         success=gettext_lazy("Rectification submitted. The client will review it.")),
        "review": Target(rule="rectification.may_review_ticket", state_rule="rectification.can_review_ticket",
                         service=services.ticket_review, form_class=ReviewForm,
                         success=gettext_lazy("Review recorded.")),
        "refuse": Target(rule="rectification.may_refuse_ticket", service=services.ticket_refuse,
                         form_class=ReasonForm, post_only=True,
                         success=gettext_lazy("Your refusal is recorded and the client is told.")),
        "withdraw_refusal": Target(rule="rectification.may_withdraw_refusal",
                                   service=services.ticket_withdraw_refusal, post_only=True,
                                   success=gettext_lazy("Refusal withdrawn: the rectification notice stands.")),
        "close": Target(rule="rectification.may_close_ticket", service=services.ticket_close, post_only=True,
                        success=gettext_lazy("Ticket closed and archived (销号).")),
        "cancel": Target(rule="rectification.may_cancel_ticket", service=services.ticket_cancel,
                         form_class=ReasonForm, post_only=True, success=gettext_lazy("Notice withdrawn.")),
        "reopen": Target(rule="rectification.may_reopen_ticket", service=services.ticket_reopen,
                         form_class=ReasonForm, post_only=True,
                         success=gettext_lazy("Ticket reopened for a new review.")),
        "report": Target(rule="rectification.may_report_to_regulator", service=services.ticket_report,
                         form_class=ReportForm, success=gettext_lazy("Reported to the regulator.")),
    }

    @property
    def template_name(self) -> str:
        return self.templates.get(self.target, TransitionView.template_name)

    def get_initial(self, obj, target) -> dict:
        if self.target == "answer":
            return {"version": obj.version, "measures": obj.measures, "result": obj.result}
        if self.target == "report":
            return {"summary": f"{obj.title}。{obj.description}"[:2000]}
        return {"version": obj.version}

    def service_kwargs(self, obj, target, cleaned):
        kwargs = {"ticket": obj, "user": self.request.user}
        if self.target == "review":
            return {**kwargs, **_review_kwargs(cleaned), "expected_version": _version(cleaned)}
        if self.target == "report":
            return {**kwargs, **cleaned}
        version = cleaned.pop("version", None) or None
        return {**kwargs, **cleaned, "expected_version": version}

    def get_context_data(self, **context) -> dict:
        context["ticket"] = context["record"]
        if self.target == "answer":
            context["reviews"] = list(selectors.reviews_of(context["record"]))
        return context


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
    require("rectification.may_report_incident", request.user, project)
    form = IncidentForm(request.POST or None, request.FILES or None,
                        initial={"occurred_at": timezone.localtime().replace(second=0, microsecond=0)})
    if request.method == "POST" and form.is_valid():
        try:
            incident = services.incident_report(project=project, user=request.user, **form.cleaned_data)
        except DomainError as exc:
            show_refusal(exc, form=form)
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
        "can_acknowledge": allowed("rectification.can_acknowledge_incident", request.user, incident),
        "can_close": allowed("rectification.can_close_incident", request.user, incident),
        "can_stop": allowed("rectification.can_stop_work", request.user, incident),
        "acknowledge_form": AcknowledgeForm(initial={"is_major": incident.is_major}),
        "close_form": CloseIncidentForm(), "stop_form": SuspendForm(initial={
            "version": project.version, "report_to_regulator": incident.is_major,
            "reason": _("Work stopped after the incident: %(title)s") % {"title": incident.title}}),
    })


class IncidentTransition(TransitionView):
    """The client's steps on an incident, buttons on its page (``post_only``): acknowledge with
    instructions, close, and stop work (suspend the project with the incident as a cause)."""

    lookup = staticmethod(selectors.incident_for_user)
    entity = "incident"
    targets = {
        "acknowledge": Target(rule="rectification.may_handle_incident", service=services.incident_acknowledge,
                              form_class=AcknowledgeForm, post_only=True,
                              success=gettext_lazy("Incident acknowledged; the contractor has your instructions.")),
        "close": Target(rule="rectification.may_close_incident", service=services.incident_close,
                        form_class=CloseIncidentForm, post_only=True, success=gettext_lazy("Incident closed.")),
        "stop_work": Target(rule="projects.can_manage_project", service=services.project_suspend,
                            form_class=SuspendForm, post_only=True,
                            success=gettext_lazy("Work is stopped: the project is suspended until the incident "
                                                 "is closed.")),
    }

    def service_kwargs(self, obj, target, cleaned):
        if self.target == "stop_work":
            version = cleaned.pop("version", None) or None
            return {"project": obj.project, "user": self.request.user, "expected_version": version, **cleaned}
        return {"incident": obj, "user": self.request.user, **cleaned}
