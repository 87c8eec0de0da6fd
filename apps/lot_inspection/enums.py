from django.db import models
from django.utils.translation import gettext_lazy as _


class Purpose(models.TextChoices):
    """What a sampling inspection is for: one submitted batch (§5.2.1), or the acceptance of the
    project's accepted batches of one service type as one isolated lot (§5.3.1)."""

    LOT = "lot", _("Batch sampling inspection")
    ACCEPTANCE = "acceptance", _("Acceptance sampling inspection")


class InspectionStatus(models.TextChoices):
    """The life of one sampling inspection (抽检) of a submitted batch."""

    OPEN = "open", _("open, results being recorded")
    DECIDED = "decided", _("decided")


class Decision(models.TextChoices):
    ACCEPTED = "accepted", _("accepted")
    NOT_ACCEPTED = "not_accepted", _("not accepted, rectification required")


class ItemResult(models.TextChoices):
    """The client's finding on one sampled item."""

    PENDING = "pending", _("not checked yet")
    CONFORMING = "conforming", _("conforming")
    DEFECTIVE = "defective", _("defective")


# GB/T 2828.1 inspection severity: the sampling app's choices (one enum in the API schema).
from apps.sampling.enums import Regime  # noqa: E402,F401
