"""Generic error pages: no stack trace, no detail, in the user's language; JSON under /api/."""

from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _


def _api_error(request, status: int, code: str, message: str):
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message, "code": code, "field": None}, status=status)
    return None


def bad_request(request, exception=None):
    return (_api_error(request, 400, "bad_request", _("The request could not be processed."))
            or render(request, "errors/400.html", status=400))


def permission_denied(request, exception=None):
    """403. A refusal of the kit (:class:`apps.core.refusals.Refused`) carries its rule's own
    sentence, which the page shows; Django's bare 403 says only that the role does not allow it."""
    from .refusals import Refused

    reason = exception.message if isinstance(exception, Refused) and exception.message else ""
    message = reason or (_("Regulator accounts are read-only.") if getattr(request.user, "is_read_only", False)
                         else _("You do not have permission to perform this action."))
    return (_api_error(request, 403, "permission_denied", message)
            or render(request, "errors/403.html", {"reason": reason}, status=403))


def page_not_found(request, exception=None):
    return _api_error(request, 404, "not_found", _("Not found.")) or render(request, "errors/404.html", status=404)


def server_error(request):
    return (_api_error(request, 500, "server_error",
                       _("An unexpected error occurred. It has been logged; please try again later."))
            or render(request, "errors/500.html", status=500))
