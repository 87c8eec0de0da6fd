"""advance / suspend / resume / gates / attest / history."""

from __future__ import annotations

import pytest

from apps.projects.enums import Phase
from apps.projects.gates import registry
from apps.projects.models import GateAttestation
from tests.factories import close_suspension_causes, suspension_ground

from .conftest import meet_gates, project_url


def pending_gate_code(target=Phase.IMPLEMENTATION) -> str:
    gates = [g for g in registry.for_target(target) if g.is_pending]
    if not gates:
        pytest.skip("every gate of this target is checked from records now")
    return gates[0].code


# ---------------------------------------------------------------- advance


def test_advance_refused_while_gates_unmet_names_them(world, api):
    if not registry.unmet(world.project, Phase.IMPLEMENTATION):
        pytest.skip("all gates met already")
    response = api(world.lead).post(project_url(world.project, "advance/"), {})
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "gate_unmet" and body["details"]
    world.project.refresh_from_db()
    assert world.project.phase == Phase.PREPARATION


def test_advance_happy_path(world, as_user, monkeypatch):
    meet_gates(world.project, Phase.IMPLEMENTATION, world.lead, monkeypatch)
    world.project.refresh_from_db()
    response = as_user(world.lead).post(project_url(world.project, "advance/"),
                                        {"reason": "资质与方案已审", "version": world.project.version})
    assert response.status_code == 200, response.content
    assert response.json()["phase"] == Phase.IMPLEMENTATION
    world.project.refresh_from_db()
    assert world.project.phase == Phase.IMPLEMENTATION
    row = world.project.history.first()
    assert row.history_user == world.lead and "资质与方案已审" in row.history_change_reason


def test_advance_with_stale_version_is_409(world, api, monkeypatch):
    meet_gates(world.project, Phase.IMPLEMENTATION, world.lead, monkeypatch)
    response = api(world.lead).post(project_url(world.project, "advance/"), {"version": world.project.version + 5})
    assert response.status_code == 409
    assert response.json()["code"] == "stale"
    world.project.refresh_from_db()
    assert world.project.phase == Phase.PREPARATION


@pytest.mark.parametrize("user", ["inspector", "pm", "operator"])
def test_non_lead_cannot_advance(world, api, user, monkeypatch):
    meet_gates(world.project, Phase.IMPLEMENTATION, world.lead, monkeypatch)
    response = api(getattr(world, user)).post(project_url(world.project, "advance/"), {})
    assert response.status_code == 403
    world.project.refresh_from_db()
    assert world.project.phase == Phase.PREPARATION


def test_advance_reason_too_long_is_400(world, api):
    response = api(world.lead).post(project_url(world.project, "advance/"), {"reason": "r" * 1001})
    assert response.status_code == 400 and "reason" in response.json()["errors"]


# ---------------------------------------------------------------- suspend / resume


def test_suspend_and_resume(world, as_user):
    client = as_user(world.lead)
    suspension_ground(world.project)
    response = client.post(project_url(world.project, "suspend/"), {"reason": "经费未到位"})
    assert response.status_code == 200, response.content
    assert response.json()["phase"] == Phase.SUSPENDED
    assert response.json()["permissions"]["resume"] is True
    world.project.refresh_from_db()
    assert world.project.resume_phase == Phase.PREPARATION
    assert "经费未到位" in world.project.history.first().history_change_reason

    response = client.post(project_url(world.project, "resume/"),
                           {"reason": "经费到位", "version": world.project.version})
    # §5.2.3: the causes of the suspension must be closed first.
    assert response.status_code == 400 and response.json()["code"] == "illegal_transition"
    close_suspension_causes(world.project, world.lead)
    response = client.post(project_url(world.project, "resume/"),
                           {"reason": "经费到位", "version": world.project.version})
    assert response.status_code == 200
    world.project.refresh_from_db()
    assert world.project.phase == Phase.PREPARATION and world.project.resume_phase == ""


@pytest.mark.parametrize("action", ["suspend", "resume"])
@pytest.mark.parametrize("data", [{}, {"reason": ""}, {"reason": "   "}, {"reason": "r" * 1001}, {"reason": ["a"]}])
def test_suspend_and_resume_need_a_reason(world, api, action, data):
    response = api(world.lead).post(project_url(world.project, f"{action}/"), data)
    assert response.status_code == 400
    assert response.json()["field"] == "reason"


def test_resume_when_not_suspended_is_400(world, api):
    response = api(world.lead).post(project_url(world.project, "resume/"), {"reason": "无"})
    assert response.status_code == 400
    assert response.json()["code"] == "illegal_transition"


def test_suspend_twice_is_400(world, api):
    client = api(world.lead)
    suspension_ground(world.project)
    assert client.post(project_url(world.project, "suspend/"), {"reason": "一"}).status_code == 200
    response = client.post(project_url(world.project, "suspend/"), {"reason": "二"})
    assert response.status_code == 400 and response.json()["code"] == "illegal_transition"


def test_advance_while_suspended_is_400(world, api):
    client = api(world.lead)
    suspension_ground(world.project)
    assert client.post(project_url(world.project, "suspend/"), {"reason": "暂停"}).status_code == 200
    response = client.post(project_url(world.project, "advance/"), {})
    assert response.status_code == 400 and response.json()["code"] == "illegal_transition"


def test_suspend_with_stale_version_is_409(world, api):
    response = api(world.lead).post(project_url(world.project, "suspend/"), {"reason": "x", "version": 42})
    assert response.status_code == 409
    world.project.refresh_from_db()
    assert world.project.phase == Phase.PREPARATION


@pytest.mark.parametrize("action", ["suspend", "resume"])
def test_contractor_cannot_suspend_or_resume(world, api, action):
    response = api(world.pm).post(project_url(world.project, f"{action}/"), {"reason": "承包方"})
    assert response.status_code == 403


# ---------------------------------------------------------------- gates


def test_gate_overview(world, as_user):
    response = as_user(world.pm).get(project_url(world.project, "gates/"))
    assert response.status_code == 200
    targets = {t["target"]: t for t in response.json()}
    assert Phase.IMPLEMENTATION in targets
    team = next(g for g in targets[Phase.IMPLEMENTATION]["gates"] if g["code"] == "team_formed")
    assert team["met"] is True and team["clause"] == "§8.1.1"


def test_attest_a_pending_gate(world, as_user):
    code = pending_gate_code()
    response = as_user(world.lead).post(project_url(world.project, "gates/attest/"),
                                        {"gate": code, "reference": "档发〔2026〕12号", "note": "纸质件存档"})
    assert response.status_code == 201, response.content
    assert response.json()["attested_by"]["id"] == world.lead.pk
    overview = as_user(world.lead).get(project_url(world.project, "gates/")).json()
    gate = next(g for t in overview for g in t["gates"] if g["code"] == code)
    assert gate["met"] is True and gate["attestation"]["reference"] == "档发〔2026〕12号"


@pytest.mark.parametrize("data, field", [
    ({"gate": "no_such_gate", "reference": "x"}, "gate"),
    ({"gate": "team_formed", "reference": "x"}, "gate"),  # checked from records
    ({"gate": "PENDING", "reference": ""}, "reference"),
    ({"gate": "PENDING", "reference": "r" * 201}, "reference"),
    ({"gate": "g" * 65, "reference": "x"}, "gate"),
])
def test_attest_bad_input_is_400(world, api, data, field):
    data = {**data, "gate": pending_gate_code() if data["gate"] == "PENDING" else data["gate"]}
    response = api(world.lead).post(project_url(world.project, "gates/attest/"), data)
    assert response.status_code == 400
    body = response.json()
    assert body["field"] == field or field in body.get("errors", {})
    assert not GateAttestation.objects.exists()


def test_attest_twice_is_400(world, api):
    code = pending_gate_code()
    client = api(world.lead)
    assert client.post(project_url(world.project, "gates/attest/"), {"gate": code, "reference": "A"}).status_code == 201
    response = client.post(project_url(world.project, "gates/attest/"), {"gate": code, "reference": "B"})
    assert response.status_code == 400
    assert GateAttestation.objects.count() == 1


def test_non_lead_cannot_attest(world, api):
    response = api(world.inspector).post(project_url(world.project, "gates/attest/"),
                                         {"gate": pending_gate_code(), "reference": "x"})
    assert response.status_code == 403
    assert not GateAttestation.objects.exists()


# ---------------------------------------------------------------- history


def test_history_lists_changes_with_old_and_new_values(world, as_user):
    as_user(world.lead).patch(project_url(world.project), {"name": "新名称", "version": 1, "reason": "更正名称"})
    response = as_user(world.regulator).get(project_url(world.project, "history/"))
    assert response.status_code == 200
    body = response.json()
    assert body["count"] >= 2
    latest = body["results"][0]
    assert latest["reason"] == "更正名称" and latest["type"] == "~"
    assert latest["user"]["id"] == world.lead.pk
    assert latest["record"]["id"] == world.project.pk
    change = next(c for c in latest["changes"] if c["field"] == "name")
    assert change["old"] == "民国档案数字化" and change["new"] == "新名称"
    assert latest["time"]


def test_history_is_paginated(world, api):
    body = api(world.lead).get(project_url(world.project, "history/"), {"page_size": 3}).json()
    assert len(body["results"]) == 3 and body["next"]
