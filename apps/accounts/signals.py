"""Signal receivers of the accounts app."""

from __future__ import annotations

from django.utils import timezone


def record_last_login(sender, user, **kwargs) -> None:
    """Note the log-in time on the user without a history row (``last_login`` is excluded from
    the history; a save would still write an empty, unattributed row)."""
    now = timezone.now()
    type(user)._default_manager.filter(pk=user.pk).update(last_login=now)
    user.last_login = now
