from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.apps import DefaultConfig as OTPTOTPConfig


class AccountsConfig(AppConfig):
    default = True  # this module holds a second config (below), for django-otp's TOTP app
    name = "apps.accounts"
    label = "accounts"
    verbose_name = _("Organisations and users")

    def ready(self) -> None:
        from django.contrib.auth import user_logged_in
        from django.contrib.auth.models import update_last_login

        from .signals import record_last_login

        # Django saves the user to note the log-in time, which writes a history row with no
        # change, no user and no reason. The time is written without a history row instead
        # (log-ins themselves are logged by django-axes).
        user_logged_in.disconnect(update_last_login, dispatch_uid="update_last_login")
        user_logged_in.connect(record_last_login, dispatch_uid="archqa_record_last_login")

        from django.db.models.signals import post_migrate

        from .signals import ensure_system_account

        # The named system account (migration 0002) exists after every migrate and every flush.
        post_migrate.connect(ensure_system_account, sender=self, dispatch_uid="archqa_system_account")


class TOTPDevicesConfig(OTPTOTPConfig):
    """django-otp's TOTP devices, named in the interface's language (the app ships English
    names only). Listed in INSTALLED_APPS instead of ``django_otp.plugins.otp_totp``."""

    verbose_name = _("Two-step verification")

    def ready(self) -> None:
        from django_otp.plugins.otp_totp.models import TOTPDevice

        # Display names only: the migration state reads ``Meta`` as declared, not these.
        TOTPDevice._meta.verbose_name = _("authenticator app")
        TOTPDevice._meta.verbose_name_plural = _("authenticator apps")
