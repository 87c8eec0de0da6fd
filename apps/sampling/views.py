"""Thin views: scoped lookup, role check, form, one service call, message, redirect."""

from __future__ import annotations

import rules
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from apps.core.errors import DomainError, PermissionDenied
from apps.projects.enums import ServiceType
from apps.projects.selectors import project_for_user

from . import selectors, services
from .enums import Regime
from .forms import ApproveReducedForm, PlanPreviewForm, ReasonForm, SettingsForm
from .models import SwitchingState


def _deny_unless(rule: str, user, obj) -> None:
    if not rules.test_rule(rule, user, obj):
        raise DjangoPermissionDenied


def _apply_domain_error(form, exc: DomainError) -> None:
    if isinstance(exc, PermissionDenied):
        raise DjangoPermissionDenied from None
    field = exc.field if exc.field in form.fields and exc.field != "version" else None
    form.add_error(field, exc.message)


def _service_type(value: str) -> str:
    if value not in ServiceType.values:
        raise Http404
    return value


@login_required
def project_page(request, project_id):
    """The contract's sampling settings, the regime of each service type with its score and
    counters, a plan calculator and the switching log."""
    project = project_for_user(request.user, project_id)
    sampling_settings = selectors.settings_or_defaults(project)
    states = selectors.switching_states(project)
    may_manage = rules.test_rule("sampling.may_manage_switching", request.user, project)
    rows = []
    for state in states:
        rows.append({
            "state": state,
            "can_approve_reduced": may_manage and state.regime == Regime.NORMAL and not state.discontinued
            and sampling_settings.reduced_allowed and state.switching_score >= services.REDUCED_SCORE,
            "can_return_normal": may_manage and state.regime == Regime.REDUCED,
            "can_resume": may_manage and state.discontinued,
        })

    service_types = selectors.service_types_of(project) or list(ServiceType.values)
    preview_form = PlanPreviewForm(request.GET if "lot_size" in request.GET else None, service_types=service_types)
    preview = preview_error = None
    if preview_form.is_bound and preview_form.is_valid():
        try:
            preview = services.plan_with(project, sampling_settings, preview_form.cleaned_data["service_type"],
                                         preview_form.cleaned_data["lot_size"])
        except DomainError as exc:
            preview_error = exc.message

    service_filter = request.GET.get("service_type", "") if request.GET.get("service_type") in ServiceType.values \
        else ""
    events = selectors.switching_events(project, service_filter or None)
    return render(request, "sampling/project.html", {
        "project": project, "settings": sampling_settings, "rows": rows,
        "floor_rate": services.floor_rate_for(project, sampling_settings),
        "may_edit": rules.test_rule("sampling.may_edit_sampling_settings", request.user, project),
        "preview_form": preview_form, "preview": preview, "preview_error": preview_error,
        "preview_rows": _preview_rows(preview) if preview else [],
        "preview_regime": Regime(preview.regime).label if preview else "",
        "events_page": Paginator(events, 30).get_page(request.GET.get("page")),
        "service_filter": service_filter, "service_types": [(t, ServiceType(t).label) for t in service_types],
        "reduced_score": services.REDUCED_SCORE,
    })


def _preview_rows(plan) -> list[dict]:
    from apps.inspections.enums import DefectGrade

    return [{"grade": DefectGrade(grade).label, "aql": plan.aqls.get(grade), "plan": p}
            for grade, p in plan.plans.items()]


@login_required
def settings_edit(request, project_id):
    project = project_for_user(request.user, project_id)
    _deny_unless("sampling.may_edit_sampling_settings", request.user, project)
    current = selectors.settings_or_defaults(project)
    form = SettingsForm(request.POST or None, initial=SettingsForm.initial_from(current))
    if request.method == "POST" and form.is_valid():
        try:
            services.settings_update(project, user=request.user, version=form.cleaned_data["version"],
                                     **form.service_kwargs())
        except DomainError as exc:
            _apply_domain_error(form, exc)
        else:
            messages.success(request, _("Sampling settings saved."))
            return redirect("sampling:project", project.pk)
    return render(request, "sampling/settings.html", {
        "project": project, "form": form, "settings": current,
        "history": selectors.settings_history(project)[:50]})


def _state_or_default(project, service_type) -> SwitchingState:
    return selectors.switching_state(project, service_type) or SwitchingState(project=project,
                                                                              service_type=service_type)


def _action(request, project_id, service_type, *, form_class, title: str, explanation: str, call, done: str):
    project = project_for_user(request.user, project_id)
    service_type = _service_type(service_type)
    _deny_unless("sampling.may_manage_switching", request.user, project)
    state = _state_or_default(project, service_type)
    form = form_class(request.POST or None, initial={"version": state.version})
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            call(project, service_type, user=request.user, **data)
        except DomainError as exc:
            _apply_domain_error(form, exc)
        else:
            messages.success(request, done)
            return redirect(reverse("sampling:project", args=[project.pk]))
    return render(request, "sampling/action.html", {
        "project": project, "state": state, "form": form, "title": title, "explanation": explanation})


@login_required
def approve_reduced(request, project_id, service_type):
    return _action(
        request, project_id, service_type, form_class=ApproveReducedForm,
        title=_("Switch to reduced inspection"),
        explanation=_("GB/T 2828.1 §9.3.3: the switching score is at least 30, production is at a steady rate and "
                      "the client considers reduced inspection desirable."),
        call=services.approve_reduced, done=_("Reduced inspection begins with the next lot."))


@login_required
def return_normal(request, project_id, service_type):
    return _action(
        request, project_id, service_type, form_class=ReasonForm, title=_("Return to normal inspection"),
        explanation=_("GB/T 2828.1 §9.3.4: production irregular or delayed, or other conditions warrant "
                      "normal inspection."),
        call=services.return_to_normal, done=_("Normal inspection begins with the next lot."))


@login_required
def resume(request, project_id, service_type):
    return _action(
        request, project_id, service_type, form_class=ReasonForm, title=_("Resume sampling inspection"),
        explanation=_("GB/T 2828.1 §9.4: resume only after the contractor's corrective action, which you consider "
                      "likely to be effective; inspection resumes on tightened inspection."),
        call=services.resume_inspection, done=_("Sampling inspection resumed on tightened inspection."))
