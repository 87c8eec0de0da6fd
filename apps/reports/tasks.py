from __future__ import annotations

import logging

from celery import shared_task
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.utils.translation import gettext as _

from apps.core.history import history_context

logger = logging.getLogger(__name__)


@shared_task(acks_late=True)
def generate_form(*, code: str, content_type_id: int, object_id: int, user_id: int) -> str:
    """Generate one stored form. Takes ids, re-fetches, returns quietly when the record is gone;
    running it twice stores one file (the second run finds the copy current)."""
    from .generation import form_generate
    from .models import FormRendition, RenditionState
    from .registry import forms

    spec = forms.get(code)
    user = get_user_model().objects.filter(pk=user_id).first()
    try:
        record = ContentType.objects.get_for_id(content_type_id).get_object_for_this_type(pk=object_id)
    except Exception:
        return "gone"
    if spec is None or user is None:
        return "gone"
    try:
        with history_context(user=user):
            form_generate(spec=spec, record=record, user=user)
    except Exception as exc:  # keep the failure visible on the page, then let Celery log it
        logger.exception("generating form %s of %s #%s failed", code, content_type_id, object_id)
        with history_context(user=user, reason=_("Form generation failed")):
            for rendition in FormRendition.objects.filter(content_type_id=content_type_id, object_id=object_id,
                                                          code=code):
                rendition.state = RenditionState.FAILED
                rendition.error = str(exc)[:500]
                rendition.save(update_fields=["state", "error"])
        raise
    return "ok"
