"""Which models may own attachments, and how to find the project of such a record.

A record can own attachments when one of these holds:

* it is a :class:`~apps.projects.models.Project` (project-level attachments);
* its model defines ``get_attachment_project(self) -> Project``;
* its model was registered here: ``register(Batch, lambda batch: batch.project)``.

The owning app may narrow who attaches and who sees the files of its records with two rules
(django-rules, registered in its ``rules.py`` like any other, with their refusal sentence)::

    attachment_rules(Meeting, add="control.can_attach_to_meeting",
                     download="control.can_see_meeting_files")

* ``add``: who may attach files to the record now (side, role, state: e.g. a signed record that
  must no longer change); a refusal refuses the upload with the rule's sentence;
* ``download``: who may see and download its files (e.g. classified records, security.md
  row 11); a refusal hides them (404).
"""

from __future__ import annotations

from typing import Any, Callable

from django.db import models

_resolvers: dict[str, Callable[[Any], Any]] = {}


def register(model: type[models.Model], resolver: Callable[[Any], Any]) -> None:
    """Let records of ``model`` own attachments; ``resolver(record)`` returns their project."""
    _resolvers[model._meta.label_lower] = resolver


def is_attachable(model: type[models.Model] | None) -> bool:
    from apps.projects.models import Project

    if model is None:
        return False
    return (issubclass(model, Project) or callable(getattr(model, "get_attachment_project", None))
            or model._meta.label_lower in _resolvers)


def project_of(record) -> Any:
    """The project that scopes ``record``'s attachments, or None if the record cannot own any."""
    from apps.projects.models import Project

    if record is None:
        return None
    if isinstance(record, Project):
        return record
    getter = getattr(record, "get_attachment_project", None)
    if callable(getter):
        return getter()
    resolver = _resolvers.get(record._meta.label_lower)
    return resolver(record) if resolver else None


_add_rules: dict[str, str] = {}
_download_rules: dict[str, str] = {}


def attachment_rules(model: type[models.Model], *, add: str | None = None, download: str | None = None) -> None:
    """Name the rules that narrow attaching to (``add``) and seeing the files of (``download``)
    records of ``model``; see the module docstring."""
    if add:
        _add_rules[model._meta.label_lower] = add
    if download:
        _download_rules[model._meta.label_lower] = download


def add_rule_of(record) -> str | None:
    return _add_rules.get(record._meta.label_lower) if record is not None else None


def may_add_to(user, record) -> bool:
    """Whether ``record``'s own rule lets ``user`` attach files to it now (True without one)."""
    from apps.core.permissions import allowed

    name = add_rule_of(record)
    return allowed(name, user, record) if name else True


def has_download_rule(model: type[models.Model] | None) -> bool:
    return model is not None and model._meta.label_lower in _download_rules


def may_download_from(user, record) -> bool:
    """Whether ``record``'s own rule lets ``user`` see its files (True without one)."""
    from apps.core.permissions import allowed

    name = _download_rules.get(record._meta.label_lower) if record is not None else None
    return allowed(name, user, record) if name else True
