"""Log-in with an optional second factor (两步验证, TOTP) and the person's own security page.

Log-in: the password first (Django's form, django-axes counting failures); a person with an
authenticator app then enters its code on a second page. Between the two pages the session is
not logged in: it holds only the pending user's id, for ``SECOND_FACTOR_LOGIN_SECONDS``.
"""

from __future__ import annotations

import logging
import time

from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_lockout_response
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import load_backend
from django.contrib.auth import login as auth_login
from django.contrib.auth import user_login_failed
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.crypto import constant_time_compare
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.generic import FormView
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp import login as otp_login

from apps.core.errors import DomainError
from apps.core.history import client_ip
from apps.core.permissions import allowed
from apps.core.refusals import deny, show_refusal

from . import selectors, services
from .forms import CodeForm, LoginForm
from .models import User

logger = logging.getLogger("apps.accounts")

PENDING_KEY = "second_factor_pending"


# --- the pending log-in between the password and the code -----------------------------------

def pending_login_begin(request, user, *, next_url: str) -> None:
    request.session[PENDING_KEY] = {
        "user": user.pk, "backend": user.backend, "hash": user.get_session_auth_hash(),
        "since": int(time.time()), "next": next_url}


def pending_login_end(request) -> None:
    request.session.pop(PENDING_KEY, None)


def pending_login(request) -> tuple[User, dict] | None:
    """The person who gave the right password in this session and has yet to enter the code;
    ``None`` once the time is up, or when the person was disabled or changed the password."""
    state = request.session.get(PENDING_KEY)
    if not isinstance(state, dict):
        return None
    if time.time() - state.get("since", 0) > settings.SECOND_FACTOR_LOGIN_SECONDS:
        pending_login_end(request)
        return None
    backend = state.get("backend")
    user = None
    if backend in settings.AUTHENTICATION_BACKENDS:
        # As the session will: the backend says whether the person (and organisation) may log in.
        user = load_backend(backend).get_user(state.get("user"))
    if user is None or not constant_time_compare(user.get_session_auth_hash(), state.get("hash", "")):
        pending_login_end(request)
        return None
    return user, state


class LoginView(auth_views.LoginView):
    """The password page. A person with an authenticator app goes on to the code page without
    being logged in; a person whose organisation requires one and who has none is logged in and
    sent to set it up (``SecondFactorMiddleware`` keeps them there until they do)."""

    authentication_form = LoginForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        user = form.get_user()
        pending_login_end(self.request)
        if selectors.confirmed_device(user) is not None:
            pending_login_begin(self.request, user, next_url=self.get_redirect_url())
            return redirect("accounts:second_factor_login")
        response = super().form_valid(form)
        if selectors.second_factor_required(user):
            messages.warning(self.request, _("Your organisation requires two-step verification. Set up an "
                                             "authenticator app to continue."))
            return redirect("accounts:security")
        return response


class SecondFactorLoginView(FormView):
    """The code page of a log-in. A wrong code counts as a failed log-in (django-axes), is
    logged, and the lock-out applies here as on the password page."""

    template_name = "registration/login_code.html"
    form_class = CodeForm

    def dispatch(self, request, *args, **kwargs):
        found = pending_login(request)
        if found is None:
            messages.error(request, _("The log-in has timed out. Enter your user name and password again."))
            return redirect(settings.LOGIN_URL)
        self.user, self.state = found
        self.credentials = {"username": self.user.get_username()}
        if not AxesProxyHandler.is_allowed(request, self.credentials):
            pending_login_end(request)
            return get_lockout_response(request, None, self.credentials)
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form):
        request = self.request
        check, device = services.second_factor_verify(user=self.user, code=form.cleaned_data["code"])
        if device is None:  # removed by an administrator meanwhile: start again
            pending_login_end(request)
            messages.error(request, _("The log-in has timed out. Enter your user name and password again."))
            return redirect(settings.LOGIN_URL)
        if check is services.CodeCheck.ACCEPTED:
            pending_login_end(request)
            auth_login(request, self.user, backend=self.state["backend"])
            otp_login(request, device)
            logger.info("User %s logged in with a second factor from %s", self.user.pk, client_ip(request))
            return redirect(self.success_target())
        if check is services.CodeCheck.REFUSED:
            logger.warning("Second-factor code refused at log-in for user %s from %s", self.user.pk,
                           client_ip(request))
            # Counted with the password failures; at the limit django-axes answers with the lock-out.
            user_login_failed.send(sender=__name__, credentials=self.credentials, request=request)
            if getattr(request, "axes_locked_out", False):
                pending_login_end(request)
        show_refusal(services.code_error(check), form=form)
        return self.form_invalid(form)

    def success_target(self) -> str:
        target = self.state.get("next") or ""
        if target and url_has_allowed_host_and_scheme(target, allowed_hosts={self.request.get_host()},
                                                      require_https=self.request.is_secure()):
            return target
        return reverse(settings.LOGIN_REDIRECT_URL)

    def get_context_data(self, **kwargs):
        return super().get_context_data(pending_user=self.user, **kwargs)


def admin_login(request):
    """The admin's own log-in page would skip the code: the admin uses the site's log-in."""
    target = request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                           require_https=request.is_secure()):
        target = reverse("admin:index")
    if request.user.is_authenticated:
        if not request.user.is_staff:
            deny(_("Only administrators can use the administration pages."))
        return redirect(target)
    return redirect_to_login(target)


# --- the person's own security page ---------------------------------------------------------

def security_page(request, *, replace_form=None, remove_form=None, status=200):
    user = request.user
    device = selectors.confirmed_device(user)
    context = {
        "device": device,
        "pending": selectors.pending_device(user),
        "required": selectors.second_factor_required(user),
        "may_remove": device is not None and allowed("accounts.may_remove_second_factor", user),
        "replace_form": replace_form or CodeForm(prefix="replace"),
        "remove_form": remove_form or CodeForm(prefix="remove"),
    }
    return render(request, "accounts/security.html", context, status=status)


@login_required
def security(request):
    return security_page(request)


@login_required
@require_POST
def second_factor_start(request):
    """Begin setting up an authenticator app (replacing the one in use needs its code)."""
    form = CodeForm(request.POST, prefix="replace") if selectors.confirmed_device(request.user) else None
    if form is not None and not form.is_valid():
        return security_page(request, replace_form=form, status=400)
    try:
        services.second_factor_start(user=request.user, code=form.cleaned_data["code"] if form else "")
    except DomainError as exc:
        if form is None:  # an app was confirmed in another window meanwhile
            show_refusal(exc, request=request)
            return redirect("accounts:security")
        show_refusal(exc, form=form)
        return security_page(request, replace_form=form, status=400)
    return redirect("accounts:second_factor_enrol")


@login_required
def second_factor_enrol(request):
    """The secret and its QR code; the person confirms with the code the app then shows."""
    device = selectors.pending_device(request.user)
    if device is None:
        messages.info(request, _("Start the set-up of an authenticator app first."))
        return redirect("accounts:security")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            confirmed = services.second_factor_confirm(user=request.user, code=form.cleaned_data["code"])
        except DomainError as exc:
            show_refusal(exc, form=form)
        else:
            otp_login(request, confirmed)  # this session has just shown the code
            messages.success(request, _("Two-step verification is on: every log-in now asks for a code from "
                                        "your authenticator app."))
            return redirect("accounts:security")
    context = {"device": device, "form": form, "secret": selectors.device_secret(device),
               "qr_svg": selectors.device_qr_svg(device)}
    return render(request, "accounts/enrol.html", context, status=400 if form.errors else 200)


@login_required
@require_POST
def second_factor_remove(request):
    """Remove the authenticator app, with its current code (not where the organisation requires it)."""
    form = CodeForm(request.POST, prefix="remove")
    if not form.is_valid():
        return security_page(request, remove_form=form, status=400)
    try:
        services.second_factor_remove(user=request.user, code=form.cleaned_data["code"])
    except DomainError as exc:
        show_refusal(exc, form=form)
        return security_page(request, remove_form=form, status=400)
    request.session.pop(DEVICE_ID_SESSION_KEY, None)
    messages.success(request, _("Two-step verification is off: you log in with your password alone."))
    return redirect("accounts:security")
