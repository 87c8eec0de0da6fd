from django.db import models
from django.utils.translation import gettext_lazy as _


class AttachmentKind(models.TextChoices):
    EVIDENCE = "evidence", _("Evidence")
    CERTIFICATE = "certificate", _("Certificate")
    SCAN = "scan", _("Scan")
    REPORT = "report", _("Report")
    OTHER = "other", _("Other")
