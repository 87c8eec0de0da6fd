"""One mapping from a refusal (``DomainError`` / ``PermissionDenied``) to what the person sees.

- **Pages.** ``PermissionDenied`` (the person's role does not allow it) is the 403 page with
  the rule's sentence; any other ``DomainError`` (the state or the input does not allow it) is
  shown where the person acted: next to the form field it names, above the form, or as a
  message after a redirect. :func:`show_refusal` does both.
- **API.** :func:`api_status` gives the status code (403, 409 for a stale version, 400 for the
  rest) that ``apps.core.rest.exceptions`` answers with, as JSON.

Nothing is saved either way: every request runs in one transaction (``ATOMIC_REQUESTS``) and a
service raises before it writes, or the raise rolls the transaction back.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied

from .errors import DomainError, PermissionDenied
from .locking import STALE_CODE


class Refused(DjangoPermissionDenied):
    """Django's 403, carrying the sentence of the rule that refused (shown on the 403 page)."""

    def __init__(self, message: str = "") -> None:
        super().__init__(message)
        self.message = str(message)


def deny(message: str = "") -> None:
    """Answer 403 with ``message`` on the page."""
    raise Refused(message)


def show_refusal(exc: DomainError, *, form=None, request=None) -> None:
    """Show ``exc`` to the person: 403 for a permission refusal, else on ``form`` (next to
    the field it names when the form has it) or, without a form, as a message of ``request``."""
    if isinstance(exc, PermissionDenied):
        raise Refused(exc.message) from None
    if form is not None:
        fields = getattr(form, "fields", {})
        form.add_error(exc.field if exc.field in fields else None, exc.message)
        for detail in exc.details:
            form.add_error(None, detail)
        return
    if request is None:
        raise ValueError("show_refusal needs a form or a request")
    messages.error(request, exc.message)
    for detail in exc.details:
        messages.error(request, detail)


def api_status(exc: DomainError) -> int:
    """The HTTP status of a refusal in the API."""
    if isinstance(exc, PermissionDenied):
        return 403
    if exc.code == STALE_CODE:
        return 409
    return 400
