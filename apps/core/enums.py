from django.db import models
from django.utils.translation import gettext_lazy as _


class DayKind(models.TextChoices):
    WORKDAY = "workday", _("Working day")
    HOLIDAY = "holiday", _("Holiday / rest day")
