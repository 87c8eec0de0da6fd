from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.accounts.enums import Party
from apps.core.errors import DomainError
from apps.core.history import tracked_history

from .enums import AttemptOutcome, SignatureMeaning


class SignatureQuerySet(models.QuerySet):
    def for_record(self, record: models.Model) -> SignatureQuerySet:
        ct = ContentType.objects.get_for_model(record)  # concrete model, as stored
        return self.filter(content_type=ct, object_id=record.pk)


class Signature(models.Model):
    """An electronic signature (签字确认) of one record by one person for one party.

    Append-only: rows are inserted by :func:`apps.signatures.services.signature_sign` and
    never changed or deleted (``save()`` refuses, and a database trigger refuses UPDATE and
    DELETE). Whether a signature still holds is computed, never stored: see ``selectors``.
    """

    project = models.ForeignKey("projects.Project", on_delete=models.PROTECT, related_name="signatures",
                                verbose_name=_("project"))
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("record type"))
    object_id = models.PositiveBigIntegerField(_("record id"))
    record = GenericForeignKey("content_type", "object_id")

    party = models.CharField(_("party"), max_length=16, choices=Party.choices)
    meaning = models.CharField(_("meaning"), max_length=16, choices=SignatureMeaning.choices)
    signer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="signatures",
                               verbose_name=_("signer"))
    organization = models.ForeignKey("accounts.Organization", on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("organisation"))
    # Printed as they were at signing time (21 CFR 11.50): later renames do not change them.
    signer_name = models.CharField(_("printed name"), max_length=100)
    organization_name = models.CharField(_("organisation name"), max_length=200)
    signed_at = models.DateTimeField(_("signed at"), default=timezone.now, editable=False)

    signed_content = models.TextField(_("signed content"), editable=False,
                                      help_text=_("Canonical JSON of the content as it was signed."))
    content_hash = models.CharField(_("content hash (SHA-256)"), max_length=64, editable=False)
    record_binding = models.CharField(_("record binding"), max_length=64, editable=False)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True, editable=False)

    history = tracked_history()
    objects = SignatureQuerySet.as_manager()

    class Meta:
        ordering = ["signed_at", "pk"]
        verbose_name = _("signature")
        verbose_name_plural = _("signatures")
        constraints = [
            models.UniqueConstraint(fields=["content_type", "object_id", "signer", "party", "meaning"],
                                    name="signature_once_per_signer_party_meaning"),
            models.CheckConstraint(condition=Q(party__in=Party.values), name="signature_party_valid"),
            models.CheckConstraint(condition=Q(meaning__in=SignatureMeaning.values), name="signature_meaning_valid"),
            models.CheckConstraint(condition=Q(content_hash__regex=r"^[0-9a-f]{64}$"),
                                   name="signature_content_hash_format"),
            models.CheckConstraint(condition=Q(record_binding__regex=r"^[0-9a-f]{64}$"),
                                   name="signature_binding_format"),
            models.CheckConstraint(condition=~Q(signer_name=""), name="signature_printed_name_present"),
        ]
        indexes = [
            models.Index(fields=["content_type", "object_id"]),
            models.Index(fields=["project", "signed_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.signer_name} · {self.get_party_display()} · {self.get_meaning_display()}"

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            raise DomainError(_("A signature can never be changed."), code="signature_immutable")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise DomainError(_("A signature can never be deleted."), code="signature_immutable")


class SignatureAttempt(models.Model):
    """A signing attempt that failed re-authentication: kept as evidence (等保 登录失败处理)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("person"))
    project = models.ForeignKey("projects.Project", on_delete=models.PROTECT, related_name="+",
                                verbose_name=_("project"))
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("record type"))
    object_id = models.PositiveBigIntegerField(_("record id"))
    party = models.CharField(_("party"), max_length=16, blank=True)
    meaning = models.CharField(_("meaning"), max_length=16, blank=True)
    outcome = models.CharField(_("outcome"), max_length=16, choices=AttemptOutcome.choices)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    attempted_at = models.DateTimeField(_("attempted at"), default=timezone.now)

    history = tracked_history()

    class Meta:
        ordering = ["-attempted_at", "-pk"]
        verbose_name = _("failed signing attempt")
        verbose_name_plural = _("failed signing attempts")
        constraints = [
            models.CheckConstraint(condition=Q(outcome__in=AttemptOutcome.values),
                                   name="signatureattempt_outcome_valid"),
        ]
        indexes = [models.Index(fields=["user", "attempted_at"])]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_outcome_display()} · {self.attempted_at:%Y-%m-%d %H:%M:%S}"
