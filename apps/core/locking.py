"""One way to lock a row before changing it, with optimistic locking on its ``version``.

::

    ticket = lock(ticket, expected_version=version)            # select_for_update + version check
    project = lock(Project, pk=project_id, related=("client",))

A service calls it inside the request's transaction, before it checks the state: two people
acting at once are serialised by the row lock, and the one who read an older ``version`` is
told so (code ``stale``: a 409 in the API, a message on the page) instead of overwriting.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import models
from django.utils.translation import gettext as _

from .errors import DomainError

STALE_CODE = "stale"


def stale_error(message: str | None = None) -> DomainError:
    return DomainError(message or _("Someone else changed this record after you opened it. Reload the page and try "
                                    "again."), code=STALE_CODE)


def check_version(obj: models.Model, expected_version: int | None, *, message: str | None = None) -> None:
    """Refuse when ``expected_version`` is given and is not the row's current ``version``."""
    if expected_version is None:
        return
    if isinstance(expected_version, bool) or not isinstance(expected_version, int) \
            or getattr(obj, "version", None) != expected_version:
        raise stale_error(message)


def lock(obj_or_model, *, pk=None, expected_version: int | None = None, related: Iterable[str] = (),
         message: str | None = None):
    """The row of ``obj_or_model`` (an instance, or a model with ``pk``) read again under
    ``SELECT … FOR UPDATE``; with ``expected_version``, refused as stale when it changed."""
    if isinstance(obj_or_model, models.Model):
        model, pk = type(obj_or_model), obj_or_model.pk
    else:
        model = obj_or_model
    qs = model._default_manager.select_for_update(of=("self",)) if related else \
        model._default_manager.select_for_update()
    if related:
        qs = qs.select_related(*related)
    locked = qs.get(pk=pk)
    check_version(locked, expected_version, message=message)
    return locked
