"""Thin views: scoped lookup, form, one service call, message, redirect."""

from __future__ import annotations

import rules
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from apps.core.errors import DomainError, PermissionDenied
from apps.projects.selectors import project_for_user

from . import selectors, services
from .forms import EquipmentForm, NoteForm, ReasonForm, StaffChangeForm, StaffFilingForm


def _deny_unless(rule: str, user, obj) -> None:
    if not rules.test_rule(rule, user, obj):
        raise DjangoPermissionDenied


def _form_error(form, exc: DomainError) -> None:
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)


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
    _deny_unless("teams.can_file", request.user, project)
    form = StaffFilingForm(request.POST or None, project=project)
    if request.method == "POST" and form.is_valid():
        try:
            filing = services.staff_filing_create(project=project, user=request.user,
                                                  person=form.cleaned_data["person"], role=form.cleaned_data["role"],
                                                  **form.service_kwargs())
        except DomainError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("Staff filed. Attach the proofs, then the client reviews the filing."))
            return redirect(filing.get_absolute_url())
    return render(request, "teams/form.html", {"form": form, "project": project, "title": _("File a person")})


@login_required
def filing_edit(request, pk):
    filing = selectors.filing_for_user(request.user, pk)
    _deny_unless("teams.can_edit_filing", request.user, filing)
    form = StaffFilingForm(request.POST or None, instance=filing, project=filing.project, editing=True)
    if request.method == "POST" and form.is_valid():
        try:
            services.staff_filing_update(filing=filing, user=request.user, **form.service_kwargs())
        except DomainError as exc:
            _form_error(form, exc)
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


def _decide(request, obj, call, *, form_class, success: str):
    form = form_class(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for e in errors:
                messages.error(request, e)
        return redirect(obj.get_absolute_url())
    try:
        call(**form.cleaned_data)
    except PermissionDenied:
        raise DjangoPermissionDenied from None
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, success)
    return redirect(obj.get_absolute_url())


@login_required
@require_POST
def filing_approve(request, pk):
    f = selectors.filing_for_user(request.user, pk)
    return _decide(request, f, lambda note: services.staff_filing_approve(filing=f, user=request.user, note=note),
                   form_class=NoteForm, success=_("Filing approved."))


@login_required
@require_POST
def filing_reject(request, pk):
    f = selectors.filing_for_user(request.user, pk)
    return _decide(request, f, lambda reason: services.staff_filing_reject(filing=f, user=request.user, reason=reason),
                   form_class=ReasonForm, success=_("Filing rejected."))


@login_required
@require_POST
def filing_end(request, pk):
    f = selectors.filing_for_user(request.user, pk)
    return _decide(request, f, lambda reason: services.staff_filing_end(filing=f, user=request.user, reason=reason),
                   form_class=ReasonForm, success=_("Filing ended."))


# ---------------------------------------------------------------- equipment

@login_required
def equipment_create(request, project_id):
    project = project_for_user(request.user, project_id)
    _deny_unless("teams.can_file", request.user, project)
    form = EquipmentForm(request.POST or None, project=project)
    if request.method == "POST" and form.is_valid():
        try:
            services.equipment_file(project=project, user=request.user, **form.service_kwargs())
        except DomainError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("Equipment filed."))
            return redirect("teams:project", project_id=project.pk)
    return render(request, "teams/form.html", {"form": form, "project": project, "title": _("File equipment")})


@login_required
def equipment_edit(request, pk):
    eq = selectors.equipment_for_user(request.user, pk)
    _deny_unless("teams.can_edit_filing", request.user, eq)
    form = EquipmentForm(request.POST or None, instance=eq, project=eq.project)
    if request.method == "POST" and form.is_valid():
        try:
            services.equipment_update(equipment=eq, user=request.user, **form.service_kwargs())
        except DomainError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("Equipment filing saved and submitted to the client."))
            return redirect("teams:project", project_id=eq.project_id)
    return render(request, "teams/form.html", {"form": form, "project": eq.project,
                                               "title": _("Correct the equipment filing")})


@login_required
@require_POST
def equipment_approve(request, pk):
    e = selectors.equipment_for_user(request.user, pk)
    return _decide(request, e, lambda note: services.equipment_approve(equipment=e, user=request.user, note=note),
                   form_class=NoteForm, success=_("Equipment approved."))


@login_required
@require_POST
def equipment_reject(request, pk):
    e = selectors.equipment_for_user(request.user, pk)
    return _decide(request, e, lambda reason: services.equipment_reject(equipment=e, user=request.user,
                                                                          reason=reason),
                   form_class=ReasonForm, success=_("Equipment rejected."))


@login_required
@require_POST
def equipment_retire(request, pk):
    e = selectors.equipment_for_user(request.user, pk)
    return _decide(request, e, lambda reason: services.equipment_retire(equipment=e, user=request.user,
                                                                          reason=reason),
                   form_class=ReasonForm, success=_("Equipment withdrawn."))


# ---------------------------------------------------------------- staff changes

@login_required
def change_create(request, project_id):
    project = project_for_user(request.user, project_id)
    _deny_unless("teams.can_request_change", request.user, project)
    form = StaffChangeForm(request.POST or None, project=project)
    if request.method == "POST" and form.is_valid():
        try:
            change = services.staff_change_request(project=project, user=request.user, **form.cleaned_data)
        except DomainError as exc:
            _form_error(form, exc)
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


@login_required
@require_POST
def change_approve(request, pk):
    c = selectors.change_for_user(request.user, pk)
    return _decide(request, c, lambda note: services.staff_change_approve(change=c, user=request.user, note=note),
                   form_class=NoteForm, success=_("Staff change approved."))


@login_required
@require_POST
def change_reject(request, pk):
    c = selectors.change_for_user(request.user, pk)
    return _decide(request, c, lambda reason: services.staff_change_reject(change=c, user=request.user,
                                                                             reason=reason),
                   form_class=ReasonForm, success=_("Staff change rejected."))


@login_required
@require_POST
def change_withdraw(request, pk):
    c = selectors.change_for_user(request.user, pk)
    return _decide(request, c, lambda reason: services.staff_change_withdraw(change=c, user=request.user,
                                                                               reason=reason),
                   form_class=ReasonForm, success=_("Staff change withdrawn."))


# ---------------------------------------------------------------- pledges

@login_required
@require_POST
def pledges_prepare(request, project_id):
    project = project_for_user(request.user, project_id)
    try:
        created = services.pledges_prepare_missing(project=project, user=request.user)
    except PermissionDenied:
        raise DjangoPermissionDenied from None
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("%(n)d integrity pledges prepared.") % {"n": len(created)})
    return redirect("teams:project", project_id=project.pk)
