"""Thin views: scoped lookup, rule check, one service call, message, redirect."""

from __future__ import annotations

from urllib.parse import urlencode

import rules
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.core.errors import DomainError
from apps.projects.selectors import project_for_user

from . import selectors, services
from .enums import PlanStatus
from .forms import CommentsForm, PlanVersionForm, ReviseForm
from .models import CONTENT_FIELDS, is_major_project


def _deny_unless(rule: str, user, obj) -> None:
    if not rules.test_rule(rule, user, obj):
        raise DjangoPermissionDenied


def _form_error(form, exc: DomainError) -> None:
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)


def _sign_url(version) -> str:
    ct = ContentType.objects.get_for_model(version)
    return reverse("signatures:sign", args=[ct.pk, version.pk]) + "?" + urlencode(
        {"next": version.get_absolute_url()})


@login_required
def project_versions(request, project_id):
    project = project_for_user(request.user, project_id)
    versions = list(selectors.project_versions(project))
    in_force = selectors.plan_in_force(project)
    for v in versions:
        v.approval = selectors.approval_signature(v) if v.status == PlanStatus.APPROVED else None
    return render(request, "plans/project_versions.html", {
        "project": project, "versions": versions, "in_force": in_force,
        "gate_met": selectors.plan_is_approved(project), "is_major": is_major_project(project),
        "can_create": rules.test_rule("plans.can_create_plan_version", request.user, project)
        and not any(v.is_open for v in versions),
    })


@login_required
def version_create(request, project_id):
    project = project_for_user(request.user, project_id)
    _deny_unless("plans.can_create_plan_version", request.user, project)
    form = PlanVersionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            version = services.plan_version_create(project=project, user=request.user,
                                                   change_reason=form.cleaned_data["change_reason"],
                                                   **form.content())
        except DomainError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("Plan version saved as a draft. Attach the plan documents, then submit."))
            return redirect(version.get_absolute_url())
    return render(request, "plans/version_form.html", {"form": form, "project": project,
                                                       "is_major": is_major_project(project)})


@login_required
def version_edit(request, pk):
    version = selectors.version_for_user(request.user, pk)
    _deny_unless("plans.can_edit_plan", request.user, version)
    initial = {f: getattr(version, f) for f in CONTENT_FIELDS} | {"change_reason": version.change_reason}
    form = PlanVersionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_version_update(version=version, user=request.user,
                                         change_reason=form.cleaned_data["change_reason"], **form.content())
        except DomainError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("Plan version saved."))
            return redirect(version.get_absolute_url())
    return render(request, "plans/version_form.html", {"form": form, "project": version.project,
                                                       "version": version,
                                                       "is_major": is_major_project(version.project)})


@login_required
def version_detail(request, pk):
    version = selectors.version_for_user(request.user, pk)
    approval = selectors.approval_signature(version) if version.status == PlanStatus.APPROVED else None
    return render(request, "plans/version_detail.html", {
        "version": version, "project": version.project, "approval": approval,
        "in_force": selectors.plan_in_force(version.project),
        "sign_url": _sign_url(version) if version.status == PlanStatus.APPROVED and approval is None else "",
        "comments_form": CommentsForm(), "revise_form": ReviseForm(),
        "can_revise": version.status in (PlanStatus.RETURNED, PlanStatus.APPROVED)
        and rules.test_rule("plans.can_create_plan_version", request.user, version.project)
        and not version.project.plan_versions.filter(status__in=[PlanStatus.DRAFT, PlanStatus.SUBMITTED]).exists(),
        "is_major": is_major_project(version.project),
        "history": version.history.select_related("history_user").order_by("-history_date")[:50],
    })


@login_required
@require_POST
def version_submit(request, pk):
    version = selectors.version_for_user(request.user, pk)
    _deny_unless("plans.can_submit_plan", request.user, version)
    try:
        services.plan_version_submit(version=version, user=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Plan version submitted to the client for review."))
    return redirect(version.get_absolute_url())


@login_required
@require_POST
def version_approve(request, pk):
    version = selectors.version_for_user(request.user, pk)
    _deny_unless("plans.can_approve_plan", request.user, version)
    form = CommentsForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The comments are too long."))
        return redirect(version.get_absolute_url())
    try:
        version = services.plan_version_approve(version=version, user=request.user,
                                                comments=form.cleaned_data["comments"])
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect(version.get_absolute_url())
    messages.success(request, _("Plan approved. Sign the approval to put it in writing."))
    return redirect(_sign_url(version))


@login_required
@require_POST
def version_return(request, pk):
    version = selectors.version_for_user(request.user, pk)
    _deny_unless("plans.can_return_plan", request.user, version)
    form = CommentsForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The comments are too long."))
        return redirect(version.get_absolute_url())
    try:
        services.plan_version_return(version=version, user=request.user, comments=form.cleaned_data["comments"])
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Plan returned to the contractor with your comments."))
    return redirect(version.get_absolute_url())


@login_required
@require_POST
def version_revise(request, pk):
    version = selectors.version_for_user(request.user, pk)
    _deny_unless("plans.can_create_plan_version", request.user, version.project)
    form = ReviseForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say what changed in this version and why."))
        return redirect(version.get_absolute_url())
    try:
        new = services.plan_version_revise(version=version, user=request.user, reason=form.cleaned_data["reason"])
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect(version.get_absolute_url())
    messages.success(request, _("New draft version created from this one. Edit it, then submit."))
    return redirect(new.get_absolute_url())
