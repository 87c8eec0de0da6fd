"""The second factor holds for every page and session API call, whatever the way in."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse
from django.utils.translation import gettext as _
from django_htmx.http import HttpResponseClientRedirect
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from .selectors import second_factor_required

# What a person whose organisation requires a second factor may still open before setting one
# up: the set-up itself, log-out, the language switch, and revoking an API token.
ENROLMENT_VIEWS = frozenset({"accounts:security", "accounts:second_factor_start", "accounts:second_factor_enrol",
                             "logout", "set_language", "api:token"})


def _answer(request, url: str, *, status: int, code: str, message: str):
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message, "code": code, "field": None}, status=status)
    messages.warning(request, message)
    if getattr(request, "htmx", False):
        return HttpResponseClientRedirect(url)
    return redirect(url)


class SecondFactorMiddleware:
    """After ``AuthenticationMiddleware``, for a signed-in session:

    - a person with an authenticator app whose session was not confirmed with its code (signed
      in before the app was set up elsewhere, or by some other way in) is logged out and sent to
      log in again;
    - a person whose organisation requires a second factor and who has none reaches only the
      set-up page (and log-out) until they have one.

    API tokens are not sessions: the token endpoint asks for the code instead.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated:
            refusal = self.refusal(request, user)
            if refusal is not None:
                return refusal
        return self.get_response(request)

    def refusal(self, request, user):
        devices = {f"{TOTPDevice.model_label()}/{pk}" for pk in
                   TOTPDevice.objects.filter(user_id=user.pk, confirmed=True).values_list("pk", flat=True)}
        if devices:
            if request.session.get(DEVICE_ID_SESSION_KEY) in devices:
                return None
            logout(request)
            return _answer(request, redirect_to_login(request.get_full_path()).url, status=401,
                           code="not_authenticated",
                           message=_("Log in again with the code of your authenticator app."))
        if not second_factor_required(user):
            return None
        try:
            view = resolve(request.path_info).view_name
        except Resolver404:
            view = None
        if view in ENROLMENT_VIEWS:
            return None
        return _answer(request, reverse("accounts:security"), status=403, code="second_factor_required",
                       message=_("Your organisation requires two-step verification. Set up an authenticator app "
                                 "to continue."))
