from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from apps.accounts.enums import ProjectRole


class FilingStatus(models.TextChoices):
    """A staff or equipment filing (备案): the contractor files, the client decides."""

    SUBMITTED = "submitted", _("submitted")
    APPROVED = "approved", _("approved")
    REJECTED = "rejected", _("rejected")
    ENDED = "ended", _("ended")


# A filing that still counts (one per person and project).
OPEN_FILING_STATUSES = (FilingStatus.SUBMITTED, FilingStatus.APPROVED, FilingStatus.REJECTED)


class CertificateLevel(models.TextChoices):
    """Certificate level, in rank order (docs/teams.md: qualification ranking)."""

    NONE = "none", _("no certificate")
    JUNIOR = "junior", _("junior (初级)")
    INTERMEDIATE = "intermediate", _("intermediate (中级)")
    SENIOR = "senior", _("senior (高级)")


LEVEL_RANK = {CertificateLevel.NONE: 0, CertificateLevel.JUNIOR: 1, CertificateLevel.INTERMEDIATE: 2,
              CertificateLevel.SENIOR: 3}


class TrainingResult(models.TextChoices):
    PENDING = "pending", _("not yet assessed")
    PASSED = "passed", pgettext_lazy("assessment", "passed")
    FAILED = "failed", pgettext_lazy("assessment", "failed")


class ChangeStatus(models.TextChoices):
    REQUESTED = "requested", _("requested")
    APPROVED = "approved", _("approved")
    REJECTED = "rejected", _("rejected")
    WITHDRAWN = "withdrawn", _("withdrawn")


# §6.1.3, §8.1.1: posts that need a valid certificate (持证上岗).
KEY_POSTS = frozenset({ProjectRole.CONTRACTOR_PM, ProjectRole.CONTRACTOR_INSPECTOR, ProjectRole.SECURITY_OFFICER})
