from __future__ import annotations

from celery import shared_task

from .mailing import notifications_email


@shared_task(name="apps.notifications.tasks.send_notification_emails", autoretry_for=(OSError,),
             retry_backoff=60, max_retries=5)
def send_notification_emails(*, notification_ids: list[int]) -> int:
    """E-mail copies of new notifications. Takes ids, re-reads the rows, skips the ones already
    e-mailed: running it twice sends each mail once. It changes no audited field (only the
    ``emailed_at`` bookkeeping column), so it acts for nobody."""
    return notifications_email(notification_ids=notification_ids)
