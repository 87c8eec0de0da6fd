"""How API clients prove who they are: the browser session or a token that expires."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import SessionAuthentication, TokenAuthentication
from rest_framework.authtoken.models import Token

# A token is a password that lives on a client machine: it expires like an idle session does,
# only later (a working day). Override with the setting API_TOKEN_TTL_HOURS.
DEFAULT_TOKEN_TTL_HOURS = 10


def token_ttl() -> dt.timedelta:
    return dt.timedelta(hours=getattr(settings, "API_TOKEN_TTL_HOURS", DEFAULT_TOKEN_TTL_HOURS))


def token_expires_at(token: Token) -> dt.datetime:
    return token.created + token_ttl()


def token_is_expired(token: Token) -> bool:
    return timezone.now() >= token_expires_at(token)


class ExpiringTokenAuthentication(TokenAuthentication):
    """``Authorization: Token <key>``; refused once the token is older than the TTL or its
    user (or organisation) is disabled."""

    def authenticate_credentials(self, key):
        user, token = super().authenticate_credentials(key)
        if token_is_expired(token):
            raise exceptions.AuthenticationFailed(_("The token has expired. Request a new one."))
        org = getattr(user, "organization", None)
        if org is not None and not org.is_active and not user.is_superuser:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        return user, token


# Browser clients (the Swagger page, htmx) use the session; unsafe methods need the CSRF token.
SESSION_AUTHENTICATION = SessionAuthentication
# Token first: an anonymous request then gets 401 with ``WWW-Authenticate: Token``.
AUTHENTICATION_CLASSES = [ExpiringTokenAuthentication, SessionAuthentication]
