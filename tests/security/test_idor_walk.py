"""Security row 8 (IDOR), generated: someone of another organisation who asks for a record of a
project by its id gets 404, on every URL of the site and of the API.

The routes come from Django's URL resolver (the API router's routes included), so a new URL
is walked the day it is added; its ids are filled with real records of one populated project
(``conftest.walk_world``). A route whose ids the walk cannot fill fails
``test_every_route_has_its_ids_filled`` with its name, and so does a new route without ids
that is not in ``NON_OBJECT_ROUTES``.

Asked: every id of the other project's records; its records through one's own project
(``/projects/<own>/batches/<theirs>/``); and, as a check on the walk itself, a URL of each kind
of record for the project's own client lead, who must not get 404.
"""

from __future__ import annotations

import pytest
from django.test import Client
from rest_framework.test import APIClient

from apps.notifications.models import Notification

from .urlwalk import HistoryWatch, report

pytestmark = pytest.mark.django_db

# Routes without an id: nothing of another organisation can be named in them. Each is listed
# with what it shows, so that a new one is looked at (a list must come from a scoped selector).
NON_OBJECT_ROUTES = {
    "/": "home: a redirect to the project list",
    "login": "the login page",
    "logout": "the user's own session",
    "password_change": "the user's own password",
    "set_language": "the user's own language",
    "accounts:second_factor_login": "the second step of the user's own login",
    "accounts:security": "the user's own account security",
    "accounts:second_factor_start": "the user's own second factor",
    "accounts:second_factor_enrol": "the user's own second factor",
    "accounts:second_factor_remove": "the user's own second factor",
    "projects:list": "the projects visible to the user (projects_visible_to)",
    "projects:create": "a client user creates a project of their own organisation",
    "notifications:list": "the user's own notifications",
    "notifications:notification_mark_all_read": "the user's own notifications",
    "rectification:worklist": "the tickets of the projects visible to the user",
    "api:token": "the user's own API token",
    "api:project-list": "the projects visible to the user (projects_visible_to)",
    "api:notification-list": "the user's own notifications",
    "api:notification-read-all": "the user's own notifications",
    "api:schema": "the API's description, no records",
    "api:docs": "the API's description, no records",
    "api:not_found": "the JSON 404 of every other path under /api/",
    "acceptance:common_problems": "the common problems of the projects visible to the user "
                                  "(common_problems_visible_to)",
    "evaluation:performance_list": "the contractors whose record the user may see (performance_scope: a client "
                                   "sees every contractor, a regulator those of its jurisdiction, a contractor "
                                   "itself)",
    "api:contractor-performance-list": "the same as evaluation:performance_list",
}

# Routes whose record another organisation may see by design, with whom and why: the walk asks
# them of that organisation and expects the page (200), not 404.
SHARED_WITH = {
    "evaluation:performance": ("other_client", ("a client organisation sees every contractor's performance record, "
                                                "to choose contractors (docs/evaluation.md)")),
    "api:contractor-performance-detail": ("other_client", "the same as evaluation:performance"),
}


def _call(client, method: str, url: str):
    """The response, or what the request raised (the walk reports every failure, not the first)."""
    try:
        if method == "get":
            return client.get(url)
        if isinstance(client, APIClient):
            return getattr(client, method)(url, {}, format="json")
        return getattr(client, method)(url)
    except Exception as exc:  # noqa: BLE001
        return f"raised {type(exc).__name__}: {exc}"


def _status(answer) -> int | str:
    return getattr(answer, "status_code", answer)


def _code(response) -> str:
    """The ``code`` of a JSON error answer ("" for anything else)."""
    if not response["Content-Type"].startswith("application/json"):
        return ""
    return response.json().get("code", "")


def _client(user, *, api: bool):
    client = APIClient() if api else Client()
    client.force_login(user)
    return client


def test_every_route_has_its_ids_filled(walk):
    plain = {route.key for route in walk.plain}
    problems = list(walk.unmapped)
    problems += [f"{route} has no id: list it in NON_OBJECT_ROUTES with what it shows"
                 for route in walk.plain if route.key not in NON_OBJECT_ROUTES]
    problems += [f"NON_OBJECT_ROUTES lists {key!r}, which is not a route without ids" for key in NON_OBJECT_ROUTES
                 if key not in plain]
    assert not problems, report(problems)


def _shared(target, who: str) -> bool:
    return SHARED_WITH.get(target.route.key, ("",))[0] == who


def _shared_answers_are_wrong(answers: dict, secrets: tuple[str, ...]) -> bool:
    """A record shared by design: the page (200) to GET, naming none of the project's own data
    (``secrets``: no project of another client is named), and no other method breaks."""
    statuses = {m: _status(a) for m, a in answers.items()}
    if statuses["get"] != 200 or any(not isinstance(s, int) or s >= 500 for s in statuses.values()):
        return True
    content = answers["get"].content.decode()
    return any(secret in content for secret in secrets)


def _secrets(walk_world) -> tuple[str, ...]:
    return walk_world.project.name, walk_world.project.contract_no


def _walk_pages(user, walk, who: str, secrets: tuple[str, ...]) -> tuple[dict, int]:
    """GET and POST every page: 404, or 405 for the method the page does not take (decided by
    the method alone, before any lookup, so it tells nothing about the id)."""
    client = _client(user, api=False)
    wrong, walked = {}, 0
    with HistoryWatch() as history:
        for target in walk.targets:
            if target.route.is_api:
                continue
            walked += 1
            responses = {m: _call(client, m, target.url) for m in ("get", "post")}
            answers = {m: _status(a) for m, a in responses.items()}
            if _shared(target, who):
                if _shared_answers_are_wrong(responses, secrets):
                    wrong[f"{target} (shared with {who})"] = answers
            elif not (set(answers.values()) <= {404, 405} and 404 in answers.values()):
                wrong[str(target)] = answers
            if history.changed():
                wrong[f"{target} changed a record"] = answers
    return wrong, walked


def _walk_api(user, walk, who: str, secrets: tuple[str, ...]) -> tuple[dict, int]:
    """GET and every changing method the route takes: a JSON 404 ``not_found``."""
    client = _client(user, api=True)
    wrong, walked = {}, 0
    with HistoryWatch() as history:
        for target in walk.targets:
            if not target.route.is_api:
                continue
            walked += 1
            answers = {m: _call(client, m, target.url) for m in ("get", *target.route.api_methods)}
            if _shared(target, who):
                wrong_answers = _shared_answers_are_wrong(answers, secrets)
                bad = {m: _status(a) for m, a in answers.items()} if wrong_answers else {}
            else:
                bad = {m: _status(a) for m, a in answers.items() if _status(a) != 404 or _code(a) != "not_found"}
            if bad:
                wrong[str(target)] = bad
            if history.changed():
                wrong[f"{target} changed a record"] = bad
    return wrong, walked


@pytest.mark.parametrize("who", ["contractor_a", "other_client"])
def test_pages_of_another_organisations_project_are_404(walk_world, walk, who):
    wrong, walked = _walk_pages(getattr(walk_world, who), walk, who, _secrets(walk_world))
    assert walked > 150
    assert not wrong, report(wrong)


@pytest.mark.parametrize("who", ["contractor_a", "other_client"])
def test_api_of_another_organisations_project_is_404(walk_world, walk, who):
    wrong, walked = _walk_api(getattr(walk_world, who), walk, who, _secrets(walk_world))
    assert walked > 100
    assert not wrong, report(wrong)


def test_records_shared_by_design_are_walked(walk):
    """Every route of SHARED_WITH is walked (and so asked of the organisation it is shared with)."""
    walked = {t.route.key for t in walk.targets}
    assert set(SHARED_WITH) <= walked, set(SHARED_WITH) - walked


@pytest.mark.parametrize("who", ["contractor_a", "other_client"])
def test_records_of_another_project_asked_through_ones_own_are_404(walk_world, walk, who):
    """``/projects/<own>/…/<id of another project's record>/``: 404, or exactly what an id no
    record has gets (a refusal decided before the record is looked up)."""
    user = getattr(walk_world, who)
    clients = {api: _client(user, api=api) for api in (False, True)}
    wrong = {}
    targets = walk.below(walk_world.project, walk_world.own_project)
    with HistoryWatch() as history:
        for target in targets:
            client = clients[target.route.is_api]
            methods = ("get", *target.route.api_methods) if target.route.is_api else ("get", "post")
            for method in methods:
                status = _status(_call(client, method, target.url))
                if status != 404 and status != _status(_call(client, method, target.with_unknown_id())):
                    wrong[f"{target} {method}"] = status
            if history.changed():
                wrong[f"{target} changed a record"] = ""
    assert len(targets) > 60
    assert not wrong, report(wrong)


def test_the_ids_name_records_the_project_sees(walk_world, walk):
    """For each kind of record the URLs name, the first of its URLs that answers GET does not
    answer 404 to the project's client lead (a notification: to its recipient): the walk's
    404s come from the scoping, not from ids of the wrong records. (The records of the printable
    forms and of signing and uploading are found through their registries, which say which
    project each belongs to: not asked again.)"""
    lead = walk_world.users["client_lead"]
    clients = {}
    seen, wrong = set(), {}
    for target in walk.targets:
        kind = (target.route.is_api, type(target.record), target.route.path.rsplit("}", 1)[0], target.label)
        if kind in seen or target.by_registry:
            continue
        user = target.record.recipient if isinstance(target.record, Notification) else lead
        if (user, target.route.is_api) not in clients:
            clients[user, target.route.is_api] = _client(user, api=target.route.is_api)
        status = _status(_call(clients[user, target.route.is_api], "get", target.url))
        if status == 405:
            continue  # an action taken by POST only: the next URL of the kind is asked
        seen.add(kind)
        if status == 404 or not isinstance(status, int) or status >= 500:
            wrong[str(target)] = status
    assert len(seen) > 60
    assert not wrong, report(wrong)


def test_admin_site_is_closed_to_project_users(walk_world):
    client = Client()
    client.force_login(walk_world.contractor_a)
    response = client.get("/admin/")
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
