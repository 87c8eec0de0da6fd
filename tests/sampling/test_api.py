"""/api/v1/projects/{id}/sampling/…: settings (GET/PUT), switching states, log, plan."""

from __future__ import annotations

import pytest

from apps.sampling import services
from apps.sampling.enums import Regime
from apps.sampling.models import SamplingSettings, SwitchingState

pytestmark = pytest.mark.django_db

DIG = "digitization"


def _base(world):
    return f"/api/v1/projects/{world.project.pk}/sampling/"


def test_get_settings_defaults_without_writing(world, api):
    response = api(world.pm, token=True).get(_base(world) + "settings/")
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["level"] == "II" and data["aql_fatal"] is None and data["aql_serious"] == "1.0"
    assert float(data["floor_rate"]) == 5 and data["saved"] is False and data["version"] == 1
    assert not SamplingSettings.objects.exists()


def test_put_settings_by_client_lead(world, api):
    client = api(world.lead)
    response = client.put(_base(world) + "settings/", {"level": "I", "aql_general": "2.5", "version": 1,
                                                       "fatal_rejects": False, "aql_fatal": "0.10"})
    assert response.status_code == 200, response.content
    data = response.json()
    assert (data["level"], data["aql_general"], data["aql_fatal"], data["version"], data["saved"]) == (
        "I", "2.5", "0.10", 2, True)
    response = client.put(_base(world) + "settings/", {"level": "III", "version": 1})
    assert response.status_code == 409 and response.json()["code"] == "stale"
    response = client.put(_base(world) + "settings/", {"aql_fatal": None, "version": 2})
    assert response.status_code == 400 and response.json()["field"] == "aql_fatal"
    assert SamplingSettings.objects.get().level == "I"


@pytest.mark.parametrize("body", [
    {"level": "IV", "version": 1}, {"aql_serious": "3", "version": 1}, {"floor_rate_ordinary": "4", "version": 1},
    {"floor_rate_ordinary": "abc", "version": 1}, {"reduced_allowed": "maybe", "version": 1}, {"level": "I"},
    {"version": "x"}, {"floor_rate_classified": "1e9", "version": 1},
])
def test_put_bad_input_is_400_and_changes_nothing(world, api, body):
    response = api(world.lead).put(_base(world) + "settings/", body)
    assert response.status_code == 400, response.content
    assert not SamplingSettings.objects.filter(version__gt=1).exists()


@pytest.mark.parametrize("who", ["inspector", "pm", "special", "operator", "acceptance"])
def test_put_wrong_role_is_403(world, api, who):
    response = api(getattr(world, who)).put(_base(world) + "settings/", {"level": "I", "version": 1})
    assert response.status_code == 403
    assert not SamplingSettings.objects.exists()


@pytest.mark.parametrize("token", [False, True])
def test_regulator_reads_and_is_403_on_put(world, api, token):
    client = api(world.regulator, token=token)
    for path in ("settings/", "switching-states/", "switching-log/"):
        assert client.get(_base(world) + path).status_code == 200, path
    assert client.put(_base(world) + "settings/", {"level": "I", "version": 1}).status_code == 403
    assert not SamplingSettings.objects.exists()


@pytest.mark.parametrize("who", ["outsider", "other_regulator"])
def test_outsiders_get_404(world, api, who):
    client = api(getattr(world, who), token=True)
    for path in ("settings/", "switching-states/", "switching-log/", "plan/?service_type=digitization&lot_size=10"):
        assert client.get(_base(world) + path).status_code == 404, path
    # Regulators' writes are refused (403) before any lookup, whatever the project.
    expected = 404 if who == "outsider" else 403
    assert client.put(_base(world) + "settings/", {"level": "I", "version": 1}).status_code == expected
    assert api(world.lead).get("/api/v1/projects/999999/sampling/settings/").status_code == 404


def test_post_and_delete_are_405(world, api):
    client = api(world.lead)
    assert client.post(_base(world) + "settings/", {"level": "I"}).status_code == 405
    assert client.delete(_base(world) + "settings/").status_code == 405
    assert client.put(_base(world) + "switching-states/", {}).status_code == 405


def test_switching_states_and_log(world, api):
    plan = services.inspection_plan(world.project, DIG, 1000)
    for i in range(2):
        services.switching_lot_record(project=world.project, service_type=DIG, lot_ref=f"B{i}", accepted=False,
                                      plan=plan, defects_by_grade={"serious": 3}, resubmission=False,
                                      user=world.inspector)
    client = api(world.pm, token=True)
    states = client.get(_base(world) + "switching-states/").json()
    assert states == [{**states[0], "service_type": DIG, "regime": "tightened", "saved": True}]
    log = client.get(_base(world) + "switching-log/").json()
    assert log["count"] == 3 and log["results"][0]["kind"] == "switch"
    assert log["results"][1]["lot_ref"] == "B1" and log["results"][1]["defects_by_grade"]["serious"] == 3
    assert client.get(_base(world) + "switching-log/", {"service_type": "storage"}).json()["count"] == 0
    response = client.get(_base(world) + "switching-log/", {"service_type": "bogus"})
    assert response.status_code == 400 and response.json()["field"] == "service_type"


def test_switching_states_unsaved_default(world, api):
    states = api(world.lead).get(_base(world) + "switching-states/").json()
    assert states[0]["regime"] == "normal" and states[0]["saved"] is False
    assert not SwitchingState.objects.exists()


def test_plan_endpoint(world, api):
    client = api(world.inspector)
    response = client.get(_base(world) + "plan/", {"service_type": DIG, "lot_size": 1000})
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["code"] == "J" and data["sample_size"] == 80
    assert data["plans"]["serious"] == {"code": "J", "n": 80, "ac": 2, "re": 3, "full_inspection": False}
    for params in ({"service_type": DIG}, {"service_type": DIG, "lot_size": 0}, {"service_type": "x", "lot_size": 5},
                   {"service_type": DIG, "lot_size": "abc"}):
        assert client.get(_base(world) + "plan/", params).status_code == 400, params
    SwitchingState.objects.create(project=world.project, service_type=DIG, regime=Regime.TIGHTENED, discontinued=True)
    response = client.get(_base(world) + "plan/", {"service_type": DIG, "lot_size": 1000})
    assert response.status_code == 400 and response.json()["code"] == "illegal_transition"
