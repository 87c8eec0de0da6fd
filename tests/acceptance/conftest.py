from __future__ import annotations

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient


@pytest.fixture
def api():
    cache.clear()

    def _client(user=None) -> APIClient:
        client = APIClient()
        client.default_format = "json"
        if user is not None:
            client.force_login(user)
        return client

    yield _client
    cache.clear()


@pytest.fixture
def w(world):
    return world


@pytest.fixture(autouse=True)
def _english(english):
    """These tests read message texts in English (see tests/conftest.py)."""
