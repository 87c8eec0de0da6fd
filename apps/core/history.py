"""One history set-up for every model (django-simple-history).

Every model declares ``history = tracked_history()``. Each historical row records the acting
user, the reason and the client IP. They come, in this order, from what the caller set on the
instance (``_change_reason``, ``_history_user``), from the active :func:`history_context`
(services, tasks, management commands) and from the request (middleware).
"""

from __future__ import annotations

import contextlib
import contextvars
from dataclasses import dataclass
from typing import Any, Iterator

from django.db import models
from django.dispatch import receiver
from simple_history.models import HistoricalRecords
from simple_history.signals import pre_create_historical_record


class HistoryExtras(models.Model):
    """Extra columns on every historical table."""

    history_ip = models.GenericIPAddressField(null=True, blank=True, verbose_name="IP")

    class Meta:
        abstract = True


def tracked_history(**kwargs: Any) -> HistoricalRecords:
    kwargs.setdefault("bases", [HistoryExtras])
    kwargs.setdefault("cascade_delete_history", False)
    return HistoricalRecords(**kwargs)


@dataclass(frozen=True)
class HistoryContext:
    user: Any = None
    reason: str = ""
    ip: str | None = None


_context: contextvars.ContextVar[HistoryContext | None] = contextvars.ContextVar("history_context", default=None)


def current_context() -> HistoryContext | None:
    return _context.get()


def acting_user_id() -> int | None:
    """The user a history row written now names: the context's user, else the system account.
    For writers that build history rows themselves (bulk SQL)."""
    ctx = _context.get()
    user = ctx.user if ctx else None
    if user is not None and getattr(user, "is_authenticated", False) and getattr(user, "pk", None):
        return user.pk
    return system_account_id()


@contextlib.contextmanager
def history_context(*, user: Any = None, reason: str = "", ip: str | None = None) -> Iterator[HistoryContext]:
    """Attribute every history row written inside the block to ``user`` with ``reason``.

    Nested blocks inherit what they do not override (a service called from a request keeps
    the request's IP; a Celery task names the user on whose behalf it acts).
    """
    outer = _context.get()
    ctx = HistoryContext(
        user=user if user is not None else (outer.user if outer else None),
        reason=reason or (outer.reason if outer else ""),
        ip=ip or (outer.ip if outer else None),
    )
    token = _context.set(ctx)
    try:
        yield ctx
    finally:
        _context.reset(token)


SYSTEM_ACCOUNT_USERNAME = "system"
_system_account_ids: dict[str, int | None] = {}  # by database name


def system_account_id() -> int | None:
    """The id of the named system account (``系统``, created by the accounts app's migration
    0002; inactive, no password): the user of history rows written by scheduled jobs, migrations
    and set-up commands, so that no row leaves its author empty."""
    from django.contrib.auth import get_user_model
    from django.db import connection

    key = connection.settings_dict["NAME"]
    if _system_account_ids.get(key) is None:
        _system_account_ids[key] = (get_user_model().objects.filter(username=SYSTEM_ACCOUNT_USERNAME)
                                    .values_list("pk", flat=True).first())
    return _system_account_ids[key]


def forget_system_account() -> None:
    """After a flush or restore the account may have a new id: look it up again."""
    _system_account_ids.clear()


@receiver(pre_create_historical_record)
def _fill_history_context(sender, instance, history_instance, **kwargs) -> None:
    ctx = _context.get()
    if ctx is not None:
        user = ctx.user
        if history_instance.history_user_id is None and user is not None and getattr(user, "pk", None):
            history_instance.history_user = user
        if not history_instance.history_change_reason and ctx.reason:
            history_instance.history_change_reason = ctx.reason
        if not history_instance.history_ip and ctx.ip:
            history_instance.history_ip = ctx.ip
    if history_instance.history_user_id is None:
        history_instance.history_user_id = system_account_id()


def save_with_history(instance: models.Model, *, reason: str = "", update_fields: list[str] | None = None,
                      user: Any = None) -> None:
    """Save one instance with a change reason (and user, if given) on its history row."""
    if reason:
        instance._change_reason = reason
    if user is not None:
        instance._history_user = user
    instance.save(update_fields=update_fields)


def bulk_create_with_context(objs, model, *, reason: str = "", batch_size: int | None = None) -> list:
    """``bulk_create`` that still writes one history row per object, attributed like a single
    save: the user, reason and IP of the surrounding :func:`history_context` (or ``reason``)."""
    from simple_history.utils import bulk_create_with_history

    ctx = _context.get()
    user = ctx.user if ctx and getattr(ctx.user, "pk", None) else None
    if user is None:
        from django.contrib.auth import get_user_model

        user = get_user_model().objects.filter(pk=acting_user_id()).first()
    return bulk_create_with_history(
        objs, model, batch_size=batch_size, default_user=user,
        default_change_reason=reason or (ctx.reason if ctx else "") or None,
        custom_historical_attrs={"history_ip": ctx.ip} if ctx and ctx.ip else None)


def delete_with_history(instance: models.Model, *, reason: str = "", user: Any = None) -> None:
    if reason:
        instance._change_reason = reason
    if user is not None:
        instance._history_user = user
    instance.delete()


def write_history_rows(historical_model, objects, *, reason: str, history_type: str = "+",
                       user_id: int | None = None, ip: str | None = None, batch_size: int = 2000) -> None:
    """One history row per object for writes that bypass the model's signals: a bulk create or
    delete, or a data migration (whose historical models write no history by themselves).
    ``user_id`` defaults to :func:`acting_user_id`, ``ip`` to the context's."""
    from django.utils import timezone

    ctx = _context.get()
    now = timezone.now()
    user_id = user_id if user_id is not None else acting_user_id()
    ip = ip or (ctx.ip if ctx else None)
    historical_model.objects.bulk_create([
        historical_model(**{f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields},
                         history_date=now, history_type=history_type, history_user_id=user_id,
                         history_change_reason=reason, history_ip=ip)
        for obj in objects], batch_size=batch_size)


def client_ip(request) -> str | None:
    # Behind the production proxy, REMOTE_ADDR is the proxy; it sets X-Real-IP.
    return request.META.get("HTTP_X_REAL_IP") or request.META.get("REMOTE_ADDR") or None
