from __future__ import annotations

import posixpath
import uuid

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.core.history import tracked_history
from apps.projects.models import Project

from .enums import AttachmentKind
from .validation import ALLOWED_EXTENSIONS


def attachment_upload_to(instance: "Attachment", filename: str) -> str:
    """The storage name is always generated here: ``attachments/<yyyy>/<mm>/<uuid4 hex><ext>``.

    Only the extension of ``filename`` is used, and only if it is one of ours; nothing else the
    uploader sent (directories, ``../``, odd characters) can reach the storage name.
    """
    ext = posixpath.splitext(filename or "")[1].lower().lstrip(".")
    suffix = f".{ext}" if ext in ALLOWED_EXTENSIONS else ".bin"
    now = timezone.now()
    return f"attachments/{now:%Y}/{now:%m}/{uuid.uuid4().hex}{suffix}"


class Attachment(models.Model):
    """A file (evidence, certificate, scan, report) attached to any record of a project.

    The file itself is kept in the default storage (``STORAGES["default"]``, S3-compatible in
    production) and is only ever served through the permission-checked download view.
    """

    # The owning record, whatever its model (a Project, a batch, a ticket …).
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("record type"))
    object_id = models.PositiveBigIntegerField(_("record id"))
    record = GenericForeignKey("content_type", "object_id")
    # PROTECT: attachments are part of the audit trail (电子档案管理办法: traceable records), so a
    # project that has any may never be deleted; the scoping of every lookup hangs on this FK.
    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="attachments",
                                verbose_name=_("project"))
    kind = models.CharField(_("kind"), max_length=16, choices=AttachmentKind.choices, default=AttachmentKind.OTHER)
    original_name = models.CharField(_("file name"), max_length=255)
    file = models.FileField(_("file"), upload_to=attachment_upload_to, max_length=255)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    mime_type = models.CharField(_("content type"), max_length=128)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("uploaded by"))
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    is_removed = models.BooleanField(_("removed"), default=False)
    removed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   null=True, blank=True, verbose_name=_("removed by"))
    removed_at = models.DateTimeField(_("removed at"), null=True, blank=True)
    removal_reason = models.CharField(_("reason for removal"), max_length=1000, blank=True)

    history = tracked_history()

    class Meta:
        ordering = ["-uploaded_at", "-pk"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=AttachmentKind.values), name="attachment_kind_valid"),
            models.CheckConstraint(condition=Q(size__gt=0), name="attachment_not_empty"),
            models.CheckConstraint(condition=Q(sha256__regex=r"^[0-9a-f]{64}$"), name="attachment_sha256_format"),
            models.CheckConstraint(condition=Q(file__regex=r"^attachments/[0-9]{4}/[0-9]{2}/[0-9a-f]{32}\.[a-z]+$"),
                                   name="attachment_storage_name_generated"),
            models.CheckConstraint(condition=~Q(original_name=""), name="attachment_has_name"),
            models.CheckConstraint(
                condition=Q(is_removed=False, removed_at__isnull=True, removed_by__isnull=True)
                | Q(is_removed=True, removed_at__isnull=False, removed_by__isnull=False),
                name="attachment_removed_consistent"),
            models.UniqueConstraint(fields=["file"], name="attachment_storage_name_unique"),
        ]
        indexes = [
            models.Index(fields=["content_type", "object_id"]),
            models.Index(fields=["project", "is_removed"]),
        ]

    def __str__(self) -> str:
        return self.original_name

    @property
    def extension(self) -> str:
        return posixpath.splitext(self.file.name)[1].lstrip(".")

    def get_download_url(self) -> str:
        from django.urls import reverse

        return reverse("attachments:download", args=[self.pk])
