"""POST /api/v1/auth/token/ exchanges a user name and password for a token; DELETE revokes it."""

from __future__ import annotations

import logging

from django.contrib.auth import authenticate
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers, status
from rest_framework.authtoken.models import Token
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from apps.core.history import client_ip

from apps.core.rest.authentication import token_expires_at, token_is_expired
from apps.core.rest.base import ApiView, api_schema
from apps.core.rest.permissions import IsAuthenticatedReader
from apps.core.rest.throttling import TokenRequestIpThrottle, TokenRequestUsernameThrottle

logger = logging.getLogger("apps.api")


class TokenObtainSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=4096, trim_whitespace=False, style={"input_type": "password"})


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

    @api_schema(summary="Obtain a token", request=TokenObtainSerializer, responses=TokenSerializer, auth=[])
    def post(self, request):
        data = TokenObtainSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        username = data.validated_data["username"]
        user = authenticate(request._request, username=username, password=data.validated_data["password"])
        org = getattr(user, "organization", None)
        if user is None or not user.is_active or (org is not None and not org.is_active and not user.is_superuser):
            logger.warning("API token refused for user name %r from %s", username, client_ip(request._request))
            # Answered, not raised: raising rolls the request's transaction back, and with it the
            # failure that django-axes has just recorded for the lock-out (security row 5).
            message = str(_("Unable to log in with the user name and password given."))
            return Response({"detail": message, "code": "invalid_credentials", "field": None,
                             "errors": {"non_field_errors": [message]}}, status=status.HTTP_400_BAD_REQUEST)
        token = token_issue(user=user)
        logger.info("API token issued to user %s from %s", user.pk, client_ip(request._request))
        return Response({"token": token.key, "expires_at": token_expires_at(token)})

    @api_schema(summary="Revoke your token", request=None, responses={204: None})
    def delete(self, request):
        Token.objects.filter(user=request.user).delete()
        return Response(status=status.HTTP_204_NO_CONTENT)
