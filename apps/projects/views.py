"""Thin views: scoped lookup, form, one service call, message, redirect."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from apps.core.errors import DomainError
from apps.core.permissions import allowed, require
from apps.core.refusals import show_refusal
from apps.core.transitions import Target, TransitionView

from . import hooks, selectors, services
from .filters import ProjectFilter
from .forms import AttestationForm, MemberAddForm, OptionalReasonForm, ProjectForm, ReasonForm

TABS = ("overview", "gates", "annex_a", "members", "history")


@login_required
def project_list(request):
    visible = selectors.projects_visible_to(request.user)
    flt = ProjectFilter(request.GET or None, queryset=visible)
    qs = flt.qs if flt.is_bound and flt.is_valid() else visible
    if flt.is_bound and not flt.is_valid():
        messages.error(request, _("Some filters were not valid and were ignored."))
    page = Paginator(qs.order_by("-created_at", "pk"), 20).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "projects/project_list.html", {
        "filter": flt, "page": page, "query": query.urlencode(),
        "can_create": allowed("projects.can_create_project", request.user),
    })


@login_required
def project_create(request):
    require("projects.can_create_project", request.user)
    form = ProjectForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            project = services.project_create(user=request.user, **form.service_kwargs())
        except DomainError as exc:
            show_refusal(exc, form=form)
        else:
            messages.success(request, _("Project created. Add the team members next."))
            return redirect("projects:detail", pk=project.pk)
    return render(request, "projects/project_form.html", {"form": form, "title": _("New project")})


@login_required
def project_edit(request, pk):
    project = selectors.project_for_user(request.user, pk)
    require("projects.can_manage_project", request.user, project)
    form = ProjectForm(request.POST or None, instance=project)
    if request.method == "POST" and form.is_valid():
        try:
            services.project_update(project=project, user=request.user,
                                    expected_version=form.cleaned_data.get("version") or project.version,
                                    **form.service_kwargs())
        except DomainError as exc:
            show_refusal(exc, form=form)
        else:
            messages.success(request, _("Project saved."))
            return redirect("projects:detail", pk=project.pk)
    return render(request, "projects/project_form.html", {"form": form, "project": project,
                                                          "title": _("Edit project")})


@login_required
def project_detail(request, pk):
    project = selectors.project_for_user(request.user, pk)
    tab = request.GET.get("tab", "overview")
    if tab not in TABS:
        tab = "overview"
    context = {"project": project, "tab": tab,
               "can_manage": allowed("projects.can_manage_project", request.user, project),
               "can_suspend": allowed("projects.can_suspend_project", request.user, project),
               "can_resume": allowed("projects.can_resume_project", request.user, project),
               "notices": hooks.project_notices(project)}
    if tab in ("overview", "gates"):
        context["gates"] = selectors.project_gate_overview(project)
    if tab == "overview":
        context["reason_form"] = ReasonForm(initial={"version": project.version})
        context["advance_form"] = OptionalReasonForm(initial={"version": project.version})
    if tab == "gates":
        context["attest_form"] = AttestationForm()
        context["attestable"] = services.attestable_gates(project) if context["can_manage"] else set()
    if tab == "annex_a":
        context["annex_rows"] = selectors.annex_a_rows(project)
    if tab == "members":
        context["members"] = project.members.select_related("user", "user__organization").order_by(
            "-is_active", "role", "user__name")
        context["member_form"] = MemberAddForm(project=project)
    if tab == "history":
        context["history_page"] = Paginator(selectors.project_history(project), 50).get_page(request.GET.get("page"))
    template = f"projects/tabs/{tab}.html" if request.htmx and not request.htmx.boosted else "projects/project_detail.html"
    return render(request, template, context)


class ProjectTransition(TransitionView):
    """Advance, suspend, resume: buttons on the project page (``post_only``)."""

    lookup = staticmethod(selectors.project_for_user)
    entity = "project"
    targets = {
        "advance": Target(rule="projects.can_manage_project", service=services.project_advance,
                          form_class=OptionalReasonForm, success=gettext_lazy("The project moved on."), post_only=True),
        "suspend": Target(rule="projects.can_manage_project", service=services.project_suspend,
                          form_class=ReasonForm, success=gettext_lazy("The project is suspended."), post_only=True),
        "resume": Target(rule="projects.can_manage_project", service=services.project_resume,
                         form_class=ReasonForm, success=gettext_lazy("The project is resumed."), post_only=True),
    }

    def service_kwargs(self, obj, target, cleaned):
        return {"project": obj, "user": self.request.user, "reason": cleaned.get("reason", ""),
                "expected_version": cleaned.get("version")}

    def get_back_url(self, obj):
        return obj.get_absolute_url()


@login_required
def member_add(request, pk):
    project = selectors.project_for_user(request.user, pk)
    require("projects.can_manage_project", request.user, project)
    form = MemberAddForm(request.POST or None, project=project)
    if request.method == "POST" and form.is_valid():
        try:
            services.member_add(project=project, actor=request.user, user=form.cleaned_data["user"],
                                role=form.cleaned_data["role"])
        except DomainError as exc:
            show_refusal(exc, form=form)
        else:
            messages.success(request, _("Member added."))
            return redirect(f"{project.get_absolute_url()}?tab=members")
    return render(request, "projects/member_form.html", {"form": form, "project": project})


@login_required
@require_POST
def member_remove(request, pk, member_pk):
    project = selectors.project_for_user(request.user, pk)
    member = get_object_or_404(project.members, pk=member_pk)
    require("projects.can_manage_project", request.user, project)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give a reason for removing the member."))
    else:
        try:
            services.member_remove(member=member, actor=request.user, reason=form.cleaned_data["reason"])
        except DomainError as exc:
            show_refusal(exc, request=request)
        else:
            messages.success(request, _("Member removed."))
    return redirect(f"{project.get_absolute_url()}?tab=members")


@login_required
@require_POST
def gate_attest(request, pk):
    project = selectors.project_for_user(request.user, pk)
    require("projects.can_manage_project", request.user, project)
    form = AttestationForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the reference of the paper record."))
    else:
        try:
            services.gate_attest(project=project, user=request.user, **form.cleaned_data)
        except DomainError as exc:
            show_refusal(exc, request=request)
        else:
            messages.success(request, _("Attestation recorded."))
    return redirect(f"{project.get_absolute_url()}?tab=gates")


@login_required
@require_POST
def gate_attestation_revoke(request, pk, attestation_pk):
    project = selectors.project_for_user(request.user, pk)
    attestation = get_object_or_404(project.gate_attestations, pk=attestation_pk)
    require("projects.can_manage_project", request.user, project)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give a reason for withdrawing the attestation."))
    else:
        try:
            services.gate_attestation_revoke(attestation=attestation, user=request.user,
                                             reason=form.cleaned_data["reason"])
        except DomainError as exc:
            show_refusal(exc, request=request)
        else:
            messages.success(request, _("Attestation withdrawn."))
    return redirect(f"{project.get_absolute_url()}?tab=gates")
