"""What the views of every tab share: the tab page frame and the transition page of project
control (``control/form.html``, which extends ``core/transition.html`` with the breadcrumb to
项目管控)."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from apps.core.transitions import TransitionView
from apps.projects.selectors import project_for_user

from .. import selectors
from ..forms import ProjectForm


def history_page(request, project):
    return Paginator(selectors.project_control_history(project), 30).get_page(request.GET.get("page"))


def section(request, project, tab: str, template: str, context: dict):
    """A tab of the control page (with the counts of every tab)."""
    context.update({"project": project, "tab": tab, "summary": selectors.project_summary(project),
                    "today": timezone.localdate()})
    return render(request, template, context)


class ControlTransition(TransitionView):
    """A transition of a record of project control, on the page ``control/form.html``.

    ``title_name`` is the placeholder of the record in the targets' titles (``"Approve
    %(change)s"``); the targets in ``record_intro`` show the record's own text
    (:meth:`intro_of`) above the form."""

    template_name = "control/form.html"
    title_name = "record"
    record_intro: frozenset[str] = frozenset()

    def intro_of(self, obj) -> str:
        return ""

    def get_form_kwargs(self, obj, target) -> dict:
        if issubclass(target.form_class, ProjectForm):
            return {"project": self.get_project(obj)}
        return {}

    def get_context_data(self, **context) -> dict:
        record = context["record"]
        context["title"] = str(context["title"]) % {self.title_name: record}
        if self.target in self.record_intro:
            context["intro"] = self.intro_of(record)
        return context


class ProjectControlTransition(ControlTransition):
    """Records made on a tab of the project's control page (``projects/<project_id>/…/add/``):
    the project is the record, its tab is where the person goes back to (``tab``)."""

    lookup = staticmethod(project_for_user)
    entity = "project"
    pk_url_kwarg = "project_id"
    tab = ""

    def get_back_url(self, obj) -> str:
        return reverse(f"control:{self.tab}", args=[obj.pk])
