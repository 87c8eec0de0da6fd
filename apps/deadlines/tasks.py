from __future__ import annotations

from celery import shared_task

from . import services


@shared_task(name="apps.deadlines.tasks.scan_deadlines")
def scan_deadlines() -> dict:
    """Periodic (Celery beat): remind about deadlines due soon, today or overdue, and escalate.

    Takes nothing, re-reads everything; safe to run twice or concurrently (each reminder has an
    idempotency key) and to re-run after a crash (each chunk commits on its own). History rows it
    writes name settings.DEADLINE_SCAN_USERNAME (if set) and the reason "Scheduled deadline scan".
    """
    return services.deadlines_scan().as_dict()
