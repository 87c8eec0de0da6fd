from django.db import models
from django.utils.translation import gettext_lazy as _


class Unit(models.TextChoices):
    """Counting units of a first batch (件/页/卷/盒/条)."""

    ITEM = "item", _("items (件)")
    PAGE = "page", _("pages (页)")
    VOLUME = "volume", _("volumes (卷)")
    BOX = "box", _("boxes (盒)")
    ENTRY = "entry", _("entries (条)")


# The Chinese counting word printed on the Annex C form, whatever the interface language.
UNIT_PRINTED = {Unit.ITEM: "件", Unit.PAGE: "页", Unit.VOLUME: "卷", Unit.BOX: "盒", Unit.ENTRY: "条"}


class VerificationStatus(models.TextChoices):
    SUBMITTED = "submitted", _("submitted, awaiting verification")
    PASSED = "passed", _("passed")
    FAILED = "failed", _("failed, rectification required")


class ContactSheetState(models.TextChoices):
    """工作联系单: open until the contractor answers with a rectification sheet; closed when the
    next round has been verified."""

    OPEN = "open", _("awaiting the contractor's rectification sheet")
    ANSWERED = "answered", _("answered, awaiting resubmission")
    CLOSED = "closed", _("closed")


# Annex C: the three checks of a first-article verification, in the form's order.
CHECKS = (
    ("operation", _("Operating procedures followed"), "作业规范性"),
    ("quality", _("Quality up to standard"), "质量达标情况"),
    ("safety", _("Safety measures in place"), "安全措施落实"),
)


class Conclusion(models.TextChoices):
    """The two conclusions of Annex C."""

    PASS = "pass", _("Passed: batch production may start")
    FAIL = "fail", _("Failed: rectify by the deadline")
