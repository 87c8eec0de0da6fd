from django.db import models
from django.utils.translation import gettext_lazy as _


class InspectionLevel(models.TextChoices):
    """GB/T 2828.1 Table 1 inspection levels: special S-1…S-4, general I, II, III."""

    S1 = "S-1", _("Special level S-1")
    S2 = "S-2", _("Special level S-2")
    S3 = "S-3", _("Special level S-3")
    S4 = "S-4", _("Special level S-4")
    I = "I", _("General level I")  # noqa: E741 - the level's name in the standard
    II = "II", _("General level II")
    III = "III", _("General level III")


class Regime(models.TextChoices):
    """Severity of inspection (检验严格度, GB/T 2828.1 §9)."""

    NORMAL = "normal", _("Normal inspection (正常检验)")
    TIGHTENED = "tightened", _("Tightened inspection (加严检验)")
    REDUCED = "reduced", _("Reduced inspection (放宽检验)")


class AqlValue(models.TextChoices):
    """The AQL columns of GB/T 2828.1 Table 2-A up to 10 (percent nonconforming; the larger
    values are for nonconformities per 100 items only)."""

    A0_010 = "0.010", "0.010"
    A0_015 = "0.015", "0.015"
    A0_025 = "0.025", "0.025"
    A0_040 = "0.040", "0.040"
    A0_065 = "0.065", "0.065"
    A0_10 = "0.10", "0.10"
    A0_15 = "0.15", "0.15"
    A0_25 = "0.25", "0.25"
    A0_40 = "0.40", "0.40"
    A0_65 = "0.65", "0.65"
    A1_0 = "1.0", "1.0"
    A1_5 = "1.5", "1.5"
    A2_5 = "2.5", "2.5"
    A4_0 = "4.0", "4.0"
    A6_5 = "6.5", "6.5"
    A10 = "10", "10"


class SwitchingEventKind(models.TextChoices):
    LOT = "lot", _("Lot result recorded")
    RESUBMITTED_LOT = "resubmitted_lot", _("Resubmitted lot (does not count)")
    SWITCH = "switch", _("Regime changed")
    DISCONTINUED = "discontinued", _("Sampling inspection discontinued")
    RESUMED = "resumed", _("Inspection resumed after corrective action")
