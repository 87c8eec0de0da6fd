from django.db import models
from django.utils.translation import gettext_lazy as _


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("Draft (contractor preparing)")
    SUBMITTED = "submitted", _("Submitted, under review")
    APPROVED = "approved", _("Approved")
    RETURNED = "returned", _("Returned with comments")


OPEN_STATUSES = (PlanStatus.DRAFT, PlanStatus.SUBMITTED)
