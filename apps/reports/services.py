"""Printable forms: render small ones at once, generate large ones in a task and keep them
(rendering and storing: ``generation``)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db import transaction
from django.utils.translation import gettext as _

from apps.core.history import history_context, save_with_history

from .generation import form_render, form_source_hash
from .models import FormRendition, RenditionState
from .tasks import generate_form

if TYPE_CHECKING:
    from .registry import FormSpec

logger = logging.getLogger(__name__)

# Seconds after which a form still waiting for the worker is queued again.
REQUEUE_AFTER = 300


@dataclass
class FormResult:
    pdf: bytes | None = None            # rendered now
    rendition: FormRendition | None = None  # stored copy or the one being generated, if any
    current: bool = False               # the stored copy is ready and matches the record


def _rendition(spec: FormSpec, record) -> FormRendition | None:
    ct = ContentType.objects.get_for_model(record)
    return FormRendition.objects.filter(content_type=ct, object_id=record.pk, code=spec.code).first()


def form_get(*, spec: FormSpec, record, user) -> FormResult:
    """The form for ``user`` (who may see the record), without writing anything: small forms
    rendered now; for large ones the stored copy and whether it is current. Asking for a large
    form to be generated is a separate step (:func:`form_request`, a POST)."""
    if not spec.is_large(record):
        return FormResult(pdf=form_render(spec, record))
    rendition = _rendition(spec, record)
    current = bool(rendition and rendition.state == RenditionState.READY
                   and rendition.source_hash == form_source_hash(spec, record))
    return FormResult(rendition=rendition, current=current)


def form_request(*, spec: FormSpec, record, user, current: str | None = None) -> FormRendition:
    """Queue the generation of a large form once; the task runs after the transaction commits.
    A form already waiting is queued again only when it has waited longer than
    ``REQUEUE_AFTER`` (a task lost with a worker), not on every look at the page; a stored copy
    found current once the row is locked (the worker finished meanwhile) is left as it is."""
    ct = ContentType.objects.get_for_model(record)
    current = current or form_source_hash(spec, record)
    with transaction.atomic(), history_context(user=user, reason=_("Form generation requested")):
        rendition, created = FormRendition.objects.select_for_update().get_or_create(
            content_type=ct, object_id=record.pk, code=spec.code,
            defaults={"project": spec.project(record), "requested_by": user})
        if rendition.state == RenditionState.READY and rendition.source_hash == current:
            return rendition
        queue = created or rendition.state != RenditionState.PENDING
        if not created and rendition.state != RenditionState.PENDING:
            rendition.state = RenditionState.PENDING
            rendition.requested_by = user
            rendition.error = ""
            save_with_history(rendition, update_fields=["state", "requested_by", "error"])
        key = f"reports:form-queued:{rendition.pk}"
        if queue:
            cache.set(key, 1, REQUEUE_AFTER)
        else:
            queue = cache.add(key, 1, REQUEUE_AFTER)
        if queue:
            transaction.on_commit(lambda: generate_form.delay(code=spec.code, content_type_id=ct.pk,
                                                              object_id=record.pk, user_id=user.pk))
    return rendition


def forms_refresh_for(*, spec: FormSpec, record) -> None:
    """A watched record changed: if a stored copy exists, queue its regeneration (on commit)."""
    rendition = _rendition(spec, record)
    if rendition is None:
        return
    form_request(spec=spec, record=record, user=rendition.requested_by)

