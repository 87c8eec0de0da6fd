"""Thin views of the warranty follow-up (质保跟踪, §6.5.3): the page, reporting a problem (a
rectification ticket of source 质保) and concluding the follow-up."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.core.errors import DomainError
from apps.core.permissions import allowed, require
from apps.core.refusals import show_refusal
from apps.core.transitions import Target, TransitionView
from apps.projects.selectors import project_for_user
from apps.rectification import services as problem_services
from apps.rectification.forms import WarrantyProblemForm
from apps.rectification.selectors import settings_of, warranty_end_deadline

from . import selectors, services
from .forms import ConcludeForm


@login_required
def project_page(request, project_id):
    """质保跟踪: the period (start, end, days left), open and closed warranty problems with the
    contractor's time to respond, what is overdue, and the conclusion."""
    project = project_for_user(request.user, project_id)
    today = timezone.localdate()
    summary = selectors.warranty_summary(project, today)
    may_conclude = allowed("warranty.may_conclude", request.user, project)
    return render(request, "warranty/project.html", {
        "project": project, "summary": summary, "terms": settings_of(project),
        "deadline": warranty_end_deadline(project),
        "conclusion_opens": selectors.conclusion_opens_on(summary.period) if summary.period else None,
        "can_report": allowed("rectification.can_report_warranty_problem", request.user, project),
        "may_conclude": may_conclude,
        "conclusion_refusal": selectors.conclusion_refusal(project, today) if may_conclude else None,
        "conclude_form": ConcludeForm(),
    })


@login_required
def report(request, project_id):
    """The client reports a problem found in the warranty: a ticket of source 质保 whose response
    and fix deadlines come from the contract's terms."""
    project = project_for_user(request.user, project_id)
    require("rectification.may_report_warranty_problem", request.user, project)
    # Outside the warranty period the form is not offered (the sentence says when it is).
    require("rectification.can_report_warranty_problem", request.user, project)
    form = WarrantyProblemForm(request.POST or None, request.FILES or None,
                               initial={"found_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            ticket = problem_services.warranty_ticket_raise(project=project, user=request.user, **form.cleaned_data)
        except DomainError as exc:
            show_refusal(exc, form=form)
        else:
            messages.success(request, _("Warranty problem No. %(n)d reported: the contractor responds by %(date)s.")
                             % {"n": ticket.number, "date": ticket.response_due.isoformat()})
            return redirect(ticket)
    return render(request, "warranty/report.html", {
        "project": project, "form": form, "terms": settings_of(project),
        "summary": selectors.warranty_summary(project)})


class WarrantyTransition(TransitionView):
    """Concluding the follow-up, a button on the warranty page (``post_only``)."""

    lookup = staticmethod(project_for_user)
    pk_url_kwarg = "project_id"
    entity = "project"
    targets = {
        "conclude": Target(rule="warranty.may_conclude", service=services.warranty_conclude, form_class=ConcludeForm,
                           post_only=True, success=gettext_lazy("The warranty follow-up is concluded.")),
    }

    def get_back_url(self, obj) -> str:
        return reverse("warranty:project", args=[obj.pk])
