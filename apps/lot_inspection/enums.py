from django.db import models
from django.utils.translation import gettext_lazy as _


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
