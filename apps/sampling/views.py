"""Thin views: scoped lookup, rule, form, one service call, message, redirect.

The client lead's switching decisions are the targets of :class:`SwitchingTransition`; the
settings form and the overview are function views."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.core.errors import DomainError
from apps.core.permissions import allowed, require
from apps.core.refusals import show_refusal
from apps.core.transitions import Target, TransitionView
from apps.projects.enums import ServiceType
from apps.projects.selectors import project_for_user

from . import selectors, services
from .enums import Regime
from .forms import ApproveReducedForm, PlanPreviewForm, ReasonForm, SettingsForm
from .models import SwitchingState


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
    rows = [{"state": state,
             "can_approve_reduced": allowed("sampling.can_approve_reduced", request.user, state),
             "can_return_normal": allowed("sampling.can_return_to_normal", request.user, state),
             "can_resume": allowed("sampling.can_resume_inspection", request.user, state)}
            for state in selectors.switching_states(project)]

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
        "may_edit": allowed("sampling.may_edit_sampling_settings", request.user, project),
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
    require("sampling.may_edit_sampling_settings", request.user, project)
    current = selectors.settings_or_defaults(project)
    form = SettingsForm(request.POST or None, initial=SettingsForm.initial_from(current))
    if request.method == "POST" and form.is_valid():
        try:
            services.sampling_settings_update(project=project, user=request.user,
                                              expected_version=form.cleaned_data["version"], **form.service_kwargs())
        except DomainError as exc:
            show_refusal(exc, form=form)
        else:
            messages.success(request, _("Sampling settings saved."))
            return redirect("sampling:project", project.pk)
    return render(request, "sampling/settings.html", {
        "project": project, "form": form, "settings": current,
        "history": selectors.settings_history(project)[:50]})


class SwitchingTransition(TransitionView):
    """The client lead's decisions on the switching state of one service type (GB/T 2828.1 §9):
    ``/sampling/projects/<project_id>/<service_type>/reduced|normal|resume/``. The state may not
    be saved yet (no lot recorded): the page shows the defaults and the service creates it."""

    entity = "state"
    template_name = "sampling/action.html"
    targets = {
        "approve_reduced": Target(
            rule="sampling.may_approve_reduced", service=services.switching_reduced_approve,
            form_class=ApproveReducedForm, title=gettext_lazy("Switch to reduced inspection"),
            intro=gettext_lazy("GB/T 2828.1 §9.3.3: the switching score is at least 30, production is at a steady "
                               "rate and the client considers reduced inspection desirable."),
            success=gettext_lazy("Reduced inspection begins with the next lot.")),
        "return_normal": Target(
            rule="sampling.may_return_to_normal", service=services.switching_normal_return, form_class=ReasonForm,
            title=gettext_lazy("Return to normal inspection"),
            intro=gettext_lazy("GB/T 2828.1 §9.3.4: production irregular or delayed, or other conditions warrant "
                               "normal inspection."),
            success=gettext_lazy("Normal inspection begins with the next lot.")),
        "resume": Target(
            rule="sampling.may_resume_inspection", service=services.switching_resume, form_class=ReasonForm,
            title=gettext_lazy("Resume sampling inspection"),
            intro=gettext_lazy("GB/T 2828.1 §9.4: resume only after the contractor's corrective action, which you "
                               "consider likely to be effective; inspection resumes on tightened inspection."),
            success=gettext_lazy("Sampling inspection resumed on tightened inspection.")),
    }

    def get_object(self):
        project = project_for_user(self.request.user, self.kwargs["project_id"])
        service_type = _service_type(self.kwargs["service_type"])
        return (selectors.switching_state(project, service_type)
                or SwitchingState(project=project, service_type=service_type))

    def get_initial(self, obj, target):
        return {"version": obj.version}

    def service_kwargs(self, obj, target, cleaned):
        version = cleaned.pop("version", None)
        return {"project": obj.project, "service_type": obj.service_type, "user": self.request.user,
                "expected_version": version, **cleaned}

    def get_back_url(self, obj):
        return reverse("sampling:project", args=[obj.project_id])
