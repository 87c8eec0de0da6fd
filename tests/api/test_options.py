"""OPTIONS is switched off on every API route, the same way: 405 (or 404 for an object the
person may not see), never 500. Generated from the router, so a new route is covered at once."""

from __future__ import annotations

import re

import pytest

from apps.api.urls import router

pytestmark = pytest.mark.django_db


def _paths(project_pk: int) -> list[str]:
    paths = []
    for pattern in router.urls:
        regex = pattern.pattern.regex.pattern
        if "<format>" in regex or r"\.(?P<format>" in regex:
            continue
        path = regex.lstrip("^").rstrip("$")
        path = path.replace(r"(?P<project_pk>[0-9]+)", str(project_pk)).replace(r"(?P<pk>[0-9]+)", "999999")
        path = re.sub(r"\(\?P<[a-z_]+>[^)]+\)", "1", path).replace("\\", "")
        paths.append(f"/api/v1/{path}")
    return sorted(set(paths))


def test_options_answers_405_on_every_route(world, client):
    client.force_login(world.lead)
    paths = _paths(world.project.pk)
    assert len(paths) > 30
    answers = {path: client.options(path).status_code for path in paths}
    assert {path: code for path, code in answers.items() if code not in (404, 405)} == {}
    assert answers[f"/api/v1/projects/{world.project.pk}/sampling/settings/"] == 405
