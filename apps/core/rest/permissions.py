"""Who may call the API at all. Object scoping is done by the selectors, roles by the services."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import SAFE_METHODS, BasePermission


class IsActiveUser(BasePermission):
    """A signed-in, active person. Regulators (``is_read_only``) may only read.

    ``ReadOnlyRoleMiddleware`` already refuses a session-authenticated regulator's writes, but
    a token is only read by DRF after the middleware ran, so this class checks again.
    """

    message = _("Regulator accounts are read-only.")

    def has_permission(self, request, view) -> bool:
        user = request.user
        if not (user and user.is_authenticated and user.is_active):
            # DRF turns this into 401/403 "not authenticated" instead of ``message``.
            return False
        if request.method not in SAFE_METHODS and getattr(user, "is_read_only", False):
            return False
        return True


class IsAuthenticatedReader(BasePermission):
    """Signed in and active; used by read-only endpoints such as the schema and the docs."""

    def has_permission(self, request, view) -> bool:
        user = request.user
        return bool(user and user.is_authenticated and user.is_active)
