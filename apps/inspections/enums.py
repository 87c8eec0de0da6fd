from django.db import models
from django.utils.translation import gettext_lazy as _


class DefectGrade(models.TextChoices):
    """Defect grades of §7.1.5 and Annex B, most severe first."""

    FATAL = "fatal", _("Fatal (致命)")
    SERIOUS = "serious", _("Serious (严重)")
    GENERAL = "general", _("General (一般)")
