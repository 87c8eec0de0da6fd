"""Thin views: the project's deadlines and the client lead's waive action."""

from __future__ import annotations

import rules
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.core.errors import DomainError, PermissionDenied
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
             "can_waive": rules.test_rule("deadlines.can_waive_deadline", request.user, d)} for d in page]
    return render(request, "deadlines/deadline_list.html", {
        "project": project, "page": page, "rows": rows, "closed": closed, "today": today,
        "query": "show=closed" if closed else "", "waive_form": WaiveForm(),
    })


@login_required
@require_POST
def deadline_waive(request, pk):
    deadline = selectors.deadline_for_user(request.user, pk)
    form = WaiveForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give a reason for waiving the deadline."))
        return redirect("deadlines:project_deadlines", project_id=deadline.project_id)
    try:
        services.deadline_waive(deadline=deadline, user=request.user, reason=form.cleaned_data["reason"])
    except PermissionDenied:
        raise DjangoPermissionDenied from None
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The deadline is waived."))
    return redirect("deadlines:project_deadlines", project_id=deadline.project_id)
