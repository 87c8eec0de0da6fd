from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.core.history import tracked_history


class Notification(models.Model):
    """One message to one person: a reminder, an escalation, a request to act.

    ``key`` makes delivery idempotent: the same (recipient, key) is stored once, so a task run
    twice or a scan repeated after a crash never sends the same reminder again (security row 20).
    """

    # Indexes are kept few: a scan may insert a hundred thousand rows at once. The unique
    # (recipient, key) index serves every per-recipient query; the project is only displayed.
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications",
                                  verbose_name=_("recipient"), db_index=False)
    project = models.ForeignKey("projects.Project", on_delete=models.PROTECT, null=True, blank=True,
                                related_name="+", verbose_name=_("project"), db_index=False)
    kind = models.CharField(_("kind"), max_length=48, blank=True)
    key = models.CharField(_("idempotency key"), max_length=200)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("message"), blank=True, max_length=4000)
    link = models.CharField(_("link"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    # Delivery bookkeeping of the e-mail copy; not part of the record, so not in the history.
    emailed_at = models.DateTimeField(_("e-mailed at"), null=True, blank=True, editable=False)

    history = tracked_history(excluded_fields=["emailed_at"], no_db_index=["recipient", "project"])

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        constraints = [
            models.UniqueConstraint(fields=["recipient", "key"], name="notification_key_unique_per_recipient"),
            models.CheckConstraint(condition=~Q(key=""), name="notification_key_not_empty"),
            # Links stay inside the application: relative paths only (no open redirect, no phishing).
            models.CheckConstraint(condition=Q(link="") | (Q(link__startswith="/") & ~Q(link__startswith="//")),
                                   name="notification_link_relative"),
        ]
        indexes = [
            # The navigation badge counts unread rows on every page: a small partial index.
            models.Index(fields=["recipient"], condition=Q(read_at__isnull=True), name="notification_unread"),
        ]

    def __str__(self) -> str:
        return f"{self.recipient} · {self.title}"

    @property
    def is_read(self) -> bool:
        return self.read_at is not None
