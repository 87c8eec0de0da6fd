from django.db import models
from django.utils.translation import gettext_lazy as _


class SignatureMeaning(models.TextChoices):
    """What the signer declares by signing (21 CFR 11.50: the meaning is part of the signature)."""

    CONFIRM = "confirm", _("Confirm")
    REVIEW = "review", _("Review")
    RE_REVIEW = "re_review", _("Re-review")
    APPROVE = "approve", _("Approve")


class AttemptOutcome(models.TextChoices):
    """Why a signing attempt did not produce a signature."""

    BAD_PASSWORD = "bad_password", _("Wrong password")
    LOCKED = "locked", _("Too many failed attempts")
