"""Security row 9, generated: a regulator reads the projects of its jurisdiction and changes
nothing. Every changing request (POST to every page; each of POST, PUT, PATCH and DELETE an API
route takes, else POST, with the session and with a token) on its own visible project gets 403
(405 where the route has no such method), never a success, a redirect or a 500, and no history
row is written.

The routes and their ids come from ``urlwalk`` (the same walk as row 8), so a new route is
covered the day it is added.
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from apps.notifications.models import Notification

from .urlwalk import HistoryWatch, Route, report

pytestmark = pytest.mark.django_db

# Routes a regulator may change by design: its own session, password, language, second factor,
# API token and notifications, never a record of the quality process. With COPY_ROUTES, the
# views apps.core.middleware.READ_ONLY_ALLOWED_VIEWS lets through, listed again here so that a
# view added there is looked at.
OWN_ACCOUNT_ROUTES = {
    "login", "logout", "password_change", "set_language", "api:token",
    "accounts:second_factor_start", "accounts:second_factor_enrol", "accounts:second_factor_remove",
    "notifications:notification_mark_read", "notifications:notification_mark_all_read",
    "api:notification-read", "api:notification-read-all",
}
# Asking for the printable copy of a record the regulator may read (a large form is generated
# on request) changes no record of the quality process either.
COPY_ROUTES = {"reports:form"}
# The API's description pages and its catch-all 404 change nothing.
DESCRIPTION_ROUTES = {"api:schema", "api:docs", "api:not_found"}
ALLOWED = OWN_ACCOUNT_ROUTES | COPY_ROUTES
REFUSED = {403, 405}


def _targets(walk, *, api: bool) -> list[tuple[str, Route, str]]:
    """(url, route, label) of every route of the kind (pages or API) but the allowed ones."""
    found = []
    for route in walk.plain:
        if route.is_api == api and route.key not in ALLOWED | DESCRIPTION_ROUTES:
            found.append((f"/{route.path}", route, ""))
    for target in walk.targets:
        if target.route.is_api == api and target.route.key not in ALLOWED:
            found.append((target.url, target.route, target.label))
    return found


def _answer(client, method: str, url: str, *, api: bool) -> int | str:
    try:
        if api:
            return getattr(client, method)(url, {}, format="json").status_code
        return getattr(client, method)(url).status_code
    except Exception as exc:  # noqa: BLE001 — every failure of the walk is reported, not only the first
        return f"raised {type(exc).__name__}: {exc}"


def _walk(client, walk, *, api: bool) -> tuple[dict, int]:
    """Every changing method of every route (API: those the route takes, else POST)."""
    wrong, walked = {}, 0
    with HistoryWatch() as history:
        for url, route, label in _targets(walk, api=api):
            walked += 1
            methods = (route.api_methods or ("post",)) if api else ("post",)
            answers = {m: _answer(client, m, url, api=api) for m in methods}
            if not set(answers.values()) <= REFUSED:
                wrong[f"{route} {url} {label}".rstrip()] = answers
            if history.changed():
                wrong[f"{route} {url} {label} changed a record"] = answers
    return wrong, walked


def test_the_history_watch_sees_a_change(walk_world):
    notification = Notification.objects.filter(project=walk_world.project, read_at__isnull=True).first()
    client = Client()
    client.force_login(notification.recipient)
    with HistoryWatch() as history:
        assert client.get(reverse("notifications:list")).status_code == 200
        assert not history.changed()
        client.post(reverse("notifications:notification_mark_read", args=[notification.pk]))
        assert history.changed()


def test_regulator_sees_the_project(walk_world):
    client = Client()
    client.force_login(walk_world.regulator)
    assert client.get(walk_world.project.get_absolute_url()).status_code == 200


def test_regulator_posts_to_pages_are_403(walk_world, walk):
    client = Client()
    client.force_login(walk_world.regulator)
    wrong, walked = _walk(client, walk, api=False)
    assert walked > 150
    assert not wrong, report(wrong)


@pytest.mark.parametrize("auth", ["session", "token"])
def test_regulator_writes_to_the_api_are_403(walk_world, walk, auth):
    client = APIClient()
    if auth == "token":  # not seen by ReadOnlyRoleMiddleware: each view refuses on its own
        client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=walk_world.regulator).key}")
    else:
        client.force_login(walk_world.regulator)
    wrong, walked = _walk(client, walk, api=True)
    assert walked > 100
    assert not wrong, report(wrong)

