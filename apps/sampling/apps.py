from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SamplingConfig(AppConfig):
    name = "apps.sampling"
    label = "sampling"
    verbose_name = _("Sampling plans (GB/T 2828.1)")
