from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
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
