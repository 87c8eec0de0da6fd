from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ControlConfig(AppConfig):
    name = "apps.control"
    label = "control"
    verbose_name = _("Project control")
