"""The calls this app makes into apps.sampling, apps.batches and apps.inspections, in one place.

Each wrapper names the contract it relies on, so that a change of signature on the other side is
adapted here only.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from apps.inspections.enums import DefectGrade

# ---------------------------------------------------------------- apps.sampling


def inspection_plan(project, service_type: str, lot_size: int):
    """``apps.sampling.services.inspection_plan(project, service_type, lot_size) -> InspectionPlan``
    (raises DomainError when the switching state is "discontinued")."""
    from apps.sampling import services

    return services.inspection_plan(project, service_type, lot_size)


def acceptance_plan(project, service_type: str, lot_size: int, *, floor_rate: Decimal | None,
                    read_only: bool = False) -> tuple[Any, Decimal]:
    """The plan of an acceptance inspection's lot and the project's statutory floor rate (%).

    ``apps.sampling.services.compute_plan`` at normal inspection with the contract's level, AQLs
    and fatal rule: an acceptance is an isolated lot (GB/T 2828.1 §9 switching is neither read nor
    fed), sampled at least at max(the statutory floor, ``floor_rate``). ``read_only`` (pages that
    only propose) reads the settings without creating them (``apps.sampling.selectors.settings_or_defaults``)."""
    from apps.sampling import selectors, services
    from apps.sampling.enums import Regime

    settings = selectors.settings_or_defaults(project) if read_only else services.settings_for(project)
    statutory = Decimal(services.floor_rate_for(project, settings))
    used = max(statutory, floor_rate) if floor_rate is not None else statutory
    plan = services.compute_plan(
        lot_size=lot_size, regime=Regime.NORMAL, level=settings.level,
        aqls={grade: settings.aql_for(grade) for grade in services.GRADES}, fatal_rejects=settings.fatal_rejects,
        floor_rate=used, service_type=service_type)
    return plan, statutory


def new_seed() -> int:
    from apps.sampling import services

    return int(services.new_seed())


def draw_sample(population_size: int, n: int, seed: int) -> list[int]:
    from apps.sampling import services

    return list(services.draw_sample(population_size, n, seed))


def fatal_rejects(project) -> bool:
    """``settings_for(project).fatal_rejects``: any fatal defect rejects the batch unless the
    contract says otherwise (default True)."""
    try:
        from apps.sampling import services
    except ImportError:  # pragma: no cover - the sampling app is part of the project
        return True
    settings = services.settings_for(project)
    return bool(getattr(settings, "fatal_rejects", True))


def _get(obj, name: str, default=None):
    if isinstance(obj, dict):
        return obj.get(name, default)
    return getattr(obj, name, default)


def plan_snapshot(plan) -> dict[str, Any]:
    """What the inspection records of an ``InspectionPlan``: regime, level, code letter, the
    per-grade plans (with their AQL when known), sample sizes, floor and full inspection."""
    grades = {}
    plans = _get(plan, "plans") or {}
    aqls = _get(plan, "aqls") or {}
    for grade in DefectGrade.values:
        p = plans.get(grade) if isinstance(plans, dict) else None
        if p is None:
            continue
        aql = aqls.get(grade) if isinstance(aqls, dict) else None
        grades[grade] = {"code": str(_get(p, "code")), "n": int(_get(p, "n")), "ac": int(_get(p, "ac")),
                         "re": int(_get(p, "re")), "aql": None if aql is None else str(aql)}
    # InspectionPlan.floor_rate is in % (5 = 5 %).
    floor_rate = Decimal(str(_get(plan, "floor_rate", "0")))
    return {
        "regime": str(_get(plan, "regime")),
        "level": str(_get(plan, "level")),
        "code_letter": str(_get(plan, "code") or _get(plan, "code_letter") or ""),
        "plans": grades,
        "gb_sample_size": int(_get(plan, "gb_sample_size")),
        "floor_rate": floor_rate.quantize(Decimal("0.01")),
        "floor_size": int(_get(plan, "floor_size") or 0),
        "sample_size": int(_get(plan, "sample_size")),
        "full_inspection": bool(_get(plan, "full_inspection")),
    }


def rebuild_plan(inspection):
    """The ``InspectionPlan`` the inspection was opened with, for ``switching_lot_record``: rebuilt
    from what was recorded (the switching state may have moved since)."""
    from apps.sampling import services

    return services.InspectionPlan.from_dict({
        "service_type": inspection.service_type, "lot_size": inspection.lot_size, "regime": inspection.regime,
        "level": inspection.level, "code": inspection.code_letter,
        "plans": {g: {"code": p["code"], "n": p["n"], "ac": p["ac"], "re": p["re"],
                      "full_inspection": inspection.full_inspection} for g, p in inspection.plans.items()},
        "aqls": {g: p.get("aql") for g, p in inspection.plans.items()},
        "gb_sample_size": inspection.gb_sample_size, "floor_rate": str(inspection.floor_rate),
        "floor_size": inspection.floor_size, "sample_size": inspection.sample_size,
        "full_inspection": inspection.full_inspection, "fatal_rejects": fatal_rejects(inspection.project),
        "enlarged_by_floor": inspection.floor_size > inspection.gb_sample_size,
    })


def record_lot_result(inspection, *, accepted: bool, user) -> None:
    """``apps.sampling.services.switching_lot_record`` (GB/T 2828.1 §9 switching rules)."""
    from apps.sampling import services

    batch = inspection.batch
    services.switching_lot_record(
        project=inspection.project, service_type=inspection.service_type, lot_ref=str(batch.number),
        accepted=accepted, plan=rebuild_plan(inspection), defects_by_grade=inspection.grade_counts(),
        resubmission=batch.resubmission_of_id is not None, user=user)


# ---------------------------------------------------------------- apps.batches


def start_inspection(batch, user) -> None:
    from apps.batches import services

    services.batch_inspection_start(batch=batch, user=user)


def accepted_batches(project, service_type: str) -> list[dict]:
    """The project's accepted batches of a service type by number, each with its number of items
    (its item list, or its quantity when it has none): the population of an acceptance inspection,
    ``[{"batch": id, "number": n, "count": k}, …]`` (batches with nothing to sample left out)."""
    from django.db.models import Count

    from apps.batches.enums import BatchStatus
    from apps.batches.models import Batch

    rows = (Batch.objects.filter(project=project, service_type=service_type, status=BatchStatus.ACCEPTED)
            .annotate(listed=Count("items")).order_by("number").values("id", "number", "quantity", "listed"))
    parts = [{"batch": r["id"], "number": r["number"], "count": r["listed"] or r["quantity"]} for r in rows]
    return [p for p in parts if p["count"] > 0]


def batch_item_ids(places: dict[int, list[int]]) -> dict[tuple[int, int], int]:
    """{(batch id, position in the batch): BatchItem id} of the positions asked for, batch by batch."""
    from apps.batches.models import BatchItem

    found: dict[tuple[int, int], int] = {}
    for batch_id, positions in places.items():
        for start in range(0, len(positions), 5000):
            for pos, pk in (BatchItem.objects.filter(batch_id=batch_id, position__in=positions[start:start + 5000])
                            .values_list("position", "id")):
                found[(batch_id, pos)] = pk
    return found


def record_decision(batch, *, accepted: bool, user) -> None:
    from apps.batches import services

    services.batch_decision_record(batch=batch, accepted=accepted, user=user)


# ---------------------------------------------------------------- apps.inspections


def defect_catalogue(project, service_type: str) -> dict[str, Any]:
    """The project's defect types of a service type, by code."""
    from apps.inspections.models import DefectType

    return {d.code: d for d in DefectType.objects.filter(project=project, service_type=service_type, active=True)
            .select_related("check_item").order_by("order", "code")}


def numeric_check_items(project, service_type: str) -> dict[str, Any]:
    """The project's numeric check items of a service type, by metric (first in order wins)."""
    from apps.inspections.models import CheckItem

    items: dict[str, Any] = {}
    for item in (CheckItem.objects.filter(project=project, service_type=service_type, active=True)
                 .exclude(metric="").order_by("order", "code")):
        if item.is_numeric and item.metric not in items:
            items[item.metric] = item
    return items


def judge(check_item, value) -> bool | None:
    from apps.inspections import services

    return services.judge(check_item, value)


def record_ledger_entry(project, *, occurred_at, inspector, content: str, problems: str, requirements: str,
                        conclusion: str, source, acceptance: bool = False) -> None:
    """The 检查台账 row: kind "sampling", or "acceptance" for an acceptance inspection."""
    from apps.inspections import services
    from apps.inspections.enums import LedgerKind

    kind = LedgerKind.ACCEPTANCE if acceptance else LedgerKind.SAMPLING
    services.ledger_entry_record(project=project, kind=kind, occurred_at=occurred_at,
                                 inspector=inspector, content=content, problems=problems,
                                 requirements=requirements, conclusion=conclusion, source=source)


def register_defect_counter(fn) -> None:
    try:
        from apps.inspections import services
    except ImportError:  # pragma: no cover - until the inspections services exist
        return
    register = getattr(services, "register_defect_counter", None)
    if register is not None:
        register(fn)
