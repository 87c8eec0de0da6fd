from __future__ import annotations

import pytest
from django.core.cache import cache
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient


@pytest.fixture
def api():
    cache.clear()

    def _client(user=None, *, token: bool = False) -> APIClient:
        client = APIClient()
        client.default_format = "json"
        if user is not None:
            if token:
                key = Token.objects.get_or_create(user=user)[0].key
                client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
            else:
                client.force_login(user)
        return client

    yield _client
    cache.clear()
