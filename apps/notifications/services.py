"""Writes: create notifications idempotently, e-mail the new ones on commit (the task of
``tasks.py`` sends them with :mod:`.mailing`), mark them read."""

from __future__ import annotations

import functools
import logging
from collections.abc import Iterable
from typing import NamedTuple

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_update_with_history

from apps.core.errors import DomainError
from apps.core.history import acting_user_id, current_context, history_context, save_with_history
from apps.core.permissions import require

from .models import Notification

logger = logging.getLogger(__name__)

TITLE_MAX = Notification._meta.get_field("title").max_length
BODY_MAX = 4000
KEY_MAX = Notification._meta.get_field("key").max_length
LINK_MAX = Notification._meta.get_field("link").max_length
KIND_MAX = Notification._meta.get_field("kind").max_length


class Created(NamedTuple):
    id: int
    recipient_id: int
    key: str


class Message(NamedTuple):
    """One notification to store: what :func:`notify_many` takes (fields in the order of the
    staging table's columns, so that a valid message is copied as it is)."""

    recipient_id: int
    project_id: int | None
    kind: str
    key: str
    title: str
    body: str = ""
    link: str = ""


def _clip(text: str, limit: int) -> str:
    text = (text or "").strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _check_link(link: str) -> str:
    link = (link or "").strip()
    if link and (not link.startswith("/") or link.startswith("//") or "\\" in link or len(link) > LINK_MAX):
        raise DomainError(_("A notification link must be a path inside this application, such as /projects/1/."),
                          field="link")
    return link


def _check_key(key: str) -> str:
    key = (key or "").strip()
    if not key or len(key) > KEY_MAX:
        raise DomainError(_("A notification needs a key of at most %(n)d characters.") % {"n": KEY_MAX}, field="key")
    return key


def notify(*, recipients: Iterable, key: str, title: str, body: str = "", link: str = "", project=None,
           kind: str = "", email: bool = True) -> list[int]:
    """Notify each of ``recipients`` once per ``key``; returns the ids of the rows created now.

    Calling it again with the same key for the same person stores and sends nothing. E-mail
    goes out for the new rows only, after the surrounding transaction commits (nothing is sent
    when it rolls back).
    """
    key = _check_key(key)
    link = _check_link(link)
    if not (title or "").strip():
        raise DomainError(_("A notification needs a title."), field="title")
    project_id = getattr(project, "pk", project)
    messages = [
        Message(recipient_id=user.pk, key=key, title=title, body=body, link=link, project_id=project_id, kind=kind)
        for user in recipients if user is not None and user.pk and user.is_active
    ]
    return [row.id for row in notify_many(messages=messages, email=email)]


STAGING_TABLE = "notification_incoming"
STAGING_COLUMNS = ("recipient_id", "project_id", "kind", "key", "title", "body", "link")


def _staging_sql() -> str:
    # A session-local scratch table; COPY into it is far cheaper than binding tens of thousands
    # of parameters, and the rows never outlive the transaction (deleted after each use).
    return (f"CREATE TEMP TABLE IF NOT EXISTS {STAGING_TABLE} (recipient_id bigint NOT NULL, project_id bigint, "
            f"kind varchar({KIND_MAX}) NOT NULL, key varchar({KEY_MAX}) NOT NULL, "
            f"title varchar({TITLE_MAX}) NOT NULL, body text NOT NULL, link varchar({LINK_MAX}) NOT NULL)")


def _insert_sql() -> str:
    """One statement: INSERT ... ON CONFLICT DO NOTHING from the staging rows, and the history
    row of every inserted row written by the same statement (a data-modifying CTE), so this bulk
    path keeps the audit trail like a save() would."""
    q = connection.ops.quote_name
    table = Notification._meta.db_table
    hist_model = Notification.history.model
    base_columns = {f.column for f in Notification._meta.concrete_fields}
    hist_columns, hist_values = [], []
    extra = {"history_date": "%(now)s", "history_type": "'+'", "history_user_id": "%(user_id)s",
             "history_change_reason": "%(reason)s", "history_ip": "%(ip)s"}
    for field in hist_model._meta.concrete_fields:
        if field.primary_key:
            continue
        if field.column in base_columns:
            hist_columns.append(field.column)
            hist_values.append(f"ins.{q(field.column)}")
        elif field.column in extra:
            hist_columns.append(field.column)
            hist_values.append(extra[field.column])
        else:  # pragma: no cover - a new history column must be handled here explicitly
            raise RuntimeError(f"notify_many does not know how to fill {hist_model._meta.db_table}.{field.column}")
    cols = ", ".join(q(c) for c in STAGING_COLUMNS)
    return (
        f"WITH ins AS ("
        f" INSERT INTO {q(table)} ({cols}, created_at)"
        f" SELECT {cols}, %(now)s FROM {STAGING_TABLE}"
        f" ON CONFLICT (recipient_id, {q('key')}) DO NOTHING"
        f" RETURNING *"
        f"), hist AS ("
        f" INSERT INTO {q(hist_model._meta.db_table)} ({', '.join(q(c) for c in hist_columns)})"
        f" SELECT {', '.join(hist_values)} FROM ins"
        f") SELECT id, recipient_id, {q('key')} FROM ins"
    )


@functools.cache
def _cached_insert_sql() -> str:
    return _insert_sql()


def notify_many(*, messages: Iterable[Message], email: bool = True) -> list[Created]:
    """Set-based :func:`notify` for many messages at once (the deadline scan): the rows are
    copied in bulk and stored by one ``INSERT ... ON CONFLICT DO NOTHING`` whatever their number.
    Returns the rows created now (id, recipient, key); the ones that already existed are left
    alone and not e-mailed again."""
    seen: set[tuple[int, str]] = set()
    rows: list[tuple] = []
    checked: dict[str, str] = {}  # keys and links repeat across recipients: check each once
    for m in messages:
        key = checked.get(m.key)
        if key is None:
            key = checked[m.key] = _check_key(m.key)
        if (m.recipient_id, key) in seen:
            continue
        seen.add((m.recipient_id, key))
        link = checked.get(m.link)
        if link is None:
            link = checked[m.link] = _check_link(m.link)
        if (key is m.key and link is m.link and len(m.kind) <= KIND_MAX and len(m.title) <= TITLE_MAX
                and len(m.body) <= BODY_MAX):
            rows.append(m)  # already valid: copied as it is
        else:
            rows.append((m.recipient_id, m.project_id, _clip(m.kind, KIND_MAX), key, _clip(m.title, TITLE_MAX),
                         _clip(m.body, BODY_MAX), link))
    if not rows:
        return []
    ctx = current_context()
    params = {
        "now": timezone.now(),
        "user_id": acting_user_id(),
        "reason": (ctx.reason if ctx and ctx.reason else _("Notification sent")),
        "ip": ctx.ip if ctx else None,
    }
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(_staging_sql())
        with cursor.cursor.copy(f"COPY {STAGING_TABLE} ({', '.join(STAGING_COLUMNS)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        cursor.execute(_cached_insert_sql(), params)
        created = [Created(*row) for row in cursor.fetchall()]
        cursor.execute(f"DELETE FROM {STAGING_TABLE}")
    if created and email:
        transaction.on_commit(functools.partial(_enqueue_emails, [c.id for c in created]), robust=True)
    return created


def _enqueue_emails(ids: list[int]) -> None:
    from .tasks import send_notification_emails

    send_notification_emails.delay(notification_ids=ids)


def notification_mark_read(*, notification: Notification, user) -> Notification:
    """Mark one of the user's own notifications read. Marking it again changes nothing."""
    require("notifications.may_mark_read", user, notification)
    if notification.read_at is not None:
        return notification
    with transaction.atomic(), history_context(user=user):
        notification.read_at = timezone.now()
        save_with_history(notification, reason=_("Marked as read"), update_fields=["read_at"])
    return notification


def notifications_mark_all_read(*, user) -> int:
    """Mark all of the user's unread notifications read; returns how many changed."""
    require("notifications.may_manage_inbox", user)
    with transaction.atomic(), history_context(user=user):
        rows = list(Notification.objects.select_for_update().filter(recipient=user, read_at__isnull=True))
        now = timezone.now()
        for n in rows:
            n.read_at = now
        if rows:
            bulk_update_with_history(rows, Notification, ["read_at"], default_user=user,
                                     default_change_reason=_("Marked as read"))
    return len(rows)
