from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """Demo data (``manage.py demo_data``): the top layer, which may import every other app and
    which no app imports."""

    name = "apps.demo"
    label = "demo"
    verbose_name = _("Demo data")
