"""The exception handler: every error is JSON with detail, code and field; nothing changes."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from rest_framework import exceptions

from apps.core.errors import DomainError, PermissionDenied
from apps.core.rest.exceptions import api_exception_handler
from apps.projects import services

from .conftest import project_url


@pytest.mark.parametrize("exc, status, code", [
    (DomainError("Nope.", field="name"), 400, "invalid"),
    (DomainError("Gate unmet.", code="gate_unmet", details=["a"]), 400, "gate_unmet"),
    (PermissionDenied("Not yours."), 403, "permission_denied"),
    (DomainError("Someone else changed it.", code="stale"), 409, "stale"),
    (Http404(), 404, "not_found"),
    (DjangoPermissionDenied(), 403, "permission_denied"),
    (exceptions.NotAuthenticated(), 401, "not_authenticated"),
    (exceptions.ValidationError({"name": ["Too long."]}), 400, "invalid"),
    (exceptions.ValidationError(["Whole thing wrong."]), 400, "invalid"),
    (exceptions.Throttled(wait=5), 429, "throttled"),
    (ZeroDivisionError("boom"), 500, "server_error"),
])
def test_handler_maps_exceptions(exc, status, code):
    response = api_exception_handler(exc, {"view": None})
    assert response.status_code == status
    assert response.data["code"] == code
    assert response.data["detail"]
    assert "field" in response.data


def test_domain_error_keeps_message_field_and_details():
    response = api_exception_handler(DomainError("Gate unmet.", code="gate_unmet", field="gate", details=["x"]), {})
    assert response.data == {"detail": "Gate unmet.", "code": "gate_unmet", "field": "gate", "details": ["x"]}


def test_validation_error_names_the_field_and_keeps_all_messages():
    response = api_exception_handler(exceptions.ValidationError({"end_date": ["Before start."], "name": ["x"]}), {})
    assert response.data["field"] == "end_date"
    assert response.data["detail"] == "end_date: Before start."
    assert response.data["errors"] == {"end_date": ["Before start."], "name": ["x"]}


def test_unexpected_error_is_logged_and_500_json(world, api, monkeypatch, caplog):
    def explode(**kwargs):
        world.project.__class__.objects.filter(pk=world.project.pk).first()  # some work, then a bug
        raise ZeroDivisionError("bug")

    monkeypatch.setattr(services, "project_suspend", explode)
    response = api(world.lead).post(project_url(world.project, "suspend/"), {"reason": "x"})
    assert response.status_code == 500
    body = response.json()
    assert body["code"] == "server_error" and "bug" not in body["detail"] and "Traceback" not in body["detail"]
    assert any("Unexpected error" in r.message for r in caplog.records)


def test_domain_error_rolls_back_what_the_request_wrote(world, api, monkeypatch):
    real_update = services.project_update

    def update_then_fail(**kwargs):
        real_update(**kwargs)
        raise DomainError("A later check refused.")

    monkeypatch.setattr(services, "project_update", update_then_fail)
    response = api(world.lead).patch(project_url(world.project), {"name": "不应保存", "version": 1})
    assert response.status_code == 400
    world.project.refresh_from_db()
    assert world.project.name == "民国档案数字化" and world.project.version == 1


def test_errors_are_json_even_for_unknown_methods(world, api):
    response = api(world.lead).generic("TRACE", "/api/v1/projects/")
    assert response.status_code == 405
    assert response.json()["code"] == "method_not_allowed"
