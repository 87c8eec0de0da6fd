from django.db import models
from django.utils.translation import gettext_lazy as _

# The counting units of a batch are those of the first batch (件/页/卷/盒/条).
from apps.first_article.enums import UNIT_PRINTED, Unit  # noqa: F401


class BatchStatus(models.TextChoices):
    """The life of a batch (批次), §5.2.2, §6.2.1, §6.2.2."""

    DRAFT = "draft", _("draft")
    SUBMITTED = "submitted", _("submitted, awaiting inspection")
    UNDER_INSPECTION = "under_inspection", _("under sampling inspection")
    ACCEPTED = "accepted", _("accepted")
    NOT_ACCEPTED = "not_accepted", _("not accepted, marked for rectification")
    RESUBMITTED = "resubmitted", _("rectified and resubmitted")


# Statuses the client sees (never the contractor's drafts).
CLIENT_VISIBLE_STATUSES = (BatchStatus.SUBMITTED, BatchStatus.UNDER_INSPECTION, BatchStatus.ACCEPTED,
                           BatchStatus.NOT_ACCEPTED, BatchStatus.RESUBMITTED)


class InspectionConclusion(models.TextChoices):
    """Conclusion of the contractor's special inspection (专检)."""

    PASSED = "passed", _("passed")
    FAILED = "failed", _("failed")
