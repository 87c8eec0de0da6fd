from django.db import models
from django.utils.translation import gettext_lazy as _


class DefectGrade(models.TextChoices):
    """Defect grades of §7.1.5 and Annex B, most severe first."""

    FATAL = "fatal", _("Fatal (致命)")
    SERIOUS = "serious", _("Serious (严重)")
    GENERAL = "general", _("General (一般)")


# Order of severity, most severe first (an item with several defects counts in the first).
GRADE_ORDER = (DefectGrade.FATAL, DefectGrade.SERIOUS, DefectGrade.GENERAL)

# The grade names as the standard prints them (PDF forms, whatever the interface language).
GRADE_PRINTED = {DefectGrade.FATAL: "致命缺陷", DefectGrade.SERIOUS: "严重缺陷", DefectGrade.GENERAL: "一般缺陷"}


class Metric(models.TextChoices):
    """Measured quantities of the numeric check items of Tables 1, 3 and 5."""

    DPI = "dpi", _("Image resolution (dpi)")
    SKEW_DEG = "skew_deg", _("Image skew (°)")
    BORDER_MM = "border_mm", _("Black border (mm)")
    TEMPERATURE_C = "temperature_c", _("Temperature (℃)")
    HUMIDITY_PCT = "humidity_pct", _("Relative humidity (%)")
    RETRIEVAL_HOURS = "retrieval_hours", _("Retrieval response time (hours)")
    CCTV_DAYS = "cctv_days", _("CCTV recording retention (days)")
    OCR_ACCURACY_PCT = "ocr_accuracy_pct", _("OCR accuracy (%)")
    DRILLS_PER_YEAR = "drills_per_year", _("Emergency drills per year")


class LedgerKind(models.TextChoices):
    """What produced a ledger entry (检查台账, §5.2.1)."""

    PATROL = "patrol", _("Patrol (巡查)")
    KEY_NODE = "key_node", _("Key-node check (关键节点检查)")
    SAMPLING = "sampling", _("Sampling inspection (抽检)")
    CONTRACTOR_SPECIAL = "contractor_special", _("Contractor special inspection (专检)")
    FIRST_ARTICLE = "first_article", _("First article verification (首件验证)")
    ACCEPTANCE = "acceptance", _("Acceptance (验收)")
    OTHER = "other", _("Other (其他)")


class KeyNodeResult(models.TextChoices):
    CONFORMING = "conforming", _("Conforming (符合)")
    NONCONFORMING = "nonconforming", _("Not conforming (不符合)")
