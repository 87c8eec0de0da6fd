from __future__ import annotations

import datetime as dt

import pytest
from django.core.cache import cache
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from apps.projects.models import Project


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


@pytest.fixture(autouse=True)
def _english(english):
    """These tests read message texts in English (see tests/conftest.py)."""


def put_in_implementation(project: Project, since: dt.date | None = None) -> Project:
    """The project in implementation since ``since`` (default: 20 days ago), without going
    through the gates of the other modules."""
    since = since or timezone.localdate() - dt.timedelta(days=20)
    when = timezone.make_aware(dt.datetime.combine(since, dt.time(9, 0)))
    project.refresh_from_db()
    project.phase, project.phase_changed_at = "implementation", when
    project._history_date = when  # the history row is dated back to ``since``
    project.save()
    del project._history_date
    project.refresh_from_db()
    return project


@pytest.fixture
def impl(world):
    """``world`` with its project in implementation."""
    put_in_implementation(world.project)
    return world
