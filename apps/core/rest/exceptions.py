"""Every API error is JSON: ``{"detail": message, "code": code, "field": field}``.

- :class:`apps.core.errors.DomainError` → 400, its ``PermissionDenied`` → 403, a stale version
  (code ``stale``) → 409;
- validation errors → 400 with ``errors`` mapping each field to its messages;
- Django's ``Http404`` / ``PermissionDenied`` and DRF's own exceptions → their status;
- anything else → logged, 500 with a generic message (there should be none).

The transaction of the request (ATOMIC_REQUESTS) is rolled back in every case: nothing changes.
"""

from __future__ import annotations

import logging

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework.views import set_rollback

from apps.core.errors import DomainError
from apps.core.locking import STALE_CODE  # noqa: F401  (re-exported for the API tests)
from apps.core.refusals import api_status

logger = logging.getLogger("apps.api")


def _first_message(errors) -> tuple[str | None, str]:
    """The first field name and message of a (nested) DRF error structure."""
    if isinstance(errors, dict):
        for key, value in errors.items():
            field, message = _first_message(value)
            if message:
                return (key if field is None else f"{key}.{field}"), message
        return None, ""
    if isinstance(errors, (list, tuple)):
        for value in errors:
            field, message = _first_message(value)
            if message:
                return field, message
        return None, ""
    return None, str(errors)


def _domain_response(exc: DomainError) -> Response:
    body = {"detail": exc.message, "code": exc.code, "field": exc.field}
    if exc.details:
        body["details"] = exc.details
    return Response(body, status=api_status(exc))


def api_exception_handler(exc, context):
    if isinstance(exc, DomainError):
        set_rollback()
        return _domain_response(exc)

    response = drf_exception_handler(exc, context)
    if response is None:
        view = context.get("view")
        logger.error("Unexpected error in API view %s", type(view).__name__ if view else "?", exc_info=exc)
        set_rollback()
        return Response({"detail": _("An unexpected error occurred. It has been logged; please try again later."),
                         "code": "server_error", "field": None}, status=status.HTTP_500_INTERNAL_SERVER_ERROR)

    if isinstance(exc, exceptions.ValidationError):
        errors = response.data if isinstance(response.data, dict) else {"non_field_errors": response.data}
        field, message = _first_message(errors)
        if field in (None, "non_field_errors"):
            detail, field = message, None
        else:
            detail = f"{field}: {message}"
        response.data = {"detail": detail or _("The data sent is not valid."), "code": "invalid", "field": field,
                         "errors": errors}
        return response

    if isinstance(exc, Http404):
        code = "not_found"
    elif isinstance(exc, DjangoPermissionDenied):
        code = "permission_denied"
    elif isinstance(exc, exceptions.APIException):
        codes = exc.get_codes()
        code = codes if isinstance(codes, str) else exc.default_code
    else:
        code = "error"
    data = response.data if isinstance(response.data, dict) else {"detail": response.data}
    data.setdefault("detail", _("The request could not be processed."))
    data["detail"] = str(data["detail"])
    data.setdefault("code", code)
    data.setdefault("field", None)
    response.data = data
    return response
