"""Reads of the accounts app: a person's second factor (TOTP device, django-otp)."""

from __future__ import annotations

from base64 import b32encode

import qrcode
import qrcode.image.svg
from django_otp.plugins.otp_totp.models import TOTPDevice


def confirmed_device(user, *, for_update: bool = False) -> TOTPDevice | None:
    """The authenticator app ``user`` logs in with, if any (one per person)."""
    if user is None or not getattr(user, "pk", None):
        return None
    qs = TOTPDevice.objects.filter(user_id=user.pk, confirmed=True).order_by("-pk")
    if for_update:
        qs = qs.select_for_update()
    return qs.first()


def pending_device(user, *, for_update: bool = False) -> TOTPDevice | None:
    """The authenticator app ``user`` has started to set up and not yet confirmed."""
    if user is None or not getattr(user, "pk", None):
        return None
    qs = TOTPDevice.objects.filter(user_id=user.pk, confirmed=False).order_by("-pk")
    if for_update:
        qs = qs.select_for_update()
    return qs.first()


def second_factor_required(user) -> bool:
    """Whether ``user``'s organisation requires every log-in to be confirmed with a code."""
    org = getattr(user, "organization", None) if getattr(user, "organization_id", None) else None
    return bool(org is not None and org.require_second_factor)


def device_secret(device: TOTPDevice) -> str:
    """The secret as an authenticator app takes it when typed in: base32, in groups of four."""
    secret = b32encode(device.bin_key).decode("ascii").rstrip("=")
    return " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))


def device_qr_svg(device: TOTPDevice) -> str:
    """The device's ``otpauth://`` address as a QR code, an inline SVG drawn here (no image
    service, no script: the Content-Security-Policy allows neither)."""
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8, border=2)
    svg = image.to_string(encoding="unicode")
    # The XML declaration is not allowed inside an HTML document.
    return svg[svg.index("<svg"):]
