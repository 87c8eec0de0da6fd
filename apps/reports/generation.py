"""Rendering a registered form and storing it: what the Celery task and the services share."""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING

from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.core.history import history_context, save_with_history

from .models import FormRendition, RenditionState
from .pdf import render_pdf

if TYPE_CHECKING:
    from .registry import FormSpec


def form_html(spec: FormSpec, record, *, generated_at=None) -> str:
    context = {"form_title": spec.title, **spec.context(record), "generated_at": generated_at}
    return render_to_string(spec.template, context)


def form_source_hash(spec: FormSpec, record) -> str:
    """Hash of the form as it would print now, without its print time: changes iff the content does."""
    return hashlib.sha256(form_html(spec, record).encode("utf-8")).hexdigest()


def form_render(spec: FormSpec, record) -> bytes:
    return render_pdf(form_html(spec, record, generated_at=timezone.localtime()))


def form_generate(*, spec: FormSpec, record, user) -> FormRendition:
    """Render the form and store it as a report attachment of its record. Safe to run twice: a
    current stored copy is kept as it is; a stale one is replaced (the old file stays, removed)."""
    from apps.attachments.enums import AttachmentKind
    from apps.attachments.models import Attachment

    ct = ContentType.objects.get_for_model(record)
    project = spec.project(record)
    source_hash = form_source_hash(spec, record)
    with transaction.atomic(), history_context(user=user, reason=_("Form generated")):
        rendition, _created = FormRendition.objects.select_for_update().get_or_create(
            content_type=ct, object_id=record.pk, code=spec.code,
            defaults={"project": project, "requested_by": user})
        if rendition.state == RenditionState.READY and rendition.source_hash == source_hash:
            return rendition
        pdf = form_render(spec, record)
        attachment = Attachment(content_type=ct, object_id=record.pk, project=project, kind=AttachmentKind.REPORT,
                                original_name=spec.file_name(record), size=len(pdf), mime_type="application/pdf",
                                sha256=hashlib.sha256(pdf).hexdigest(), uploaded_by=user)
        attachment.file.save("form.pdf", ContentFile(pdf), save=False)
        attachment.save()
        old = rendition.attachment
        if old is not None and not old.is_removed:
            old.is_removed = True
            old.removed_by = user
            old.removed_at = timezone.now()
            old.removal_reason = _("Replaced by a regenerated form")
            save_with_history(old, reason=old.removal_reason,
                              update_fields=["is_removed", "removed_by", "removed_at", "removal_reason"])
        rendition.attachment = attachment
        rendition.source_hash = source_hash
        rendition.state = RenditionState.READY
        rendition.generated_at = timezone.now()
        rendition.error = ""
        save_with_history(rendition, update_fields=["attachment", "source_hash", "state", "generated_at", "error"])
    return rendition
