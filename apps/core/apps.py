from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "apps.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from . import history  # noqa: F401  (connects the history signal)
        from .audit_protection import protect_history_tables

        post_migrate.connect(protect_history_tables, dispatch_uid="archqa_protect_history")
