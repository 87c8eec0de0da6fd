"""API clients: ``api(user)`` signs in with the session (as the browser does), ``api(user,
token=True)`` with ``Authorization: Token``. Both send JSON."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from apps.accounts.enums import ProjectRole
from apps.projects.gates import registry

AUTH_MODES = ["session", "token"]


class JsonClient(APIClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.default_format = "json"


@pytest.fixture(autouse=True)
def _fresh_throttles():
    cache.clear()  # throttle counters live in the cache
    yield
    cache.clear()


@pytest.fixture
def api():
    def _client(user=None, *, token: bool = False) -> JsonClient:
        client = JsonClient()
        if user is not None:
            if token:
                key = Token.objects.get_or_create(user=user)[0].key
                client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
            else:
                client.force_login(user)
        return client

    return _client


@pytest.fixture(params=AUTH_MODES)
def auth_mode(request) -> str:
    return request.param


@pytest.fixture
def as_user(api, auth_mode):
    """A client for ``user`` with the session or the token, once each."""

    def _client(user) -> JsonClient:
        return api(user, token=auth_mode == "token")

    return _client


def project_url(project, suffix: str = "") -> str:
    return f"/api/v1/projects/{project.pk}/{suffix}"


def member_of(project, role):
    return project.members.get(role=role, is_active=True)


def meet_gates(project, target, user, monkeypatch) -> None:
    """Make every gate of ``target`` met: pending gates by attestation, gates other apps
    check from their records by pretending the check passes."""
    from apps.projects import services

    for gate in registry.for_target(target):
        if gate.is_pending:
            if not project.gate_attestations.filter(gate=gate.code).exists():
                services.gate_attest(project=project, user=user, gate=gate.code, reference=f"纸质-{gate.code}")
        elif not gate.check(project):
            monkeypatch.setattr(gate, "check", lambda p: True)


__all__ = ["ProjectRole", "member_of", "meet_gates", "project_url"]
