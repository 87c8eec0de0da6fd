"""E-mailing the copies of notifications: what the Celery task of ``tasks.py`` runs, after the
transaction that stored them committed (``services.notify_many`` enqueues the task)."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.utils import timezone

from .models import Notification


def notifications_email(*, notification_ids: list[int]) -> int:
    """E-mail the copies of these notifications that have not been e-mailed yet; returns how
    many were sent. Safe to run twice: rows are locked and marked in the same transaction, so a
    second run (or a second worker) finds nothing left to send."""
    site = getattr(settings, "NOTIFICATIONS_SITE_URL", "").rstrip("/")
    sent = 0
    ids = list(notification_ids)
    for start in range(0, len(ids), 500):
        with transaction.atomic():
            rows = list(
                Notification.objects.select_for_update(skip_locked=True, of=("self",))
                .filter(pk__in=ids[start:start + 500], emailed_at__isnull=True)
                .select_related("recipient")
            )
            if not rows:
                continue
            mails = []
            for n in rows:
                if not (n.recipient.email and n.recipient.is_active):
                    continue
                text = n.body
                if n.link:
                    text = f"{text}\n\n{site}{n.link}" if text else f"{site}{n.link}"
                mails.append(EmailMessage(subject=n.title, body=text, to=[n.recipient.email]))
            if mails:
                get_connection().send_messages(mails)
            # emailed_at is delivery bookkeeping excluded from the history (see the model), so
            # one UPDATE loses no audited value.
            Notification.objects.filter(pk__in=[n.pk for n in rows]).update(emailed_at=timezone.now())
            sent += len(mails)
    return sent
