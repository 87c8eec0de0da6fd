from django.db import models
from django.utils.translation import gettext_lazy as _

from .enums import DayKind
from .history import tracked_history


class CalendarOverride(models.Model):
    """An administrator's correction of the official calendar for one date.

    The State Council's holiday and make-up working day (调休) arrangement comes from the
    ``chinesecalendar`` library; a row here wins over it, for late announcements, local
    holidays or years the library does not cover yet.
    """

    date = models.DateField(_("date"), unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=DayKind.choices)
    note = models.CharField(_("note"), max_length=200, blank=True)

    history = tracked_history()

    class Meta:
        ordering = ["date"]
        verbose_name = _("calendar correction")
        verbose_name_plural = _("calendar corrections")
        constraints = [
            models.CheckConstraint(condition=models.Q(kind__in=DayKind.values), name="calendaroverride_kind_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.get_kind_display()}"
