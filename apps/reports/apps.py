from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "apps.reports"
    label = "reports"
    verbose_name = _("报表")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from .project_forms import register_forms
        from .registry import forms
        from .signals import watch_models

        forms.add_listener(watch_models)
        register_forms()
