from __future__ import annotations

from . import selectors


def unread_count(request) -> dict[str, int]:
    """The navigation badge: one COUNT on a partial index; 0 (no query) for anonymous users."""
    return {"unread_notifications": selectors.unread_count(getattr(request, "user", None))}
