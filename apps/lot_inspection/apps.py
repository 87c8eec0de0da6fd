from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LotInspectionConfig(AppConfig):
    name = "apps.lot_inspection"
    label = "lot_inspection"
    verbose_name = _("Sampling inspection of batches")
