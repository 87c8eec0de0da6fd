"""One way for a service to notify people: :func:`notify`.

The notification centre (``apps.notifications``) sits above the apps that notify, so they do
not import it: it registers itself here when it starts (``set_backend``), and every service
calls :func:`notify`. The centre stores one row per person and key (a repeated call is a
no-op) and sends e-mail only after the transaction commits; a failure there is logged, never
raised into the request that saved the record.

What this function adds on the way: people who are ``None`` or listed twice are dropped, the
title is made one line (a line break in a title would break the e-mail header) and clipped.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable

logger = logging.getLogger(__name__)

TITLE_MAX = 200
BODY_MAX = 4000  # the notification centre's limit

_backend: Callable | None = None


def set_backend(backend: Callable) -> None:
    """Called once by the notification centre's ``AppConfig.ready``."""
    global _backend
    _backend = backend


def one_line(text: str) -> str:
    """``text`` with every control character or line break replaced by a space."""
    import unicodedata

    return " ".join("".join(" " if unicodedata.category(ch) in ("Cc", "Zl", "Zp") else ch
                             for ch in str(text or "")).split())


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def notify(*, recipients: Iterable, key: str, title: str, link: str = "", project=None, body: str = "",
           kind: str = "", email: bool = True) -> list[int]:
    """Notify each person of ``recipients`` once per ``key`` (see the module docstring);
    returns the ids of the notifications created now."""
    people, seen = [], set()
    for person in recipients or ():
        if person is None or getattr(person, "pk", None) is None or person.pk in seen:
            continue
        seen.add(person.pk)
        people.append(person)
    if not people:
        return []
    if _backend is None:  # pragma: no cover - the notification centre is always installed
        logger.warning("No notification backend registered; %s not sent", key)
        return []
    return _backend(recipients=people, key=key, title=_clip(one_line(title), TITLE_MAX),
                    body=_clip(str(body or "").strip(), BODY_MAX), link=link, project=project, kind=kind,
                    email=email)
