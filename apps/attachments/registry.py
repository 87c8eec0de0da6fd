"""Which models may own attachments, and how to find the project of such a record.

A record can own attachments when one of these holds:

* it is a :class:`~apps.projects.models.Project` (project-level attachments);
* its model defines ``get_attachment_project(self) -> Project``;
* its model was registered here: ``register(Batch, lambda batch: batch.project)``.

Optional hooks an owning model may define (both receive the acting user):

* ``can_download_attachment(user) -> bool``: narrows who may see/download its attachments
  (e.g. classified records, security.md row 11); False hides them (404).
* ``can_add_attachment(user) -> bool``: narrows who may attach files to it (e.g. a signed
  record that must no longer change); False refuses the upload.
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
