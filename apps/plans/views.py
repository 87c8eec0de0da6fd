"""Thin views: scoped lookup, rule, one service call, message, redirect. The transitions of a
plan version (submit, approve, return, revise) are rows of one transition table."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.core.errors import DomainError
from apps.core.permissions import allowed, require
from apps.core.refusals import show_refusal
from apps.core.transitions import Target, TransitionView
from apps.projects.selectors import project_for_user

from . import selectors, services
from .enums import PlanStatus
from .forms import CommentsForm, PlanVersionForm, ReviseForm
from .models import CONTENT_FIELDS, is_major_project


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
        "can_create": allowed("plans.can_start_plan_version", request.user, project),
    })


@login_required
def version_create(request, project_id):
    project = project_for_user(request.user, project_id)
    require("plans.can_create_plan_version", request.user, project)
    form = PlanVersionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            version = services.plan_version_create(project=project, user=request.user,
                                                   change_reason=form.cleaned_data["change_reason"],
                                                   **form.content())
        except DomainError as exc:
            show_refusal(exc, form=form)
        else:
            messages.success(request, _("Plan version saved as a draft. Attach the plan documents, then submit."))
            return redirect(version.get_absolute_url())
    return render(request, "plans/version_form.html", {"form": form, "project": project,
                                                       "is_major": is_major_project(project)})


@login_required
def version_edit(request, pk):
    version = selectors.version_for_user(request.user, pk)
    require("plans.can_edit_plan", request.user, version)
    initial = {f: getattr(version, f) for f in CONTENT_FIELDS} | {"change_reason": version.change_reason}
    form = PlanVersionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_version_update(version=version, user=request.user,
                                         change_reason=form.cleaned_data["change_reason"], **form.content())
        except DomainError as exc:
            show_refusal(exc, form=form)
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
        "can_revise": allowed("plans.can_revise_plan", request.user, version),
        "is_major": is_major_project(version.project),
        "history": version.history.select_related("history_user").order_by("-history_date")[:50],
    })


class VersionTransition(TransitionView):
    """Submit (contractor PM), approve (client lead; then to the signing form), return with
    comments (client lead or inspector), revise into a new version (contractor PM): buttons on
    the version page (``post_only``)."""

    lookup = staticmethod(selectors.version_for_user)
    entity = "version"
    targets = {
        "submit": Target(rule="plans.can_submit_plan", service=services.plan_version_submit,
                         success=gettext_lazy("Plan version submitted to the client for review."), post_only=True),
        "approve": Target(rule="plans.can_approve_plan", service=services.plan_version_approve,
                          form_class=CommentsForm, post_only=True,
                          success=gettext_lazy("Plan approved. Sign the approval to put it in writing.")),
        "return": Target(rule="plans.can_return_plan", service=services.plan_version_return,
                         form_class=CommentsForm, post_only=True,
                         success=gettext_lazy("Plan returned to the contractor with your comments.")),
        "revise": Target(rule="plans.can_create_plan_version", service=services.plan_version_revise,
                         form_class=ReviseForm, post_only=True, to_result=True,
                         success=gettext_lazy("New draft version created from this one. Edit it, then submit.")),
    }

    def get_success_url(self, obj, result) -> str:
        if self.target == "approve":
            # The written approval: straight to the signing form, back to the version afterwards.
            return _sign_url(result)
        return super().get_success_url(obj, result)
