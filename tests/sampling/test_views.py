"""Pages: sampling overview (settings, regimes, plan calculator, log), settings form, switching actions."""

from __future__ import annotations

import pytest

from apps.sampling import services
from apps.sampling.enums import Regime
from apps.sampling.models import SamplingSettings, SwitchingEvent, SwitchingState

pytestmark = pytest.mark.django_db

DIG = "digitization"


def _urls(world):
    p = world.project.pk
    return {
        "page": f"/sampling/projects/{p}/",
        "settings": f"/sampling/projects/{p}/settings/",
        "reduced": f"/sampling/projects/{p}/{DIG}/reduced/",
        "normal": f"/sampling/projects/{p}/{DIG}/normal/",
        "resume": f"/sampling/projects/{p}/{DIG}/resume/",
    }


def _settings_post(s, **overrides):
    data = {"level": "II", "aql_fatal": "", "aql_serious": "1.0", "aql_general": "4.0", "fatal_rejects": "on",
            "floor_rate_ordinary": "5", "floor_rate_classified": "15", "high_risk_floor_rate_ordinary": "10",
            "high_risk_floor_rate_classified": "20", "version": s.version if s.pk else 1}
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


@pytest.mark.parametrize("who", ["lead", "inspector", "pm", "operator", "regulator"])
def test_overview_for_project_viewers_writes_nothing(world, login, who):
    response = login(getattr(world, who)).get(_urls(world)["page"])
    assert response.status_code == 200
    body = response.content.decode()
    assert "GB/T 2828.1" in body
    assert (_urls(world)["settings"] in body) == (who == "lead")
    assert not SamplingSettings.objects.exists() and not SwitchingState.objects.exists()


def test_overview_shows_regime_score_log_and_plan(world, login):
    plan = services.inspection_plan(world.project, DIG, 1000)
    for lot in ("B-001", "B-002"):
        services.switching_lot_record(project=world.project, service_type=DIG, lot_ref=lot, accepted=False,
                                      plan=plan, defects_by_grade={}, resubmission=False, user=world.inspector)
    client = login(world.pm)
    body = client.get(_urls(world)["page"]).content.decode()
    assert "B-002" in body and "Tightened inspection" in body
    body = client.get(_urls(world)["page"], {"service_type": DIG, "lot_size": "1000"}).content.decode()
    assert "<td>80</td><td>1</td><td>2</td>" in body  # tightened J, serious 1.0: Ac 1, Re 2
    body = client.get(_urls(world)["page"], {"service_type": DIG, "lot_size": "-4"}).content.decode()
    assert "lot size" in body
    response = client.get(_urls(world)["page"], {"service_type": "bogus", "lot_size": "abc", "page": "x"})
    assert response.status_code == 200


def test_settings_edit_by_client_lead(world, login):
    client = login(world.lead)
    assert client.get(_urls(world)["settings"]).status_code == 200
    response = client.post(_urls(world)["settings"], _settings_post(SamplingSettings(), level="III",
                                                                    reduced_allowed="on"))
    assert response.status_code == 302
    s = SamplingSettings.objects.get(project=world.project)
    assert s.level == "III" and s.reduced_allowed and s.version == 2
    # Stale version: refused with a message, nothing changes.
    response = client.post(_urls(world)["settings"], _settings_post(SamplingSettings(), level="I"))
    assert response.status_code == 200 and "reload" in response.content.decode()
    assert SamplingSettings.objects.get(project=world.project).level == "III"


@pytest.mark.parametrize("overrides", [
    {"level": "IV"}, {"aql_serious": "3"}, {"floor_rate_ordinary": "4"}, {"floor_rate_ordinary": "abc"},
    {"floor_rate_classified": "99999"}, {"fatal_rejects": None}, {"version": "x"},
    {"high_risk_floor_rate_ordinary": "4.9"},
])
def test_settings_bad_input_changes_nothing(world, login, overrides):
    response = login(world.lead).post(_urls(world)["settings"], _settings_post(SamplingSettings(), **overrides))
    assert response.status_code == 200
    assert not SamplingSettings.objects.filter(version__gt=1).exists()
    assert "alert-danger" in response.content.decode() or "invalid-feedback" in response.content.decode()


@pytest.mark.parametrize("who", ["inspector", "pm", "special", "acceptance"])
def test_wrong_role_gets_403(world, login, who):
    client = login(getattr(world, who))
    for key in ("settings", "reduced", "normal", "resume"):
        assert client.get(_urls(world)[key]).status_code == 403, key
        assert client.post(_urls(world)[key], {"reason": "x", "version": 1}).status_code == 403, key
    assert not SamplingSettings.objects.exists()


def test_regulator_reads_but_cannot_write(world, login):
    client = login(world.regulator)
    assert client.get(_urls(world)["page"]).status_code == 200
    for key in ("settings", "reduced", "normal", "resume"):
        assert client.post(_urls(world)[key], {"reason": "x", "version": 1}).status_code == 403, key
    assert not SamplingSettings.objects.exists() and not SwitchingEvent.objects.exists()


@pytest.mark.parametrize("who", ["outsider", "other_regulator"])
def test_outsiders_get_404_everywhere(world, login, who):
    client = login(getattr(world, who))
    for url in _urls(world).values():
        assert client.get(url).status_code == 404, url
        assert client.post(url, {"reason": "x"}).status_code in (403, 404), url
    assert login(world.lead).get(f"/sampling/projects/{world.project.pk}/bogus/resume/").status_code == 404
    assert login(world.lead).get("/sampling/projects/999999/").status_code == 404


def test_resume_through_the_page(world, login):
    state = SwitchingState.objects.create(project=world.project, service_type=DIG, regime=Regime.TIGHTENED,
                                          discontinued=True)
    client = login(world.lead)
    body = client.get(_urls(world)["page"]).content.decode()
    assert _urls(world)["resume"] in body
    response = client.post(_urls(world)["resume"], {"reason": "", "version": state.version})
    assert response.status_code == 200
    assert SwitchingState.objects.get(pk=state.pk).discontinued
    response = client.post(_urls(world)["resume"], {"reason": "已完成纠正措施", "version": state.version})
    assert response.status_code == 302
    state.refresh_from_db()
    assert not state.discontinued and state.regime == Regime.TIGHTENED
    # Again: the service refuses (not discontinued any more), the page says so.
    response = client.post(_urls(world)["resume"], {"reason": "again", "version": state.version})
    assert response.status_code == 200 and "not discontinued" in response.content.decode()


def test_approve_reduced_and_return_to_normal_through_the_pages(world, login):
    s = services.settings_for(world.project)
    services.sampling_settings_update(project=world.project, user=world.lead, expected_version=s.version,
                                      reduced_allowed=True)
    state = SwitchingState.objects.create(project=world.project, service_type=DIG, switching_score=30)
    client = login(world.lead)
    assert _urls(world)["reduced"] in client.get(_urls(world)["page"]).content.decode()
    response = client.post(_urls(world)["reduced"], {"version": state.version})  # not confirmed
    assert response.status_code == 200
    response = client.post(_urls(world)["reduced"], {"version": state.version, "production_steady": "on"})
    assert response.status_code == 302
    state.refresh_from_db()
    assert state.regime == Regime.REDUCED
    response = client.post(_urls(world)["normal"], {"version": state.version, "reason": "生产不稳定"})
    assert response.status_code == 302
    state.refresh_from_db()
    assert state.regime == Regime.NORMAL


def test_project_page_links_to_sampling(world, login):
    body = login(world.lead).get(f"/projects/{world.project.pk}/").content.decode()
    assert _urls(world)["page"] in body
