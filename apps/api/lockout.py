"""django-axes lock-out answer: JSON for the API, the usual page everywhere else.

Enabled with ``AXES_LOCKOUT_CALLABLE = "apps.api.lockout.lockout_response"`` in the settings;
without it the token endpoint still refuses a locked-out user (429), with axes' HTML page.
"""

from __future__ import annotations

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _


def lockout_response(request, original_response=None, credentials=None):
    from axes.helpers import get_client_username, get_cool_off, get_cool_off_iso8601, get_failure_limit

    status = settings.AXES_HTTP_RESPONSE_CODE
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": _("Too many failed log-in attempts. The account is locked for a while."),
                             "code": "locked_out", "field": None}, status=status)
    context = {"failure_limit": get_failure_limit(request, credentials),
               "username": get_client_username(request, credentials) or ""}
    cool_off = get_cool_off(request)
    if cool_off:
        context.update({"cooloff_time": get_cool_off_iso8601(cool_off), "cooloff_timedelta": cool_off})
    return render(request, settings.AXES_LOCKOUT_TEMPLATE, context, status=status)
