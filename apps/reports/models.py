from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from apps.core.history import tracked_history


class RenditionState(models.TextChoices):
    PENDING = "pending", _("being generated")
    READY = "ready", _("ready")
    FAILED = "failed", _("failed")


class FormRendition(models.Model):
    """The stored PDF of one large form of one record, with the hash of what it was made from."""

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.PositiveBigIntegerField()
    project = models.ForeignKey("projects.Project", on_delete=models.PROTECT, related_name="form_renditions",
                                verbose_name=_("project"))
    code = models.CharField(_("form"), max_length=48)
    state = models.CharField(_("state"), max_length=16, choices=RenditionState.choices,
                             default=RenditionState.PENDING)
    source_hash = models.CharField(_("source hash"), max_length=64, blank=True)
    attachment = models.ForeignKey("attachments.Attachment", on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("file"))
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("requested by"))
    generated_at = models.DateTimeField(_("generated at"), null=True, blank=True)
    error = models.CharField(_("error"), max_length=500, blank=True)

    history = tracked_history()

    class Meta:
        verbose_name = _("generated form")
        verbose_name_plural = _("generated forms")
        constraints = [
            models.UniqueConstraint(fields=["content_type", "object_id", "code"], name="formrendition_unique"),
            models.CheckConstraint(condition=Q(state__in=RenditionState.values), name="formrendition_state_valid"),
            models.CheckConstraint(condition=~Q(state=RenditionState.READY) | Q(attachment__isnull=False),
                                   name="formrendition_ready_has_file"),
        ]

    def __str__(self) -> str:
        return f"{self.code} #{self.object_id}"
