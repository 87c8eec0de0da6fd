from __future__ import annotations

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.models import TOTPDevice
from simple_history import register as register_history

from apps.core.history import HistoryExtras, tracked_history

from .enums import OrgKind
from .validators import validate_uscc


class Organization(models.Model):
    """A 单位: a client archive, a contractor (service company) or a regulator (档案局)."""

    kind = models.CharField(_("kind"), max_length=16, choices=OrgKind.choices)
    name = models.CharField(_("name"), max_length=200, unique=True)
    uscc = models.CharField(_("unified social credit code"), max_length=18, unique=True, validators=[validate_uscc],
                            help_text=_("统一社会信用代码, 18 characters, GB 32100."))
    region = models.CharField(_("region"), max_length=100, help_text=_("Administrative region, e.g. 浙江省杭州市."))
    is_active = models.BooleanField(_("active"), default=True)
    require_second_factor = models.BooleanField(
        _("require a second factor"), default=False,
        help_text=_("Every user of this organisation must confirm each log-in with the code of an authenticator "
                    "app (两步验证). Users without one are sent to set it up before they can use the system."))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    history = tracked_history()

    class Meta:
        ordering = ["kind", "name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        constraints = [
            models.CheckConstraint(condition=models.Q(kind__in=OrgKind.values), name="organization_kind_valid"),
            models.CheckConstraint(condition=models.Q(uscc__regex=r"^[0-9A-HJ-NPQRTUWXY]{18}$"),
                                   name="organization_uscc_format"),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.uscc:
            self.uscc = self.uscc.strip().upper()


class Jurisdiction(models.Model):
    """A regulator's supervision over one client organisation."""

    regulator = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="supervised",
                                  limit_choices_to={"kind": OrgKind.REGULATOR}, verbose_name=_("regulator"))
    client = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="supervisors",
                               limit_choices_to={"kind": OrgKind.CLIENT}, verbose_name=_("client organisation"))
    since = models.DateField(_("since"), null=True, blank=True)

    history = tracked_history()

    class Meta:
        verbose_name = _("jurisdiction")
        verbose_name_plural = _("jurisdictions")
        constraints = [models.UniqueConstraint(fields=["regulator", "client"], name="jurisdiction_unique")]

    def __str__(self) -> str:
        return f"{self.regulator} → {self.client}"

    def clean(self) -> None:
        if self.regulator_id and self.regulator.kind != OrgKind.REGULATOR:
            raise ValidationError({"regulator": _("Only a regulator organisation can have jurisdiction.")})
        if self.client_id and self.client.kind != OrgKind.CLIENT:
            raise ValidationError({"client": _("Jurisdiction covers client organisations only.")})


class User(AbstractUser):
    """A person. Belongs to one organisation; roles are given per project."""

    name = models.CharField(_("full name"), max_length=100)
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="users", verbose_name=_("organisation"))
    phone = models.CharField(_("phone"), max_length=30, blank=True)

    objects = UserManager()
    history = tracked_history(excluded_fields=["password", "last_login"])

    REQUIRED_FIELDS = ["email", "name"]

    class Meta:
        ordering = ["username"]
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return f"{self.name or self.username}"

    @property
    def org_kind(self) -> str | None:
        return self.organization.kind if self.organization_id else None

    @property
    def is_regulator(self) -> bool:
        return self.org_kind == OrgKind.REGULATOR

    @property
    def is_client_user(self) -> bool:
        return self.org_kind == OrgKind.CLIENT

    @property
    def is_contractor_user(self) -> bool:
        return self.org_kind == OrgKind.CONTRACTOR

    @property
    def is_read_only(self) -> bool:
        # §10.3 / mission: the regulator supervises and never changes project records.
        return self.is_regulator and not self.is_superuser

    def get_full_name(self) -> str:
        return self.name or self.username

    def get_short_name(self) -> str:
        return self.name or self.username


# django-otp's TOTP device (the authenticator app a user enrols) is a third-party model: its
# history is registered here, in this app's migrations. The secret and the counters a log-in
# updates are left out: the history records who added, confirmed or removed a device and when,
# never the secret, and a log-in writes no history row (docs/decisions.md).
register_history(
    TOTPDevice, app="apps.accounts", bases=[HistoryExtras], cascade_delete_history=False,
    excluded_fields=["key", "drift", "last_t", "throttling_failure_timestamp", "throttling_failure_count",
                     "last_used_at"])
