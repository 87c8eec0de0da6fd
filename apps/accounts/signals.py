"""Signal receivers of the accounts app."""

from __future__ import annotations

from django.utils import timezone


def record_last_login(sender, user, **kwargs) -> None:
    """Note the log-in time on the user without a history row (``last_login`` is excluded from
    the history; a save would still write an empty, unattributed row)."""
    now = timezone.now()
    type(user)._default_manager.filter(pk=user.pk).update(last_login=now)
    user.last_login = now


def ensure_system_account(sender, using="default", **kwargs) -> None:
    """The named system account that history rows written without a person name
    (``apps.core.history.system_account_id``): created if a flush or a restore removed it."""
    from django.db import transaction
    from django.db.utils import DatabaseError

    from apps.core.history import SYSTEM_ACCOUNT_USERNAME, forget_system_account

    from .models import User

    forget_system_account()
    try:
        with transaction.atomic(using=using):
            if not User.objects.using(using).filter(username=SYSTEM_ACCOUNT_USERNAME).exists():
                User.objects.using(using).create(username=SYSTEM_ACCOUNT_USERNAME, name="系统", is_active=False,
                                                 password="!", email="")
    except DatabaseError:  # pragma: no cover - the table is not there yet (partial migrate)
        return
