"""Hooks other apps attach to project events, from their ``AppConfig.ready()``.

    from apps.projects.hooks import on_project_created
    on_project_created(create_qualification_deadline)

Each hook is called as ``hook(project=project, user=user)`` inside the transaction of the
event, after the project's own rows are written; an exception in a hook rolls the event back.
"""

from __future__ import annotations

from typing import Callable

_created: list[Callable] = []


def on_project_created(hook: Callable) -> Callable:
    if hook not in _created:
        _created.append(hook)
    return hook


def project_created(*, project, user) -> None:
    for hook in list(_created):
        hook(project=project, user=user)


_signed_changed: list[Callable] = []


def on_contract_signed_changed(hook: Callable) -> Callable:
    """``hook(project=project, user=user)`` after the contract signing date changed (dates that
    count from it, like the qualification review's, move with it); inside the update's transaction."""
    if hook not in _signed_changed:
        _signed_changed.append(hook)
    return hook


def contract_signed_changed(*, project, user) -> None:
    for hook in list(_signed_changed):
        hook(project=project, user=user)


# ---------------------------------------------------------------- history sources

_history_sources: list[Callable] = []


def register_history_source(source: Callable) -> Callable:
    """``source(project)`` returns a historical queryset of one model, filtered to the project;
    its rows appear on the project's history tab and in the printed history."""
    if source not in _history_sources:
        _history_sources.append(source)
    return source


def history_sources() -> list[Callable]:
    return list(_history_sources)
