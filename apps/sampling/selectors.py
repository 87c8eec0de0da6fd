"""Reads of the sampling settings and switching states (no writes: a page or an API GET, even
the regulator's, never creates rows; defaults are shown as unsaved instances)."""

from __future__ import annotations

from django.db.models import QuerySet

from apps.projects.enums import ServiceType
from apps.projects.models import Project

from .models import SamplingSettings, SwitchingEvent, SwitchingState


def settings_or_defaults(project: Project) -> SamplingSettings:
    """The saved settings, or an unsaved instance carrying the defaults."""
    return SamplingSettings.objects.filter(project=project).first() or SamplingSettings(project=project)


def service_types_of(project: Project) -> list[str]:
    """The project's service types, then any other type that has a switching state."""
    types = [t for t in (project.service_types or []) if t in ServiceType.values]
    for t in SwitchingState.objects.filter(project=project).values_list("service_type", flat=True):
        if t not in types:
            types.append(t)
    return types


def switching_states(project: Project) -> list[SwitchingState]:
    """One state per service type of the project (unsaved, at normal inspection, when no lot
    has been recorded yet)."""
    saved = {s.service_type: s for s in SwitchingState.objects.filter(project=project)}
    return [saved.get(t) or SwitchingState(project=project, service_type=t) for t in service_types_of(project)]


def switching_state(project: Project, service_type: str) -> SwitchingState | None:
    return SwitchingState.objects.filter(project=project, service_type=service_type).first()


def switching_events(project: Project, service_type: str | None = None) -> QuerySet[SwitchingEvent]:
    qs = SwitchingEvent.objects.filter(project=project).select_related("user")
    if service_type:
        qs = qs.filter(service_type=service_type)
    return qs.order_by("-created_at", "-pk")


def settings_history(project: Project) -> list:
    from apps.core.history_view import history_entries

    return history_entries([SamplingSettings.history.filter(project_id=project.pk)])
