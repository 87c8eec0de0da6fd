"""Thin views: scoped lookup, rule, form, one service call, message, redirect. The decisions on
filings, equipment and staff changes are rows of one transition table per model."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from apps.core.errors import DomainError
from apps.core.permissions import require
from apps.core.refusals import show_refusal
from apps.core.transitions import Target, TransitionView
from apps.projects.selectors import project_for_user

from . import selectors, services
from .forms import EquipmentForm, NoteForm, ReasonForm, StaffChangeForm, StaffFilingForm


@login_required
@require_GET
def project_page(request, project_id):
    project = project_for_user(request.user, project_id)
    pledges = [{"pledge": p, "signature": selectors.pledge_signature(p)} for p in selectors.project_pledges(project)]
    return render(request, "teams/project.html", {
        "project": project,
        "filings": selectors.project_filings(project),
        "equipment": selectors.project_equipment(project),
        "changes": selectors.project_changes(project),
        "pledges": pledges,
        "without_pledge": selectors.client_members_without_pledge(project),
        "reason_form": ReasonForm(),
    })


@login_required
def filing_create(request, project_id):
    project = project_for_user(request.user, project_id)
    require("teams.can_file", request.user, project)
    form = StaffFilingForm(request.POST or None, project=project)
    if request.method == "POST" and form.is_valid():
        try:
            filing = services.staff_filing_create(project=project, user=request.user,
                                                  person=form.cleaned_data["person"], role=form.cleaned_data["role"],
                                                  **form.service_kwargs())
        except DomainError as exc:
            show_refusal(exc, form=form)
        else:
            messages.success(request, _("Staff filed. Attach the proofs, then the client reviews the filing."))
            return redirect(filing.get_absolute_url())
    return render(request, "teams/form.html", {"form": form, "project": project, "title": _("File a person")})


@login_required
def filing_edit(request, pk):
    filing = selectors.filing_for_user(request.user, pk)
    require("teams.can_edit_filing", request.user, filing)
    form = StaffFilingForm(request.POST or None, instance=filing, project=filing.project, editing=True)
    if request.method == "POST" and form.is_valid():
        try:
            services.staff_filing_update(filing=filing, user=request.user, **form.service_kwargs())
        except DomainError as exc:
            show_refusal(exc, form=form)
        else:
            messages.success(request, _("Filing saved and submitted to the client."))
            return redirect(filing.get_absolute_url())
    return render(request, "teams/form.html", {"form": form, "project": filing.project,
                                               "title": _("Correct the filing of %(p)s") % {"p": filing.person}})


@login_required
@require_GET
def filing_detail(request, pk):
    filing = selectors.filing_for_user(request.user, pk)
    return render(request, "teams/filing_detail.html", {
        "filing": filing, "project": filing.project, "problems": services.approval_problems(filing),
        "qualification": services.qualification_label(filing), "reason_form": ReasonForm(), "note_form": NoteForm(),
    })


class FilingTransition(TransitionView):
    """Approve, reject, end: buttons on the filing page (``post_only``)."""

    lookup = staticmethod(selectors.filing_for_user)
    entity = "filing"
    targets = {
        "approve": Target(rule="teams.can_review", service=services.staff_filing_approve, form_class=NoteForm,
                          success=gettext_lazy("Filing approved."), post_only=True),
        "reject": Target(rule="teams.can_review", service=services.staff_filing_reject, form_class=ReasonForm,
                         success=gettext_lazy("Filing rejected."), post_only=True),
        "end": Target(rule="teams.may_end_filing", service=services.staff_filing_end, form_class=ReasonForm,
                      success=gettext_lazy("Filing ended."), post_only=True),
    }


# ---------------------------------------------------------------- equipment

@login_required
def equipment_create(request, project_id):
    project = project_for_user(request.user, project_id)
    require("teams.may_file_equipment", request.user, project)
    form = EquipmentForm(request.POST or None, project=project)
    if request.method == "POST" and form.is_valid():
        try:
            services.equipment_file(project=project, user=request.user, **form.service_kwargs())
        except DomainError as exc:
            show_refusal(exc, form=form)
        else:
            messages.success(request, _("Equipment filed."))
            return redirect("teams:project", project_id=project.pk)
    return render(request, "teams/form.html", {"form": form, "project": project, "title": _("File equipment")})


@login_required
def equipment_edit(request, pk):
    eq = selectors.equipment_for_user(request.user, pk)
    require("teams.can_edit_filing", request.user, eq)
    form = EquipmentForm(request.POST or None, instance=eq, project=eq.project)
    if request.method == "POST" and form.is_valid():
        try:
            services.equipment_update(equipment=eq, user=request.user, **form.service_kwargs())
        except DomainError as exc:
            show_refusal(exc, form=form)
        else:
            messages.success(request, _("Equipment filing saved and submitted to the client."))
            return redirect("teams:project", project_id=eq.project_id)
    return render(request, "teams/form.html", {"form": form, "project": eq.project,
                                               "title": _("Correct the equipment filing")})


class EquipmentTransition(TransitionView):
    """Approve, reject, withdraw: buttons in the equipment table (``post_only``)."""

    lookup = staticmethod(selectors.equipment_for_user)
    entity = "equipment"
    targets = {
        "approve": Target(rule="teams.can_review", service=services.equipment_approve, form_class=NoteForm,
                          success=gettext_lazy("Equipment approved."), post_only=True),
        "reject": Target(rule="teams.can_review", service=services.equipment_reject, form_class=ReasonForm,
                         success=gettext_lazy("Equipment rejected."), post_only=True),
        "retire": Target(rule="teams.may_retire_equipment", service=services.equipment_retire,
                         form_class=ReasonForm, success=gettext_lazy("Equipment withdrawn."), post_only=True),
    }


# ---------------------------------------------------------------- staff changes

@login_required
def change_create(request, project_id):
    project = project_for_user(request.user, project_id)
    require("teams.can_request_change", request.user, project)
    form = StaffChangeForm(request.POST or None, project=project)
    if request.method == "POST" and form.is_valid():
        try:
            change = services.staff_change_request(project=project, user=request.user, **form.cleaned_data)
        except DomainError as exc:
            show_refusal(exc, form=form)
        else:
            messages.success(request, _("Staff change requested; the client decides before the planned date."))
            return redirect(change.get_absolute_url())
    return render(request, "teams/form.html", {"form": form, "project": project,
                                               "title": _("Request a staff change")})


@login_required
@require_GET
def change_detail(request, pk):
    change = selectors.change_for_user(request.user, pk)
    day = max(change.planned_date, change.requested_at.date())
    return render(request, "teams/change_detail.html", {
        "change": change, "project": change.project, "reason_form": ReasonForm(), "note_form": NoteForm(),
        "leaving_q": services.qualification_label(change.leaving, day),
        "incoming_q": services.qualification_label(change.incoming, day),
    })


class ChangeTransition(TransitionView):
    """Approve, reject (client lead), withdraw (contractor PM): buttons on the change page."""

    lookup = staticmethod(selectors.change_for_user)
    entity = "change"
    targets = {
        "approve": Target(rule="teams.can_decide_change", service=services.staff_change_approve,
                          form_class=NoteForm, success=gettext_lazy("Staff change approved."), post_only=True),
        "reject": Target(rule="teams.can_decide_change", service=services.staff_change_reject,
                         form_class=ReasonForm, success=gettext_lazy("Staff change rejected."), post_only=True),
        "withdraw": Target(rule="teams.may_withdraw_change", service=services.staff_change_withdraw,
                           form_class=ReasonForm, success=gettext_lazy("Staff change withdrawn."), post_only=True),
    }


# ---------------------------------------------------------------- pledges

@login_required
@require_POST
def pledges_prepare(request, project_id):
    project = project_for_user(request.user, project_id)
    require("teams.can_manage_pledges", request.user, project)
    try:
        created = services.pledges_prepare_missing(project=project, user=request.user)
    except DomainError as exc:
        show_refusal(exc, request=request)
    else:
        messages.success(request, _("%(n)d integrity pledges prepared.") % {"n": len(created)})
    return redirect("teams:project", project_id=project.pk)
