"""The one domain error type. Services raise it; views turn it into a message."""

from __future__ import annotations


class DomainError(Exception):
    """A business rule refused the action. ``message`` is shown to the user as is."""

    def __init__(self, message: str, *, code: str = "invalid", field: str | None = None,
                 details: list[str] | None = None) -> None:
        super().__init__(message)
        self.message = str(message)
        self.code = code
        self.field = field
        self.details = [str(d) for d in (details or [])]

    def __str__(self) -> str:
        return self.message


class PermissionDenied(DomainError):
    """The user's role does not allow this action on this object."""

    def __init__(self, message: str, **kwargs) -> None:
        kwargs.setdefault("code", "permission_denied")
        super().__init__(message, **kwargs)
