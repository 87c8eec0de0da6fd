"""Writes: the client's sampling inspection of a submitted batch, one service per transition.

    batch SUBMITTED ──lot_inspection_open (client lead / inspector)──► inspection OPEN, batch UNDER_INSPECTION
        plan: apps.sampling.services.inspection_plan (GB/T 2828.1 + floor rate), sample drawn
        with a new recorded seed (apps.sampling.services.draw_sample)
    OPEN ──lot_inspection_results_record / lot_inspection_results_import (same people; bulk, all or nothing)──► OPEN
    OPEN ──lot_inspection_decide──► DECIDED: accepted / not accepted
        → apps.batches.services.batch_decision_record (batch ACCEPTED / NOT_ACCEPTED = marked for rectification)
        → apps.sampling.services.switching_lot_record (switching rules)
        → apps.inspections.services.ledger_entry_record (检查台账, kind "sampling")

    project in ACCEPTANCE ──acceptance_inspection_open (called by apps.acceptance)──► acceptance inspection OPEN
        the lot: the project's accepted batches of one service type (``population``); plan at normal
        inspection, floor max(statutory, the plan's rate); results recorded and decided as above, but
        the decision touches no batch, no switching state and raises no ticket (the acceptance
        report does), and its ledger row is of kind "acceptance".

Rows of results (:class:`~.rows.RowInput`) are parsed in ``rows``, read from files in
``importing`` and checked against the sample in ``resolution``; this module locks, saves and
decides.
"""

from __future__ import annotations

import json
from decimal import Decimal

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from apps.core.errors import DomainError
from apps.core.history import current_context, delete_with_history, history_context, save_with_history
from apps.core.locking import lock
from apps.core.permissions import require
from apps.core.text import clean_line
from apps.inspections.enums import DefectGrade
from apps.projects.enums import Phase, ServiceType

from . import integration, selectors
from .enums import Decision, InspectionStatus, ItemResult, Purpose
from .importing import read_result_rows
from .models import LABEL_MAX, ItemDefect, LotInspection, SampledItem
from .resolution import GRADE_RANK, Resolved, resolve_rows
from .rows import MAX_ROWS, RowInput

PLAN_FIELDS = ("regime", "level", "code_letter", "plans", "gb_sample_size", "floor_rate", "floor_size",
               "sample_size", "full_inspection")


def _history_ip() -> dict:
    ctx = current_context()
    return {"history_ip": ctx.ip} if ctx and ctx.ip else {}


# ---------------------------------------------------------------- open (client)

def lot_inspection_open(*, batch, user, expected_version: int | None = None) -> LotInspection:
    """Open the sampling inspection of a submitted batch: read the plan (regime, level, Ac/Re per
    grade, sample size with the DA/T 68.6 floor), draw the sample with a new recorded seed from
    the batch's item list (or positions 1..quantity when it has none), and put the batch under
    inspection. ``expected_version`` is the batch's."""
    require("lot_inspection.may_open_lot_inspection", user, batch.project)
    with transaction.atomic(), history_context(user=user):
        locked = lock(batch, expected_version=expected_version, related=("project",))
        _check_may_open(locked)
        item_ids = dict(locked.items.values_list("position", "id"))
        lot_size = len(item_ids) or locked.quantity
        if lot_size < 1:
            raise DomainError(_("The batch has no items to sample."), code="invalid")
        if item_ids and len(item_ids) != lot_size:  # pragma: no cover - guarded by the batches app
            raise DomainError(_("The batch's item list is inconsistent with its quantity."))
        snap = _plan_of(locked, lot_size)
        seed = integration.new_seed()
        positions = integration.draw_sample(lot_size, snap["sample_size"], seed)
        inspection = _create_inspection(locked, user, snap, lot_size=lot_size, seed=seed, drawn=len(positions))
        bulk_create_with_history(
            [SampledItem(inspection=inspection, position=p, batch_item_id=item_ids.get(p)) for p in positions],
            SampledItem, batch_size=1000, default_user=user,
            default_change_reason=_("Drawn for the sampling inspection"), custom_historical_attrs=_history_ip())
        integration.start_inspection(locked, user)
    return inspection


def _check_may_open(batch) -> None:
    """The project is in implementation, the batch is submitted and has no inspection yet."""
    from apps.batches.enums import BatchStatus

    project = batch.project
    if project.phase != Phase.IMPLEMENTATION:
        raise DomainError(_("Batches are inspected while the project is in implementation (it is now: %(p)s).")
                          % {"p": project.get_phase_display()}, code="illegal_transition")
    if LotInspection.objects.filter(batch=batch).exists():
        raise DomainError(_("This batch already has a sampling inspection."), code="illegal_transition")
    if batch.status != BatchStatus.SUBMITTED:
        raise DomainError(_("Only a submitted batch can be inspected (this batch is: %(status)s).")
                          % {"status": batch.get_status_display()}, code="illegal_transition")


def _plan_of(batch, lot_size: int) -> dict:
    """The plan snapshot the inspection records, refused when its sample does not fit the lot."""
    snap = integration.plan_snapshot(integration.inspection_plan(batch.project, batch.service_type, lot_size))
    if not 1 <= snap["sample_size"] <= lot_size:
        raise DomainError(_("The sampling plan does not fit the batch (sample %(n)d of %(lot)d).")
                          % {"n": snap["sample_size"], "lot": lot_size})
    return snap


def _create_inspection(batch, user, snap: dict, *, lot_size: int, seed: int, drawn: int) -> LotInspection:
    project = batch.project
    inspection = LotInspection(
        project=project, batch=batch, service_type=batch.service_type, lot_size=lot_size, seed=seed,
        opened_by=user, pass_threshold=project.quality_threshold, fatal_rejects=integration.fatal_rejects(project),
        **{k: snap[k] for k in PLAN_FIELDS})
    inspection._change_reason = _("Sampling inspection opened: %(n)d of %(lot)d items drawn (seed %(seed)d)") % {
        "n": drawn, "lot": lot_size, "seed": seed}
    try:
        with transaction.atomic():
            inspection.save()
    except IntegrityError as exc:
        raise DomainError(_("This batch already has a sampling inspection."), code="illegal_transition") from exc
    return inspection


# ---------------------------------------------------------------- acceptance inspection (§5.3.1)

def acceptance_inspection_open(*, project, user, service_type: str, floor_rate: Decimal, label: str) -> LotInspection:
    """Open the acceptance inspection (验收抽检) of one service type: the lot is the project's
    accepted batches of that type in number order (``population``), the plan GB/T 2828.1 at normal
    inspection (an isolated lot: switching is neither read nor fed) sampled at least at
    max(the statutory floor, ``floor_rate`` %), the sample drawn with a new recorded seed, each
    drawn position linked to its batch item when the batch has an item list.

    Called by apps.acceptance inside its own transaction; ``label`` names the inspection (e.g.
    "第1轮验收 · 数字化"). Refused unless the project is in acceptance (illegal_transition) and
    when the service type has no accepted batch (invalid)."""
    require("lot_inspection.may_open_acceptance_inspection", user, project)
    if service_type not in ServiceType.values:
        raise DomainError(_("Unknown service type."), field="service_type")
    label = clean_line(label, field="label", label=_("The name of the acceptance inspection"), max_length=LABEL_MAX)
    floor_rate = selectors.clean_floor_rate(floor_rate)
    with transaction.atomic(), history_context(user=user):
        locked = lock(project)
        if locked.phase != Phase.ACCEPTANCE:
            raise DomainError(_("Acceptance inspections are opened while the project is in acceptance (it is now: "
                                "%(p)s).") % {"p": locked.get_phase_display()}, code="illegal_transition")
        population, plan, _statutory = selectors.acceptance_lot(locked, service_type, floor_rate, read_only=False)
        snap = integration.plan_snapshot(plan)
        lot_size = sum(p["count"] for p in population)
        seed = integration.new_seed()
        positions = integration.draw_sample(lot_size, snap["sample_size"], seed)
        inspection = LotInspection(
            project=locked, purpose=Purpose.ACCEPTANCE, population=population, label=label,
            service_type=service_type, lot_size=lot_size, seed=seed, opened_by=user,
            pass_threshold=locked.quality_threshold, fatal_rejects=plan.fatal_rejects,
            **{k: snap[k] for k in PLAN_FIELDS})
        inspection._change_reason = _("Acceptance inspection opened: %(n)d of %(lot)d items of %(batches)d batches "
                                      "drawn (seed %(seed)d)") % {
            "n": len(positions), "lot": lot_size, "batches": len(population), "seed": seed}
        inspection.save()
        places: dict[int, list[int]] = {}
        located = {p: inspection.locate(p) for p in positions}
        for batch_id, _number, pos in located.values():
            places.setdefault(batch_id, []).append(pos)
        item_ids = integration.batch_item_ids(places)
        bulk_create_with_history(
            [SampledItem(inspection=inspection, position=p, batch_item_id=item_ids.get((located[p][0], located[p][2])))
             for p in positions],
            SampledItem, batch_size=1000, default_user=user,
            default_change_reason=_("Drawn for the acceptance inspection"), custom_historical_attrs=_history_ip())
    return inspection


# ---------------------------------------------------------------- results (client)

def _refuse_unless_open(inspection: LotInspection) -> None:
    if inspection.status != InspectionStatus.OPEN:
        raise DomainError(_("This inspection has been decided; its results can no longer be changed."),
                          code="illegal_transition")


def lot_inspection_results_record(*, inspection: LotInspection, user, rows: list[RowInput],
                                  expected_version: int | None = None) -> int:
    """Record the inspector's results for sampled items (entry page, API), all or nothing.

    Each row names the item (id or position), the result, the defect codes of the service type's
    catalogue, the measured values of numeric check items (judged with
    ``apps.inspections.services.judge``; a failing value makes the item defective) and a note.
    Returns the number of items changed."""
    require("lot_inspection.may_record_lot_results", user, inspection)
    return _save_rows(inspection, rows, user, reason=_("Sampling results recorded"),
                      expected_version=expected_version)


def lot_inspection_results_import(*, inspection: LotInspection, user, uploaded_file,
                                  expected_version: int | None = None) -> int:
    """Results from an .xlsx or .csv file (e.g. an image-QC tool's export), matched to the
    sampled items by position, archive code or file name; judged by the same rules; all or
    nothing. Returns the number of items changed."""
    require("lot_inspection.may_record_lot_results", user, inspection)
    _refuse_unless_open(inspection)
    metrics = set(integration.numeric_check_items(inspection.project, inspection.service_type))
    rows = read_result_rows(uploaded_file, metrics=metrics)
    return _save_rows(inspection, rows, user, reason=_("Sampling results imported from %(name)s")
                      % {"name": getattr(uploaded_file, "name", "")[:100]}, expected_version=expected_version)


def _save_rows(inspection: LotInspection, rows: list[RowInput], user, *, reason: str,
               expected_version: int | None = None) -> int:
    """Validate and save rows of results, all or nothing. Returns the number of items changed."""
    if len(rows) > MAX_ROWS:
        raise DomainError(_("Too many rows at once (at most %(n)d).") % {"n": MAX_ROWS})
    with transaction.atomic(), history_context(user=user, reason=reason):
        locked = lock(inspection, expected_version=expected_version, related=("project",))
        _refuse_unless_open(locked)
        catalogue = integration.defect_catalogue(locked.project, locked.service_type)
        numeric = integration.numeric_check_items(locked.project, locked.service_type)
        outcome = resolve_rows(rows, catalogue=catalogue, numeric=numeric, items=_locked_items(locked, rows))
        if outcome.errors:
            raise DomainError(_("Nothing was saved: %(n)d rows have errors.") % {"n": len(outcome.errors)},
                              code="stale" if outcome.stale else "invalid", details=outcome.errors[:200])
        to_update, to_create, to_delete = _changes(outcome.rows, user)
        _write(to_update, to_create, to_delete, user=user, reason=reason)
    return len(to_update)


def _locked_items(inspection: LotInspection, rows: list[RowInput]) -> dict[int, SampledItem]:
    """The sampled items the rows may name, locked (only those named by id when every row has one)."""
    ids = {r.item_id for r in rows if r.item_id is not None}
    qs = SampledItem.objects.filter(inspection=inspection).select_related("batch_item")
    if ids and all(r.item_id is not None for r in rows):
        qs = qs.filter(pk__in=ids)
    return {i.pk: i for i in qs.select_for_update(of=("self",))}


def _changes(resolved: list[Resolved], user) -> tuple[list[SampledItem], list[ItemDefect], list[ItemDefect]]:
    """The items whose result changed (updated in memory), the defects to add and to remove."""
    current: dict[int, dict[int, ItemDefect]] = {}
    for d in ItemDefect.objects.filter(sampled_item_id__in=[r.item.pk for r in resolved]):
        current.setdefault(d.sampled_item_id, {})[d.defect_type_id] = d
    now = timezone.now()
    to_update, to_create, to_delete = [], [], []
    for r in resolved:
        item = r.item
        before = current.get(item.pk, {})
        wanted = {d.pk: d for d in r.defect_types}
        if (item.result == r.result and item.note == r.note and item.measurements == r.measurements
                and set(before) == set(wanted)):
            continue
        to_delete += [d for pk, d in before.items() if pk not in wanted]
        to_create += [ItemDefect(sampled_item=item, defect_type=d, grade=d.grade, created_by=user)
                      for pk, d in wanted.items() if pk not in before]
        _set_result(item, r, user=user, now=now)
        to_update.append(item)
    return to_update, to_create, to_delete


def _set_result(item: SampledItem, r: Resolved, *, user, now) -> None:
    item.result = r.result
    item.note = r.note
    item.measurements = r.measurements
    item.worst_grade = (min((d.grade for d in r.defect_types), key=lambda g: GRADE_RANK[g])
                        if r.result == ItemResult.DEFECTIVE else "")
    if r.result == ItemResult.PENDING:
        item.checked_by, item.checked_at = None, None
    else:
        item.checked_by, item.checked_at = user, now
    item.version += 1


def _write(to_update: list[SampledItem], to_create: list[ItemDefect], to_delete: list[ItemDefect], *, user,
           reason: str) -> None:
    for defect in to_delete:
        delete_with_history(defect, reason=reason, user=user)
    if to_update:
        _bulk_update_results(to_update)
        # The history rows of the update, written like bulk_update_with_history does.
        SampledItem.history.bulk_history_create(to_update, update=True, batch_size=1000, default_user=user,
                                                default_change_reason=reason, custom_historical_attrs=_history_ip())
    if to_create:
        bulk_create_with_history(to_create, ItemDefect, batch_size=1000, default_user=user,
                                 default_change_reason=reason, custom_historical_attrs=_history_ip())


def _bulk_update_results(items: list[SampledItem]) -> None:
    """One ``UPDATE … FROM (VALUES …)`` per 500 items: Django's ``bulk_update`` builds a CASE per
    field and row, which costs seconds for 1,000 rows. The caller writes the history rows."""
    table = SampledItem._meta.db_table
    for start in range(0, len(items), 500):
        chunk = items[start:start + 500]
        values, params = [], []
        for item in chunk:
            values.append("(%s::bigint, %s::text, %s::text, %s::text, %s::jsonb, %s::bigint, %s::timestamptz, %s::int)")
            params += [item.pk, item.result, item.worst_grade, item.note, json.dumps(item.measurements),
                       item.checked_by_id, item.checked_at, item.version]
        sql = (f'UPDATE "{table}" AS t SET result = v.result, worst_grade = v.worst_grade, note = v.note, '
               f"measurements = v.measurements, checked_by_id = v.checked_by_id, checked_at = v.checked_at, "
               f"version = v.version FROM (VALUES {', '.join(values)}) AS v(id, result, worst_grade, note, "
               f"measurements, checked_by_id, checked_at, version) WHERE t.id = v.id")
        with connection.cursor() as cursor:
            cursor.execute(sql, params)


# ---------------------------------------------------------------- decide (client)

def lot_inspection_decide(*, inspection: LotInspection, user, expected_version: int | None = None) -> LotInspection:
    """Decide the batch from the recorded results (§7.1.4, §7.1.5, GB/T 2828.1).

    Every sampled item must have a result. Defective items are counted in their most severe
    grade. Accepted iff for every grade that count is at most Ac, the pass rate (conforming /
    inspected, two decimals) reaches the project's quality threshold, and no fatal defect was
    found (unless the sampling settings say fatal defects do not reject)."""
    require("lot_inspection.may_decide_lot", user, inspection)
    with transaction.atomic(), history_context(user=user):
        locked = lock(inspection, expected_version=expected_version, related=("project", "batch"))
        if locked.status != InspectionStatus.OPEN:
            raise DomainError(_("This inspection has already been decided (%(decision)s).")
                              % {"decision": locked.get_decision_display()}, code="illegal_transition")
        counts = selectors.result_counts(locked)
        if counts["pending"]:
            raise DomainError(_("%(n)d sampled items have no result yet: record every result before deciding.")
                              % {"n": counts["pending"]}, code="illegal_transition")
        result = selectors.outcome(locked, counts)
        _record_verdict(locked, user, counts, result)
        _ledger(locked, user, result)
        if locked.is_acceptance:
            # The verdict is the acceptance report's figure: no batch, switching state or ticket
            # changes here (apps.acceptance raises the tickets of a failed round).
            return locked
        integration.record_decision(locked.batch, accepted=result.accepted, user=user)
        integration.record_lot_result(locked, accepted=result.accepted, user=user)
        if not result.accepted:
            _raise_ticket(locked, user, result)
        # The contractor is notified by apps.batches.services.batch_decision_record.
    return locked


def _record_verdict(inspection: LotInspection, user, counts: dict, result) -> None:
    inspection.status = InspectionStatus.DECIDED
    inspection.decision = Decision.ACCEPTED if result.accepted else Decision.NOT_ACCEPTED
    inspection.pass_rate = result.pass_rate
    inspection.conforming_count = counts["conforming"]
    inspection.defective_count = counts["defective"]
    inspection.fatal_count = counts[DefectGrade.FATAL]
    inspection.serious_count = counts[DefectGrade.SERIOUS]
    inspection.general_count = counts[DefectGrade.GENERAL]
    inspection.defects_total = counts["defects_total"]
    inspection.reason = "；".join(result.reasons)[:2000]
    names = list(SampledItem.objects.filter(inspection=inspection, checked_by__isnull=False)
                 .values_list("checked_by__name", flat=True).distinct().order_by("checked_by__name")[:10])
    inspection.inspectors = "、".join(n for n in names if n)[:200]
    inspection.decided_by = user
    inspection.decided_at = timezone.now()
    inspection.version += 1
    verdict = _("accepted") if result.accepted else _("not accepted, rectification required")
    if inspection.is_acceptance:
        reason = _("Acceptance inspection %(label)s decided: %(verdict)s (pass rate %(rate)s %%)") % {
            "label": inspection.label, "verdict": verdict, "rate": result.pass_rate}
    else:
        reason = _("Batch %(n)s decided: %(verdict)s (pass rate %(rate)s %%)") % {
            "n": inspection.batch.number, "verdict": verdict, "rate": result.pass_rate}
    save_with_history(inspection, reason=reason,
                      update_fields=["status", "decision", "pass_rate", "conforming_count", "defective_count",
                                     "fatal_count", "serious_count", "general_count", "defects_total", "reason",
                                     "inspectors", "decided_by", "decided_at", "version", "updated_at"])


def _raise_ticket(inspection: LotInspection, user, result) -> None:
    """§4.4, §5.2.3: a not-accepted batch raises a rectification ticket (apps.rectification),
    linked to the batch, the defects found and the defective items."""
    from apps.projects.hooks import problem_found

    found = selectors.findings(inspection)
    defects, items, severity, per_grade = found.defects, found.items, found.severity, found.per_grade
    description = _("Sampling inspection of batch %(n)s: %(sample)d items inspected, %(bad)d defective (%(grades)s), "
                    "pass rate %(rate)s %%. %(reasons)s") % {
        "n": inspection.batch.number, "sample": inspection.sample_size, "bad": inspection.defective_count,
        "grades": per_grade or "—", "rate": inspection.pass_rate, "reasons": "；".join(result.reasons)}
    problem_found(project=inspection.project, source="sampling", record=inspection, user=user,
                  title=_("Batch %(n)s not accepted in sampling inspection") % {"n": inspection.batch.number},
                  description=description,
                  requirement=_("Rectify the defective items and check the whole batch for the same defects, "
                                "then submit the batch again."),
                  severity=severity, batch=inspection.batch, defects=defects, items=items)


def _ledger(inspection: LotInspection, user, result) -> None:
    """The 检查台账 row of the inspection (§5.2.1: time, inspector, content, problems, requirements)."""
    labels = dict(DefectGrade.choices)
    plan = {"service": inspection.get_service_type_display(), "lot": inspection.lot_size,
            "regime": inspection.get_regime_display(), "level": inspection.level, "code": inspection.code_letter,
            "sample": inspection.sample_size, "seed": inspection.seed}
    if inspection.is_acceptance:
        content = _("Acceptance inspection %(label)s (%(service)s): lot %(lot)d items of batches %(batches)s, "
                    "%(regime)s, level %(level)s, code letter %(code)s, %(sample)d items inspected (seed %(seed)d)") % {
            "label": inspection.label, "batches": "、".join(str(p["number"]) for p in inspection.population),
            **plan}
    else:
        content = _("Sampling inspection of batch %(n)s (%(service)s): lot %(lot)d, %(regime)s, level %(level)s, "
                    "code letter %(code)s, %(sample)d items inspected (seed %(seed)d)") % {
            "n": inspection.batch.number, **plan}
    problems = ""
    if inspection.defective_count:
        per_grade = "、".join(f"{labels[g]} {n}" for g, n in inspection.grade_counts().items() if n)
        problems = _("%(n)d defective items (%(grades)s); pass rate %(rate)s %%") % {
            "n": inspection.defective_count, "grades": per_grade, "rate": inspection.pass_rate}
        if result.reasons:
            problems += "；" + "；".join(result.reasons)
    if inspection.is_acceptance:
        requirements = "" if result.accepted else _("The acceptance sample is not accepted: see the acceptance "
                                                    "report for the rectification.")
    else:
        requirements = "" if result.accepted else _("The batch is not accepted: rectify it and submit it again.")
    if problems and not requirements:
        requirements = _("Correct the defective items found in the sample.")
    conclusion = inspection.get_decision_display()
    integration.record_ledger_entry(inspection.project, occurred_at=inspection.decided_at, inspector=user,
                                    content=content, problems=problems, requirements=requirements,
                                    conclusion=conclusion, source=inspection, acceptance=inspection.is_acceptance)
