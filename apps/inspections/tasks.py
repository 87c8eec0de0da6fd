from __future__ import annotations

from celery import shared_task
from django.utils.translation import gettext as _

from apps.core.history import history_context

from . import services


@shared_task(name="apps.inspections.tasks.remind_weekly_patrol")
def remind_weekly_patrol() -> int:
    """Periodic (Celery beat): on and after the last working day of the ISO week, remind the client
    lead of each project in implementation that has no patrol this week (§5.2.1). Idempotent:
    one reminder per project-week, so running it daily or hourly is safe."""
    with history_context(reason=_("Weekly patrol reminder")):
        return services.patrol_reminders_send()
