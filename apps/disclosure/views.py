"""Thin views: scoped lookup, form, one service call, message, redirect."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from apps.core.errors import DomainError
from apps.core.permissions import allowed, require
from apps.core.refusals import show_refusal
from apps.projects.selectors import project_for_user

from . import selectors, services
from .forms import AttendanceForm, DisclosureForm, ItemForm


@login_required
@require_http_methods(["GET", "POST"])
def project_page(request, project_id):
    project = project_for_user(request.user, project_id)
    form = DisclosureForm(request.POST or None)
    if request.method == "POST":
        require("disclosure.can_organise", request.user, project)
        if form.is_valid():
            try:
                disclosure = services.disclosure_create(project=project, user=request.user, **form.cleaned_data)
            except DomainError as exc:
                show_refusal(exc, form=form)
            else:
                messages.success(request, _("Technical disclosure organised. Fill the checklist and record attendance."))
                return redirect(disclosure.get_absolute_url())
    rows = [{"d": d, "signed_by_both": selectors.is_signed_by_both(d)} for d in selectors.project_disclosures(project)]
    return render(request, "disclosure/project.html", {
        "project": project, "rows": rows, "form": form,
        "can_organise": allowed("disclosure.can_organise", request.user, project)})


@login_required
@require_GET
def detail(request, pk):
    disclosure = selectors.disclosure_for_user(request.user, pk)
    with_files = selectors.items_with_files(disclosure)
    return render(request, "disclosure/detail.html", {
        "disclosure": disclosure, "project": disclosure.project,
        "items": [{"item": i, "complete": bool(i.text.strip()) or i.pk in with_files,
                   "form": ItemForm(initial={"text": i.text}, prefix=f"item{i.pk}")}
                  for i in selectors.items_in_order(disclosure)],
        "attendees": selectors.attendee_people(disclosure),
        "missing": selectors.missing_attendees(disclosure),
        "problems": selectors.signing_problems(disclosure),
        "signed_by_both": selectors.is_signed_by_both(disclosure),
        "attendance_form": AttendanceForm(project=disclosure.project,
                                          initial={"attendees": [p.pk for p in selectors.attendee_people(disclosure)]}),
        "edit_form": DisclosureForm(initial={"meeting_date": disclosure.meeting_date, "place": disclosure.place,
                                             "note": disclosure.note}),
    })


def _flash_errors(request, form) -> None:
    """The form's errors as messages: these forms are parts of the detail page, which is shown
    again after the redirect."""
    for errors in form.errors.values():
        for e in errors:
            messages.error(request, e)


@login_required
@require_POST
def edit(request, pk):
    disclosure = selectors.disclosure_for_user(request.user, pk)
    require("disclosure.can_organise", request.user, disclosure)
    form = DisclosureForm(request.POST)
    if not form.is_valid():
        _flash_errors(request, form)
        return redirect(disclosure.get_absolute_url())
    try:
        services.disclosure_update(disclosure=disclosure, user=request.user, **form.cleaned_data)
    except DomainError as exc:
        show_refusal(exc, request=request)
    else:
        messages.success(request, _("Saved."))
    return redirect(disclosure.get_absolute_url())


@login_required
@require_POST
def attendance(request, pk):
    disclosure = selectors.disclosure_for_user(request.user, pk)
    require("disclosure.can_organise", request.user, disclosure)
    form = AttendanceForm(request.POST, project=disclosure.project)
    if not form.is_valid():
        _flash_errors(request, form)
        return redirect(disclosure.get_absolute_url())
    try:
        services.disclosure_attendees_set(disclosure=disclosure, user=request.user,
                                          people=form.cleaned_data["attendees"])
    except DomainError as exc:
        show_refusal(exc, request=request)
    else:
        messages.success(request, _("Attendance recorded."))
    return redirect(disclosure.get_absolute_url())


@login_required
@require_POST
def item_update(request, pk):
    item = selectors.item_for_user(request.user, pk)
    require("disclosure.can_organise", request.user, item.disclosure)
    form = ItemForm(request.POST, prefix=f"item{item.pk}")
    if not form.is_valid():
        _flash_errors(request, form)
        return redirect(item.disclosure.get_absolute_url())
    try:
        services.disclosure_item_update(item=item, user=request.user, text=form.cleaned_data["text"])
    except DomainError as exc:
        show_refusal(exc, request=request)
    else:
        messages.success(request, _("Saved."))
    return redirect(item.disclosure.get_absolute_url())
