"""Settings, the plan of a lot (floors), the switching rules of GB/T 2828.1 §9, sample drawing."""

from __future__ import annotations

from decimal import Decimal

import pytest

from apps.core.errors import DomainError, PermissionDenied
from apps.projects.models import Project
from apps.sampling import services
from apps.sampling.engine import Plan
from apps.sampling.enums import Regime, SwitchingEventKind
from apps.sampling.models import SamplingSettings, SwitchingEvent, SwitchingState

pytestmark = pytest.mark.django_db

DIG = "digitization"


def _set(world, **fields):
    Project.objects.filter(pk=world.project.pk).update(**fields)
    world.project.refresh_from_db()


def _record(world, accepted, *, lot="L", defects=None, resubmission=False, lot_size=1000, user=None):
    plan = services.inspection_plan(world.project, DIG, lot_size)
    return services.switching_lot_record(project=world.project, service_type=DIG, lot_ref=lot, accepted=accepted,
                                         plan=plan, defects_by_grade=defects or {}, resubmission=resubmission,
                                         user=user or world.inspector)


def _allow_reduced(world):
    s = services.settings_for(world.project)
    return services.sampling_settings_update(project=world.project, user=world.lead, expected_version=s.version,
                                             reduced_allowed=True)


# ---------------------------------------------------------------- settings

def test_settings_created_lazily_with_defaults_and_history(world):
    assert not SamplingSettings.objects.filter(project=world.project).exists()
    s = services.settings_for(world.project)
    assert (s.level, s.aql_fatal, s.aql_serious, s.aql_general, s.fatal_rejects, s.reduced_allowed) == (
        "II", None, "1.0", "4.0", True, False)
    assert (s.floor_rate_ordinary, s.floor_rate_classified) == (Decimal("5"), Decimal("15"))
    assert (s.high_risk_floor_rate_ordinary, s.high_risk_floor_rate_classified) == (Decimal("10"), Decimal("20"))
    assert services.settings_for(world.project).pk == s.pk
    assert s.history.count() == 1


def test_client_lead_updates_settings_with_history_and_version(world):
    s = services.settings_for(world.project)
    updated = services.sampling_settings_update(project=world.project, user=world.lead, expected_version=s.version,
                                                level="III", aql_serious="0.65", floor_rate_ordinary="8")
    assert (updated.level, updated.aql_serious, updated.floor_rate_ordinary) == ("III", "0.65", Decimal("8.00"))
    assert updated.version == s.version + 1
    latest = updated.history.first()
    assert latest.history_user == world.lead and latest.history_change_reason == "Sampling settings changed"
    with pytest.raises(DomainError) as exc:
        services.sampling_settings_update(project=world.project, user=world.lead, expected_version=s.version,
                                          level="I")
    assert exc.value.code == "stale"


@pytest.mark.parametrize("who", ["inspector", "pm", "special", "regulator", "outsider", "acceptance"])
def test_only_the_client_lead_changes_settings(world, who):
    s = services.settings_for(world.project)
    with pytest.raises(PermissionDenied):
        services.sampling_settings_update(project=world.project, user=getattr(world, who),
                                          expected_version=s.version, level="I")
    assert SamplingSettings.objects.get(pk=s.pk).level == "II"


@pytest.mark.parametrize(("values", "field"), [
    ({"level": "IV"}, "level"),
    ({"aql_serious": "3"}, "aql_serious"),
    ({"aql_general": "15"}, "aql_general"),  # > 10: per hundred units only
    ({"aql_fatal": "abc"}, "aql_fatal"),
    ({"fatal_rejects": "no"}, "fatal_rejects"),
    ({"fatal_rejects": False}, "aql_fatal"),  # no AQL for fatal defects then
    ({"floor_rate_ordinary": "4"}, "floor_rate_ordinary"),
    ({"floor_rate_ordinary": "abc"}, "floor_rate_ordinary"),
    ({"floor_rate_ordinary": "101"}, "floor_rate_ordinary"),
    ({"floor_rate_ordinary": "5.555"}, "floor_rate_ordinary"),
    ({"floor_rate_classified": "10"}, "floor_rate_classified"),
    ({"high_risk_floor_rate_ordinary": "4.5"}, "high_risk_floor_rate_ordinary"),
    ({"floor_rate_ordinary": "12"}, "high_risk_floor_rate_ordinary"),  # above the high-risk rate (10)
    ({"high_risk_floor_rate_classified": "14"}, "high_risk_floor_rate_classified"),
    ({"floor_rate_classified": "25"}, "high_risk_floor_rate_classified"),
])
def test_bad_settings_change_nothing(world, values, field):
    s = services.settings_for(world.project)
    with pytest.raises(DomainError) as exc:
        services.sampling_settings_update(project=world.project, user=world.lead, expected_version=s.version,
                                          **values)
    assert exc.value.field == field
    fresh = SamplingSettings.objects.get(pk=s.pk)
    assert fresh.version == s.version and fresh.level == "II" and fresh.floor_rate_ordinary == Decimal("5")


def test_fatal_aql_allowed_when_fatal_does_not_reject(world):
    s = services.settings_for(world.project)
    services.sampling_settings_update(project=world.project, user=world.lead, expected_version=s.version,
                                      fatal_rejects=False, aql_fatal="0.10")
    plan = services.inspection_plan(world.project, DIG, 1000)
    assert plan.aqls["fatal"] == "0.10" and plan.plans["fatal"] == Plan("K", 125, 0, 1)


# ---------------------------------------------------------------- the plan of a lot

def test_plan_with_defaults_ordinary_project(world):
    plan = services.inspection_plan(world.project, DIG, 1000)
    assert (plan.regime, plan.level, plan.code, plan.gb_sample_size) == ("normal", "II", "J", 80)
    assert plan.plans == {"fatal": Plan("J", 80, 0, 1), "serious": Plan("J", 80, 2, 3),
                          "general": Plan("J", 80, 7, 8)}
    assert (plan.floor_rate, plan.floor_size, plan.sample_size, plan.full_inspection) == (Decimal("5"), 50, 80, False)
    assert plan.plan_json()["serious"] == {"code": "J", "n": 80, "ac": 2, "re": 3}
    assert services.InspectionPlan.from_dict(plan.to_dict()) == plan


def test_classified_floor_enlarges_the_sample_and_rereads_ac(world):
    _set(world, confidentiality="classified")
    plan = services.inspection_plan(world.project, DIG, 1000)
    assert (plan.floor_rate, plan.floor_size, plan.gb_sample_size, plan.sample_size) == (Decimal("15"), 150, 80, 150)
    assert plan.enlarged_by_floor
    # Ac/Re read at K (n = 125), the largest plan that the 150 items cover.
    assert plan.plans["serious"] == Plan("K", 125, 3, 4) and plan.plans["general"] == Plan("K", 125, 10, 11)
    assert plan.plans["fatal"] == Plan("J", 150, 0, 1)


def test_high_risk_floor(world):
    _set(world, risk_level="high")
    plan = services.inspection_plan(world.project, DIG, 3000)  # K, n = 125; 10 % = 300
    assert (plan.code, plan.gb_sample_size, plan.floor_rate, plan.sample_size) == ("K", 125, Decimal("10"), 300)
    assert plan.plans["serious"] == Plan("L", 200, 5, 6)  # 300 items cover L (200), not M (315)
    _set(world, confidentiality="classified")
    plan = services.inspection_plan(world.project, DIG, 3000)
    assert (plan.floor_rate, plan.sample_size) == (Decimal("20"), 600)
    # 600 items: serious read at N (500) 10/11; general N/4.0 is ↑ up to M (21/22), the largest plan of its column.
    assert plan.plans["serious"] == Plan("N", 500, 10, 11) and plan.plans["general"] == Plan("M", 315, 21, 22)


def test_floor_rounds_up_and_small_lot_is_fully_inspected(world):
    plan = services.inspection_plan(world.project, DIG, 10)
    assert plan.full_inspection and plan.sample_size == 10
    assert all(p.full_inspection for p in plan.plans.values())
    assert services.floor_size_for(1001, Decimal("5")) == 51


def test_different_sample_sizes_of_grades_use_the_largest(world):
    # Lot 200 → G (32): serious G/1.0 ↓ to H (50), general G/4.0 (n = 32): the sample is 50 and
    # the general grade is read at H.
    plan = services.inspection_plan(world.project, DIG, 200)
    assert plan.code == "G"
    assert plan.gb_sample_size == 50 and plan.sample_size == 50
    assert plan.plans["serious"] == Plan("H", 50, 1, 2) and plan.plans["general"] == Plan("H", 50, 5, 6)


def test_plan_follows_the_regime(world):
    state = SwitchingState.objects.create(project=world.project, service_type=DIG, regime=Regime.TIGHTENED)
    assert services.inspection_plan(world.project, DIG, 1000).plans["serious"] == Plan("J", 80, 1, 2)
    state.regime = Regime.REDUCED
    state.save()
    plan = services.inspection_plan(world.project, DIG, 1000)
    assert plan.gb_sample_size == 32 and plan.sample_size == 50  # reduced J n = 32 < 5 % floor 50
    assert plan.plans["serious"] == Plan("K", 50, 2, 3) and plan.plans["general"] == Plan("K", 50, 6, 7)


@pytest.mark.parametrize(("service_type", "lot", "field"), [
    ("nonsense", 100, "service_type"), (DIG, 0, "lot_size"), (DIG, "100", "lot_size"), (DIG, True, "lot_size")])
def test_plan_bad_input(world, service_type, lot, field):
    with pytest.raises(DomainError) as exc:
        services.inspection_plan(world.project, service_type, lot)
    assert exc.value.field == field


# ---------------------------------------------------------------- switching rules

def test_normal_to_tightened_after_two_of_five(world):
    _record(world, False, lot="B1")
    state = _record(world, True, lot="B2")
    assert state.regime == Regime.NORMAL and state.normal_window == "NA"
    _record(world, True, lot="B3")
    _record(world, True, lot="B4")
    state = _record(world, False, lot="B5")
    assert state.regime == Regime.TIGHTENED and state.normal_window == "" and state.switching_score == 0
    kinds = list(SwitchingEvent.objects.filter(project=world.project).values_list("kind", flat=True))
    assert kinds[0] == SwitchingEventKind.SWITCH and kinds.count(SwitchingEventKind.LOT) == 5
    assert services.inspection_plan(world.project, DIG, 1000).regime == Regime.TIGHTENED


def test_two_not_accepted_six_lots_apart_do_not_tighten(world):
    _record(world, False, lot="B1")
    for i in range(4):
        _record(world, True, lot=f"B{i + 2}")
    state = _record(world, False, lot="B6")
    assert state.regime == Regime.NORMAL and state.normal_window == "AAAAN"


def test_tightened_to_normal_after_five_accepted(world):
    SwitchingState.objects.create(project=world.project, service_type=DIG, regime=Regime.TIGHTENED)
    for i in range(4):
        state = _record(world, True, lot=f"T{i}")
    assert state.regime == Regime.TIGHTENED and state.consecutive_accepted == 4
    state = _record(world, True, lot="T4")
    assert state.regime == Regime.NORMAL and state.consecutive_accepted == 0
    assert "5 consecutive lots accepted" in state.last_change_reason


def test_discontinued_after_five_not_accepted_on_tightened_and_resume(world):
    SwitchingState.objects.create(project=world.project, service_type=DIG, regime=Regime.TIGHTENED)
    for i, accepted in enumerate([False, True, False, False, True, False]):
        state = _record(world, accepted, lot=f"T{i}")
    assert not state.discontinued and state.tightened_not_accepted == 4
    state = _record(world, False, lot="T9")
    assert state.discontinued and state.regime == Regime.TIGHTENED
    assert SwitchingEvent.objects.filter(kind=SwitchingEventKind.DISCONTINUED).count() == 1
    with pytest.raises(DomainError) as exc:
        services.inspection_plan(world.project, DIG, 1000)
    assert exc.value.code == "illegal_transition"
    # A lot decided afterwards (opened before) is logged and changes nothing.
    plan = services.compute_plan(lot_size=1000, regime="tightened", level="II",
                                 aqls={"serious": "1.0", "general": "4.0"}, fatal_rejects=True,
                                 floor_rate=Decimal(5), service_type=DIG)
    state = services.switching_lot_record(project=world.project, service_type=DIG, lot_ref="late", accepted=True,
                                          plan=plan, defects_by_grade={}, resubmission=False, user=world.inspector)
    assert state.discontinued
    with pytest.raises(PermissionDenied):
        services.switching_resume(project=world.project, service_type=DIG, user=world.inspector, reason="整改完成")
    with pytest.raises(DomainError) as exc:
        services.switching_resume(project=world.project, service_type=DIG, user=world.lead, reason="  ")
    assert exc.value.field == "reason"
    state = services.switching_resume(project=world.project, service_type=DIG, user=world.lead, reason="承包方已完成纠正措施")
    assert state.regime == Regime.TIGHTENED and not state.discontinued and state.tightened_not_accepted == 0
    assert services.inspection_plan(world.project, DIG, 1000).regime == Regime.TIGHTENED
    assert SwitchingEvent.objects.filter(kind=SwitchingEventKind.RESUMED).get().user == world.lead
    with pytest.raises(DomainError) as exc:
        services.switching_resume(project=world.project, service_type=DIG, user=world.lead, reason="again")
    assert exc.value.code == "illegal_transition"


def test_resubmitted_lots_do_not_count(world):
    _record(world, False, lot="B1")
    state = _record(world, False, lot="B1-R", resubmission=True)
    assert state.regime == Regime.NORMAL and state.normal_window == "N" and state.lots_recorded == 1
    event = SwitchingEvent.objects.filter(kind=SwitchingEventKind.RESUBMITTED_LOT).get()
    assert event.lot_ref == "B1-R" and event.accepted is False and event.plan["sample_size"] == 80


def test_switching_score_increments_and_resets(world):
    # J: serious Ac 2 (0.65 one step tighter: Ac 1), general Ac 7 (2.5: Ac 5); fatal: any rejects.
    state = _record(world, True, defects={"serious": 1, "general": 5})
    assert state.switching_score == 3
    state = _record(world, True, defects={"serious": 0, "general": 0})
    assert state.switching_score == 6
    state = _record(world, True, defects={"serious": 2})  # accepted but not at the tighter AQL
    assert state.switching_score == 0
    state = _record(world, True)
    state = _record(world, False, defects={"general": 9})
    assert state.switching_score == 0


def test_switching_score_with_small_acceptance_numbers(world):
    # Lot 200: serious H/1.0 Ac 1 → +2, general H/4.0 Ac 5 → +3; the lot earns the smaller.
    state = _record(world, True, lot_size=200)
    assert state.switching_score == 2


def test_normal_to_reduced_needs_score_setting_and_confirmation(world):
    for i in range(9):
        state = _record(world, True, lot=f"B{i}")
    assert state.switching_score == 27
    with pytest.raises(DomainError) as exc:
        services.switching_reduced_approve(project=world.project, service_type=DIG, user=world.lead,
                                           production_steady=True)
    assert exc.value.code == "illegal_transition"  # settings do not allow it
    _allow_reduced(world)
    with pytest.raises(DomainError) as exc:
        services.switching_reduced_approve(project=world.project, service_type=DIG, user=world.lead,
                                           production_steady=True)
    assert "27" in exc.value.message
    state = _record(world, True, lot="B9")
    assert state.switching_score == 30
    with pytest.raises(DomainError) as exc:
        services.switching_reduced_approve(project=world.project, service_type=DIG, user=world.lead,
                                           production_steady=False)
    assert exc.value.field == "production_steady"
    with pytest.raises(PermissionDenied):
        services.switching_reduced_approve(project=world.project, service_type=DIG, user=world.inspector,
                                           production_steady=True)
    state = services.switching_reduced_approve(project=world.project, service_type=DIG, user=world.lead,
                                               production_steady=True, reason="产量稳定")
    assert state.regime == Regime.REDUCED and state.switching_score == 0
    assert services.inspection_plan(world.project, DIG, 1000).regime == Regime.REDUCED
    # Reduced → normal on a lot not accepted.
    state = _record(world, True, lot="R1")
    assert state.regime == Regime.REDUCED
    state = _record(world, False, lot="R2")
    assert state.regime == Regime.NORMAL
    assert "reduced inspection" in state.last_change_reason


def test_client_lead_ends_reduced_inspection_and_settings_switch_it_off(world):
    SwitchingState.objects.create(project=world.project, service_type=DIG, regime=Regime.REDUCED)
    with pytest.raises(DomainError) as exc:
        services.switching_normal_return(project=world.project, service_type=DIG, user=world.lead, reason="")
    assert exc.value.field == "reason"
    state = services.switching_normal_return(project=world.project, service_type=DIG, user=world.lead, reason="生产不稳定")
    assert state.regime == Regime.NORMAL
    with pytest.raises(DomainError):
        services.switching_normal_return(project=world.project, service_type=DIG, user=world.lead, reason="again")
    SwitchingState.objects.filter(pk=state.pk).update(regime=Regime.REDUCED)
    s = _allow_reduced(world)
    services.sampling_settings_update(project=world.project, user=world.lead, expected_version=s.version,
                                      reduced_allowed=False)
    assert SwitchingState.objects.get(pk=state.pk).regime == Regime.NORMAL


def test_stale_state_version_is_refused(world):
    SwitchingState.objects.create(project=world.project, service_type=DIG, regime=Regime.REDUCED, version=3)
    with pytest.raises(DomainError) as exc:
        services.switching_normal_return(project=world.project, service_type=DIG, user=world.lead, reason="x",
                                         expected_version=2)
    assert exc.value.code == "stale"


@pytest.mark.parametrize("who", ["pm", "special", "regulator", "outsider", "acceptance"])
def test_only_client_lead_or_inspector_records_lots(world, who):
    with pytest.raises(PermissionDenied):
        _record(world, True, user=getattr(world, who))
    assert not SwitchingEvent.objects.exists()


@pytest.mark.parametrize(("kwargs", "field"), [
    ({"lot_ref": ""}, "lot_ref"), ({"lot_ref": "x" * 101}, "lot_ref"), ({"accepted": "yes"}, "accepted"),
    ({"resubmission": None}, "accepted"), ({"plan": {"sample_size": 80}}, "plan"),
    ({"defects_by_grade": {"critical": 1}}, "defects_by_grade"), ({"defects_by_grade": {"serious": -1}},
                                                                  "defects_by_grade"),
    ({"defects_by_grade": [1, 2]}, "defects_by_grade"), ({"service_type": "storage"}, "plan"),
])
def test_record_lot_bad_input_changes_nothing(world, kwargs, field):
    args = dict(lot_ref="B1", accepted=True, plan=services.inspection_plan(world.project, DIG, 1000),
                defects_by_grade={}, resubmission=False, user=world.inspector)
    service_type = kwargs.pop("service_type", DIG)
    args.update(kwargs)
    with pytest.raises(DomainError) as exc:
        services.switching_lot_record(project=world.project, service_type=service_type, **args)
    assert exc.value.field == field
    assert not SwitchingEvent.objects.exists() and not SwitchingState.objects.exists()


def test_state_changes_have_history(world):
    _record(world, False, lot="B1")
    state = _record(world, False, lot="B2")
    reasons = list(state.history.values_list("history_change_reason", flat=True))
    assert any("2 lots not accepted" in (r or "") for r in reasons)
    assert state.history.first().history_user == world.inspector


def test_log_is_append_only(world):
    _record(world, True)
    event = SwitchingEvent.objects.get()
    event.reason = "rewritten"
    with pytest.raises(RuntimeError):
        event.save()
    with pytest.raises(RuntimeError):
        event.delete()


# ---------------------------------------------------------------- drawing the sample

def test_draw_sample_is_reproducible_sorted_and_in_range():
    seed = services.new_seed()
    assert 0 <= seed < 2**63
    first = services.draw_sample(1000, 80, seed)
    assert first == services.draw_sample(1000, 80, seed)
    assert first == sorted(first) and len(set(first)) == 80 and 1 <= first[0] and first[-1] <= 1000
    assert services.draw_sample(1000, 80, seed + 1) != first
    assert services.draw_sample(5, 5, 1) == [1, 2, 3, 4, 5]
    assert services.draw_sample(5, 0, 1) == []
    # The recorded seed gives exactly random.Random(seed).sample.
    import random

    assert first == sorted(random.Random(seed).sample(range(1, 1001), 80))


@pytest.mark.parametrize(("args", "field"), [
    ((0, 0, 1), "population_size"), ((10, 11, 1), "n"), ((10, -1, 1), "n"), ((10, 2, -1), "seed"),
    (("10", 2, 1), "population_size"), ((10, 2.0, 1), "n"), ((10, 2, True), "seed")])
def test_draw_sample_bad_input(args, field):
    with pytest.raises(DomainError) as exc:
        services.draw_sample(*args)
    assert exc.value.field == field
