"""Writes: attach a file to a record, remove (soft-delete) an attachment."""

from __future__ import annotations

import hashlib
import logging

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.core.errors import DomainError, PermissionDenied
from apps.core.history import history_context, save_with_history
from apps.core.locking import lock
from apps.core.permissions import require
from apps.core.text import clean_text
from apps.projects.models import Project
from apps.projects.selectors import projects_visible_to

from . import registry, validation
from .enums import AttachmentKind
from .models import Attachment

logger = logging.getLogger(__name__)


def max_upload_bytes() -> int:
    return int(getattr(settings, "ATTACHMENT_MAX_BYTES", validation.DEFAULT_MAX_BYTES))


def _size_and_sha256(fileobj) -> tuple[int, str]:
    digest = hashlib.sha256()
    size = 0
    fileobj.seek(0)
    while chunk := fileobj.read(validation.CHUNK):
        size += len(chunk)
        digest.update(chunk)
    fileobj.seek(0)
    return size, digest.hexdigest()


def _check_may_add(*, record, project: Project, user) -> None:
    if not (user and user.is_authenticated and user.is_active):
        raise PermissionDenied(_("You must be signed in to attach files."))
    if getattr(user, "is_read_only", False):
        raise PermissionDenied(_("Regulator accounts are read-only and cannot attach files."))
    if project is None or project.pk is None or not projects_visible_to(user).filter(pk=project.pk).exists():
        raise PermissionDenied(_("You cannot attach files to this project."))
    require("attachments.can_add_attachment", user, project)
    if record is None or getattr(record, "pk", None) is None:
        raise DomainError(_("The record to attach the file to does not exist."), field="record")
    if not registry.is_attachable(type(record)):
        raise DomainError(_("Files cannot be attached to this kind of record."), field="record")
    owner = registry.project_of(record)
    if owner is None or owner.pk != project.pk:
        raise DomainError(_("The record does not belong to this project."), field="record")
    rule = registry.add_rule_of(record)
    if rule:
        require(rule, user, record)


def attachment_add(*, record, project: Project, user, uploaded_file, kind: str) -> Attachment:
    """Check the uploader and the file (size, type, content), store it under a server-generated
    name and record it (security.md row 21)."""
    _check_may_add(record=record, project=project, user=user)
    if kind not in AttachmentKind.values:
        raise DomainError(_("Unknown attachment kind."), field="kind")
    if uploaded_file is None:
        raise DomainError(_("Choose a file to upload."), field="file")

    name = validation.sanitize_file_name(getattr(uploaded_file, "name", ""))
    if not name:
        raise DomainError(_("The file has no usable name."), field="file")
    limit = max_upload_bytes()
    declared = getattr(uploaded_file, "size", None)
    if declared is not None and declared > limit:
        raise DomainError(_("The file is larger than the limit of %(limit)s.") % {"limit": filesizeformat(limit)},
                          field="file")
    try:
        size, sha256 = _size_and_sha256(uploaded_file)
        if size == 0:
            raise DomainError(_("The file is empty."), field="file")
        if size > limit:
            raise DomainError(_("The file is larger than the limit of %(limit)s.")
                              % {"limit": filesizeformat(limit)}, field="file")
        detected = validation.detect(uploaded_file, validation.extension_of(name))
    except validation.FileRejected as exc:
        raise DomainError(exc.message, field="file") from None
    except (OSError, ValueError) as exc:
        logger.warning("attachment upload unreadable: %s", exc)
        raise DomainError(_("The file could not be read. Upload it again."), field="file") from None

    attachment = Attachment(
        content_type=ContentType.objects.get_for_model(record), object_id=record.pk, project=project,
        kind=kind, original_name=name, size=size, mime_type=detected.mime_type, sha256=sha256, uploaded_by=user)
    # Only the (whitelisted) extension reaches the storage name; see models.attachment_upload_to.
    uploaded_file.seek(0)
    attachment.file.save(f"upload.{detected.extension}", uploaded_file, save=False)
    try:
        with transaction.atomic(), history_context(user=user, reason=_("Attachment uploaded")):
            attachment.save()
    except Exception:
        attachment.file.storage.delete(attachment.file.name)
        raise
    return attachment


def attachment_copy(*, source: Attachment, record, user) -> Attachment:
    """Attach a copy of ``source`` (same project) to ``record``: a new stored file under a new
    generated name, with the same name, kind, type and checksum; used when a record is carried
    over into a new round (e.g. qualification documents). The caller checks the permission."""
    if source.is_removed:
        raise DomainError(_("A removed attachment cannot be copied."))
    project = source.project
    copy = Attachment(
        content_type=ContentType.objects.get_for_model(record), object_id=record.pk, project=project,
        kind=source.kind, original_name=source.original_name, size=source.size, mime_type=source.mime_type,
        sha256=source.sha256, uploaded_by=user)
    with source.file.open("rb") as fh:
        copy.file.save(f"copy.{source.extension}", fh, save=False)
    try:
        with transaction.atomic(), history_context(user=user, reason=_("Attachment carried over")):
            copy.save()
    except Exception:
        copy.file.storage.delete(copy.file.name)
        raise
    return copy


def attachment_remove(*, attachment: Attachment, user, reason: str) -> Attachment:
    """Soft delete: the attachment disappears from lists and downloads, the file stays in storage
    for the audit trail (a retention job may purge it later), the reason goes into history."""
    reason = reason.strip() if isinstance(reason, str) else reason
    if getattr(user, "is_read_only", False):
        raise PermissionDenied(_("Regulator accounts are read-only and cannot remove files."))
    if attachment.is_removed:
        raise DomainError(_("This attachment has already been removed."), code="illegal_transition")
    from .rules import record_still_open

    if not record_still_open(user, attachment):
        raise PermissionDenied(_("The record has been submitted, signed or decided: its files can no longer be "
                                 "removed."))
    require("attachments.can_remove_attachment", user, attachment)
    if not reason:
        raise DomainError(_("Give a reason for removing the attachment."), field="reason")
    reason = clean_text(reason, field="reason", label=_("The reason"), max_length=1000)
    with transaction.atomic(), history_context(user=user):
        locked = lock(attachment)
        if locked.is_removed:
            raise DomainError(_("This attachment has already been removed."), code="illegal_transition")
        locked.is_removed = True
        locked.removed_by = user
        locked.removed_at = timezone.now()
        locked.removal_reason = reason
        save_with_history(locked, reason=_("Attachment removed: %(r)s") % {"r": reason},
                          update_fields=["is_removed", "removed_by", "removed_at", "removal_reason"])
    return locked
