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


@receiver(pre_create_historical_record)
def _fill_history_context(sender, instance, history_instance, **kwargs) -> None:
    ctx = _context.get()
    if ctx is None:
        return
    user = ctx.user
    if history_instance.history_user_id is None and user is not None and getattr(user, "pk", None):
        history_instance.history_user = user
    if not history_instance.history_change_reason and ctx.reason:
        history_instance.history_change_reason = ctx.reason
    if not history_instance.history_ip and ctx.ip:
        history_instance.history_ip = ctx.ip


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


def client_ip(request) -> str | None:
    # Behind the production proxy, REMOTE_ADDR is the proxy; it sets X-Real-IP.
    return request.META.get("HTTP_X_REAL_IP") or request.META.get("REMOTE_ADDR") or None
