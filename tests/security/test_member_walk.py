"""No 500 anywhere and no GET that writes, for the people of the project: every person of the
walk project (each role, the invited acceptance expert) and the regulator GET every URL of the
site and of the API with its ids filled from the project's records (``urlwalk``, as rows 8 and 9).

Each answer is a page or file (200), a redirect (302), a refusal (403 with the rule's sentence,
404 for a record the person may not see, e.g. the client's draft), 405 for a route that takes
no GET or, from the API, 400 for a list that needs its query — never an exception, a 5xx or a written history row. A route is walked with every kind
of its records (an acceptance inspection as well as a batch's, a warranty ticket as well as
others), so a view that handles a kind differently is asked too.
"""

from __future__ import annotations

import pytest
from django.test import Client
from rest_framework.test import APIClient

from .urlwalk import HistoryWatch, report

pytestmark = pytest.mark.django_db

ANSWERS = {200, 302, 403, 404, 405}
# An API list may need its query (``sampling/plan/?service_type=…``): 400 naming what is missing.
API_ANSWERS = ANSWERS | {400}
# The API is asked by one person of each side and the regulator (its scoping is the pages').
API_PEOPLE = ("client_lead", "contractor_pm", "expert", "regulator")


def _people(walk_world) -> dict:
    return {**walk_world.users, "regulator": walk_world.regulator}


def _get(client, url: str) -> int | str:
    try:
        return client.get(url).status_code
    except Exception as exc:  # noqa: BLE001 — every failure of the walk is reported, not only the first
        return f"raised {type(exc).__name__}: {exc}"


def _walk(client, urls, answers=ANSWERS) -> dict:
    wrong = {}
    with HistoryWatch() as history:
        for label, url in urls:
            status = _get(client, url)
            if status not in answers:
                wrong[label] = status
            if history.changed():
                wrong[f"{label} changed a record"] = status
    return wrong


def _urls(walk, *, api: bool) -> list[tuple[str, str]]:
    urls = [(str(t), t.url) for t in walk.targets if t.route.is_api == api]
    return urls + [(str(r), f"/{r.path}") for r in walk.plain if r.is_api == api and r.key not in ("logout",)]


# Each side's kinds of people; the contractor's special inspector and security officer are left
# out to keep the walk short (their pages are the operator's, with other buttons).
PAGE_PEOPLE = ("client_lead", "client_inspector", "acceptance_member", "expert", "contractor_pm", "operator",
               "regulator")


@pytest.mark.parametrize("who", PAGE_PEOPLE)
def test_every_page_answers_each_person_of_the_project_without_an_error(walk_world, walk, who):
    client = Client()
    client.force_login(_people(walk_world)[who])
    urls = _urls(walk, api=False)
    assert len(urls) > 150
    wrong = _walk(client, urls)
    assert not wrong, report(wrong)


@pytest.mark.parametrize("who", API_PEOPLE)
def test_every_api_route_answers_each_side_without_an_error(walk_world, walk, who):
    client = APIClient()
    client.force_login(_people(walk_world)[who])
    urls = _urls(walk, api=True)
    assert len(urls) > 100
    wrong = _walk(client, urls, API_ANSWERS)
    assert not wrong, report(wrong)


def test_the_new_records_are_seen_by_their_project(walk_world, walk):
    """The after-implementation pages answer the client lead with their page (not a refusal): the
    walk asks them with records the project has."""
    client = Client()
    client.force_login(walk_world.users["client_lead"])
    pages = [t for t in walk.targets if t.route.name in (
        "acceptance:project", "acceptance:round", "handover:project", "warranty:project", "evaluation:project",
        "evaluation:breach", "evaluation:scheme", "evaluation:performance")]
    answers = {str(t): _get(client, t.url) for t in pages}
    assert len(answers) == 8
    assert set(answers.values()) == {200}, report(answers)
