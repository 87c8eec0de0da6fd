"""Thin views: the project's deadlines and the client lead's waive action."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.core.permissions import allowed
from apps.core.transitions import Target, TransitionView
from apps.projects.selectors import project_for_user

from . import selectors, services
from .forms import WaiveForm


@login_required
def project_deadlines(request, project_id):
    project = project_for_user(request.user, project_id)
    closed = request.GET.get("show") == "closed"
    page = Paginator(selectors.project_deadlines(project, closed=closed), 50).get_page(request.GET.get("page"))
    today = timezone.localdate()
    rows = [{"deadline": d, "overdue": d.is_overdue(today),
             "can_waive": allowed("deadlines.can_waive_deadline", request.user, d)} for d in page]
    return render(request, "deadlines/deadline_list.html", {
        "project": project, "page": page, "rows": rows, "closed": closed, "today": today,
        "query": "show=closed" if closed else "", "waive_form": WaiveForm(),
    })


class DeadlineTransition(TransitionView):
    """Waiving a deadline: a button on the project's deadline list (``post_only``); refusals and
    the result come back to the list as messages."""

    lookup = staticmethod(selectors.deadline_for_user)
    entity = "deadline"
    targets = {
        "waive": Target(rule="deadlines.may_waive_deadline", service=services.deadline_waive, form_class=WaiveForm,
                        success=_("The deadline is waived."), post_only=True),
    }

    def get_back_url(self, obj) -> str:
        return reverse("deadlines:project_deadlines", kwargs={"project_id": obj.project_id})
