"""Reads, scoped to the projects the user may see."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from apps.projects.selectors import projects_visible_to

from .enums import DeadlineState
from .models import Deadline


def deadlines_visible_to(user) -> QuerySet[Deadline]:
    return Deadline.objects.filter(project__in=projects_visible_to(user).values("pk"))


def deadline_for_user(user, pk) -> Deadline:
    """The deadline with this id if the user may see its project; 404 otherwise."""
    try:
        return deadlines_visible_to(user).select_related("project").get(pk=pk)
    except (Deadline.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def project_deadlines(project, *, closed: bool = False) -> QuerySet[Deadline]:
    """Open deadlines of the project by due date (overdue first), or its closed ones, newest first."""
    qs = Deadline.objects.filter(project=project).select_related("responsible_org", "responsible_user", "closed_by")
    if closed:
        return qs.exclude(state=DeadlineState.OPEN).order_by("-closed_at", "-pk")
    return qs.filter(state=DeadlineState.OPEN).order_by("due_date", "pk")


def deadlines_for_record(record) -> QuerySet[Deadline]:
    from django.contrib.contenttypes.models import ContentType

    return Deadline.objects.filter(content_type=ContentType.objects.get_for_model(record), object_id=record.pk)
