"""Writes of the accounts app: a person's second factor (两步验证, TOTP through django-otp).

A person has at most one confirmed authenticator app (``TOTPDevice``) and at most one being set
up. Every change of a device writes a history row with the acting person and a reason; checking
a code at log-in writes none (it only moves django-otp's counters).
"""

from __future__ import annotations

import enum
import logging
import re

from django.db import transaction
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.authtoken.models import Token

from apps.core.errors import DomainError
from apps.core.history import delete_with_history, history_context, save_with_history
from apps.core.locking import lock
from apps.core.permissions import require

from .models import User
from .selectors import confirmed_device, pending_device

logger = logging.getLogger("apps.accounts")

CODE_RE = re.compile(r"^[0-9]{6}$")


class CodeCheck(enum.Enum):
    ACCEPTED = "accepted"
    REFUSED = "refused"  # wrong code: counts as a failed log-in
    THROTTLED = "throttled"  # too soon after a wrong code: not checked, not counted


def normalise_code(code) -> str:
    """The code as typed, without the spaces apps show in the middle (``123 456``)."""
    return re.sub(r"\s+", "", code) if isinstance(code, str) else ""


def device_verify(*, device: TOTPDevice, code) -> CodeCheck:
    """Check ``code`` against ``device`` (locked by the caller). django-otp refuses a code used
    before and slows down the next attempt after a wrong one (1, 2, 4 … seconds)."""
    allowed, _info = device.verify_is_allowed()
    if not allowed:
        return CodeCheck.THROTTLED
    code = normalise_code(code)
    # The counters django-otp saves are not part of the device's history (see models.py).
    device.skip_history_when_saving = True
    try:
        if CODE_RE.match(code):
            verified = device.verify_token(code)
        else:
            device.throttle_increment(commit=True)
            verified = False
    finally:
        del device.skip_history_when_saving
    return CodeCheck.ACCEPTED if verified else CodeCheck.REFUSED


def second_factor_verify(*, user, code) -> tuple[CodeCheck, TOTPDevice | None]:
    """The second step of a log-in: ``code`` against the person's authenticator app."""
    with transaction.atomic():
        device = confirmed_device(user, for_update=True)
        if device is None:
            return CodeCheck.REFUSED, None
        return device_verify(device=device, code=code), device


def code_error(check: CodeCheck) -> DomainError:
    if check is CodeCheck.THROTTLED:
        return DomainError(_("Too many wrong codes in a row. Wait a few seconds and enter the new code."),
                           code="otp_throttled", field="code")
    return DomainError(_("The code is not correct. Enter the 6-digit code your authenticator app shows now."),
                       code="otp_invalid", field="code")


def check_current_code(*, user, code, device: TOTPDevice | None = None) -> TOTPDevice:
    """Refuse unless ``code`` is the current code of ``user``'s authenticator app (to remove or
    replace it). A wrong code is logged."""
    with transaction.atomic():
        device = confirmed_device(user, for_update=True) if device is None else lock(device)
        if device is None:
            raise DomainError(_("You have no authenticator app set up."), code="no_device")
        check = device_verify(device=device, code=code)
    if check is not CodeCheck.ACCEPTED:
        logger.warning("Second-factor code refused for user %s (device change)", user.pk)
        raise code_error(check)
    return device


def second_factor_start(*, user, code="") -> TOTPDevice:
    """Begin setting up an authenticator app: a new secret, unconfirmed until the person enters
    a code the app shows. Replacing the app already in use needs its current code."""
    if confirmed_device(user) is not None:
        check_current_code(user=user, code=code)
    with transaction.atomic(), history_context(user=user):
        lock(User, pk=user.pk)  # one change of a person's devices at a time
        for stale in TOTPDevice.objects.filter(user_id=user.pk, confirmed=False):
            delete_with_history(stale, reason=_("Unfinished set-up discarded: a new one was started"))
        device = TOTPDevice(user_id=user.pk, name=_("Authenticator app"), confirmed=False)
        save_with_history(device, reason=_("Set-up of an authenticator app started"))
    logger.info("Second-factor set-up started by user %s", user.pk)
    return device


def second_factor_confirm(*, user, code) -> TOTPDevice:
    """Confirm the app being set up with a code it shows. From then on every log-in (page and
    API token) asks for a code; an app it replaces stops working, and API tokens issued with
    the password alone are revoked."""
    with transaction.atomic():
        lock(User, pk=user.pk)
        device = pending_device(user, for_update=True)
        if device is None:
            raise DomainError(_("There is no authenticator app being set up. Start again."), code="no_device")
        check = device_verify(device=device, code=code)
    if check is not CodeCheck.ACCEPTED:
        raise code_error(check)
    with transaction.atomic(), history_context(user=user):
        device.confirmed = True
        save_with_history(device, reason=_("Authenticator app confirmed with a code"), update_fields=["confirmed"])
        for old in TOTPDevice.objects.filter(user_id=user.pk, confirmed=True).exclude(pk=device.pk):
            delete_with_history(old, reason=_("Authenticator app replaced by a new one"))
        Token.objects.filter(user_id=user.pk).delete()
    logger.info("Second-factor device %s confirmed by user %s", device.pk, user.pk)
    return device


def second_factor_remove(*, user, code) -> None:
    """Remove the person's authenticator app (log-in with the password alone again), with its
    current code; refused where the organisation requires a second factor."""
    require("accounts.may_remove_second_factor", user)
    device = check_current_code(user=user, code=code)
    with transaction.atomic(), history_context(user=user):
        delete_with_history(lock(device), reason=_("Authenticator app removed by its owner"))
    logger.info("Second-factor device %s removed by user %s", device.pk, user.pk)


def organization_second_factor_enforce(*, organization) -> int:
    """When an organisation starts to require a second factor: the API tokens its people got
    with the password alone stop working (their sessions are sent to the set-up page by
    ``SecondFactorMiddleware``). Returns the number of tokens revoked."""
    if not organization.require_second_factor:
        return 0
    with transaction.atomic():
        revoked, _rows = Token.objects.filter(user__organization=organization).exclude(
            user__totpdevice__confirmed=True).delete()
    if revoked:
        logger.info("%s API tokens revoked: organisation %s requires a second factor", revoked, organization.pk)
    return revoked
