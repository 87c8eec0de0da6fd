"""POST /api/v1/auth/token/ exchanges a user name and password for a token; DELETE revokes it."""

from __future__ import annotations

import logging

from django.contrib.auth import authenticate, user_login_failed
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers, status
from rest_framework.authtoken.models import Token
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from apps.accounts import selectors as accounts_selectors
from apps.accounts import services as accounts_services
from apps.core.history import client_ip
from apps.core.rest.authentication import token_expires_at, token_is_expired
from apps.core.rest.base import ApiView, api_schema
from apps.core.rest.fields import LineField
from apps.core.rest.permissions import IsAuthenticatedReader
from apps.core.rest.serializers import ErrorSerializer
from apps.core.rest.throttling import TokenRequestIpThrottle, TokenRequestUsernameThrottle

logger = logging.getLogger("apps.api")


class TokenObtainSerializer(serializers.Serializer):
    username = LineField(max_length=150)
    password = serializers.CharField(max_length=4096, trim_whitespace=False, style={"input_type": "password"})
    otp = serializers.CharField(
        max_length=20, required=False, allow_blank=True,
        help_text="Two-step verification (两步验证): the 6-digit code the user's authenticator app shows now. "
                  "Required for a user who has set one up; a missing or wrong code is refused (400, code "
                  "`otp_required` / `otp_invalid`) and counts as a failed log-in. A user whose organisation "
                  "requires two-step verification and who has no authenticator app gets no token (400, code "
                  "`second_factor_enrolment_required`) until they set one up on their security page.")


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField()
    expires_at = serializers.DateTimeField()


def token_issue(*, user) -> Token:
    """The user's token; a new one if there is none or it has expired."""
    with transaction.atomic():
        token = Token.objects.select_for_update().filter(user=user).first()
        if token is not None and token_is_expired(token):
            token.delete()
            token = None
        if token is None:
            token = Token.objects.create(user=user)
    return token


def refusal(message, *, code: str, field: str | None) -> Response:
    """A 400 answered, not raised: raising rolls the request's transaction back, and with it the
    failure that django-axes has just recorded for the lock-out (security row 5)."""
    message = str(message)
    return Response({"detail": message, "code": code, "field": field,
                     "errors": {field or "non_field_errors": [message]}}, status=status.HTTP_400_BAD_REQUEST)


def second_factor_refusal(request, user, otp: str) -> Response | None:
    """The second factor of a token request (docs/accounts.md): ``None`` when it passes."""
    device = accounts_selectors.confirmed_device(user)
    if device is None:
        if accounts_selectors.second_factor_required(user):
            logger.warning("API token refused for user %s: second factor required, none set up", user.pk)
            return refusal(_("Your organisation requires two-step verification. Set up an authenticator app on "
                             "your account security page in the web interface first, then request the token "
                             "with its code."), code="second_factor_enrolment_required", field="otp")
        return None
    if not otp.strip():
        check = None
    else:
        check, _device = accounts_services.second_factor_verify(user=user, code=otp)
        if check is accounts_services.CodeCheck.ACCEPTED:
            return None
        if check is accounts_services.CodeCheck.THROTTLED:
            return refusal(accounts_services.code_error(check).message, code="otp_throttled", field="otp")
    logger.warning("API token refused for user %s from %s: second-factor code %s", user.pk,
                   client_ip(request._request), "missing" if check is None else "wrong")
    user_login_failed.send(sender=__name__, credentials={"username": user.get_username()}, request=request._request)
    if check is None:
        return refusal(_("This account uses two-step verification: send the 6-digit code of your authenticator "
                         "app in the field otp."), code="otp_required", field="otp")
    return refusal(_("The two-step verification code is not correct. Send the code your authenticator app "
                     "shows now."), code="otp_invalid", field="otp")


class TokenView(ApiView):
    # POST carries the credentials in its body and is throttled (security row 5); DELETE is
    # authenticated like every other request. A regulator may do both: like logging in and
    # out, they change no record of the quality process.

    def get_authenticators(self):
        if getattr(self.request, "method", None) == "POST":
            return []
        return super().get_authenticators()

    def get_permissions(self):
        if getattr(self.request, "method", None) == "POST":
            return [AllowAny()]
        return [IsAuthenticatedReader()]

    def get_throttles(self):
        if getattr(self.request, "method", None) == "POST":
            return [TokenRequestIpThrottle(), TokenRequestUsernameThrottle()]
        return []

    @api_schema(summary="Obtain a token",
                description="User name and password; plus `otp`, the code of the authenticator app, for a user "
                            "with two-step verification. Every refusal (400) counts towards the lock-out (429) "
                            "except a throttled code and a user who must first set up two-step verification.",
                request=TokenObtainSerializer, responses={200: TokenSerializer, 400: ErrorSerializer,
                                                          429: ErrorSerializer}, auth=[])
    def post(self, request):
        data = TokenObtainSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        username = data.validated_data["username"]
        user = authenticate(request._request, username=username, password=data.validated_data["password"])
        org = getattr(user, "organization", None)
        if user is None or not user.is_active or (org is not None and not org.is_active and not user.is_superuser):
            logger.warning("API token refused for user name %r from %s", username, client_ip(request._request))
            return refusal(_("Unable to log in with the user name and password given."), code="invalid_credentials",
                           field=None)
        refused = second_factor_refusal(request, user, data.validated_data.get("otp") or "")
        if refused is not None:
            return refused
        token = token_issue(user=user)
        logger.info("API token issued to user %s from %s", user.pk, client_ip(request._request))
        return Response({"token": token.key, "expires_at": token_expires_at(token)})

    @api_schema(summary="Revoke your token", request=None, responses={204: None})
    def delete(self, request):
        Token.objects.filter(user=request.user).delete()
        return Response(status=status.HTTP_204_NO_CONTENT)
