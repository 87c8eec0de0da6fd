"""Writes: the client's sampling inspection of a submitted batch, one service per transition.

    batch SUBMITTED ──open_inspection (client lead / inspector)──► inspection OPEN, batch UNDER_INSPECTION
        plan: apps.sampling.services.inspection_plan (GB/T 2828.1 + floor rate), sample drawn
        with a new recorded seed (apps.sampling.services.draw_sample)
    OPEN ──record_results / import_results (same people; bulk, all or nothing)──► OPEN
    OPEN ──decide──► DECIDED: accepted / not accepted
        → apps.batches.services.record_decision (batch ACCEPTED / NOT_ACCEPTED = marked for rectification)
        → apps.sampling.services.record_lot_result (switching rules)
        → apps.inspections.services.record_ledger_entry (检查台账, kind "sampling")
"""

from __future__ import annotations

import json

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

import rules
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from apps.core.errors import DomainError, PermissionDenied
from apps.core.history import current_context, delete_with_history, history_context, save_with_history
from apps.inspections.enums import DefectGrade
from apps.projects.enums import Phase

from . import integration, selectors
from .enums import Decision, InspectionStatus, ItemResult
from .models import NOTE_MAX, ItemDefect, LotInspection, SampledItem

MAX_ROWS = 20_000
MAX_DEFECTS_PER_ITEM = 20
MAX_MEASUREMENT = Decimal("1000000000")
_STALE_MARK = "\x01"
GRADE_RANK = {g: i for i, g in enumerate(DefectGrade.values)}  # 0 = most severe

# Words accepted for a result (pages send the values; imported files use any of these).
RESULT_WORDS = {
    ItemResult.CONFORMING: {"conforming", "合格", "pass", "passed", "ok", "y", "yes", "1", "是", "√", "✓"},
    ItemResult.DEFECTIVE: {"defective", "不合格", "fail", "failed", "ng", "n", "no", "0", "否", "×", "✗", "x"},
    ItemResult.PENDING: {"pending", "待检", "未检"},
}


def _require(rule: str, user, obj, message: str) -> None:
    if not (user is not None and rules.test_rule(rule, user, obj)):
        raise PermissionDenied(message)


def _history_ip() -> dict:
    ctx = current_context()
    return {"history_ip": ctx.ip} if ctx and ctx.ip else {}


# ---------------------------------------------------------------- open (client)

def open_inspection(batch, user) -> LotInspection:
    """Open the sampling inspection of a submitted batch: read the plan (regime, level, Ac/Re per
    grade, sample size with the DA/T 68.6 floor), draw the sample with a new recorded seed from
    the batch's item list (or positions 1..quantity when it has none), and put the batch under
    inspection."""
    from apps.batches.enums import BatchStatus
    from apps.batches.models import Batch

    project = batch.project
    _require("lot_inspection.may_open_lot_inspection", user, project,
             _("Only the client's project lead or quality inspector can open a sampling inspection."))
    with transaction.atomic(), history_context(user=user):
        locked = Batch.objects.select_for_update().select_related("project").get(pk=batch.pk)
        project = locked.project
        if project.phase != Phase.IMPLEMENTATION:
            raise DomainError(_("Batches are inspected while the project is in implementation (it is now: %(p)s).")
                              % {"p": project.get_phase_display()}, code="illegal_transition")
        if LotInspection.objects.filter(batch=locked).exists():
            raise DomainError(_("This batch already has a sampling inspection."), code="illegal_transition")
        if locked.status != BatchStatus.SUBMITTED:
            raise DomainError(_("Only a submitted batch can be inspected (this batch is: %(status)s).")
                              % {"status": locked.get_status_display()}, code="illegal_transition")
        item_ids = dict(locked.items.values_list("position", "id"))
        lot_size = len(item_ids) or locked.quantity
        if lot_size < 1:
            raise DomainError(_("The batch has no items to sample."), code="invalid")
        plan = integration.inspection_plan(project, locked.service_type, lot_size)
        snap = integration.plan_snapshot(plan)
        if not 1 <= snap["sample_size"] <= lot_size:
            raise DomainError(_("The sampling plan does not fit the batch (sample %(n)d of %(lot)d).")
                              % {"n": snap["sample_size"], "lot": lot_size})
        seed = integration.new_seed()
        positions = integration.draw_sample(lot_size, snap["sample_size"], seed)
        if item_ids and len(item_ids) != lot_size:  # pragma: no cover - guarded by the batches app
            raise DomainError(_("The batch's item list is inconsistent with its quantity."))
        inspection = LotInspection(
            project=project, batch=locked, service_type=locked.service_type, lot_size=lot_size, seed=seed,
            opened_by=user, pass_threshold=project.quality_threshold,
            fatal_rejects=integration.fatal_rejects(project), **{k: snap[k] for k in ("regime", "level", "code_letter", "plans", "gb_sample_size",
                                                    "floor_rate", "floor_size", "sample_size", "full_inspection")})
        inspection._change_reason = _("Sampling inspection opened: %(n)d of %(lot)d items drawn (seed %(seed)d)") % {
            "n": len(positions), "lot": lot_size, "seed": seed}
        try:
            with transaction.atomic():
                inspection.save()
        except IntegrityError as exc:
            raise DomainError(_("This batch already has a sampling inspection."), code="illegal_transition") from exc
        bulk_create_with_history(
            [SampledItem(inspection=inspection, position=p, batch_item_id=item_ids.get(p)) for p in positions],
            SampledItem, batch_size=1000, default_user=user,
            default_change_reason=_("Drawn for the sampling inspection"), custom_historical_attrs=_history_ip())
        integration.start_inspection(locked, user)
    return inspection


# ---------------------------------------------------------------- results (client)

@dataclass
class RowInput:
    """One row of results as given by a page, the API or an imported file. ``result`` None means
    "derive it" (defective when a defect is named or a measurement fails, else conforming)."""

    label: str  # how errors name the row ("row 12", "position 37")
    item_id: int | None = None
    position: int | None = None
    archive_code: str | None = None
    file_name: str | None = None
    result: str | None = None
    defects: list[str] = field(default_factory=list)
    measurements: dict = field(default_factory=dict)
    note: str | None = None  # None: keep the current note
    version: int | None = None


def parse_result(value) -> str | None:
    """A result word → ItemResult value; "" / None → None (derive it). Raises ValueError."""
    if value is None:
        return None
    text = str(value).strip().lower()
    if not text:
        return None
    for result, words in RESULT_WORDS.items():
        if text in words:
            return result
    raise ValueError(text)


def parse_codes(value) -> list[str]:
    """Defect codes from a list or a text separated by commas, semicolons, 、 or spaces."""
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        parts = [str(v) for v in value]
    else:
        text = str(value)
        for sep in ("，", "；", ";", "、", " ", "\n", "\t", "|"):
            text = text.replace(sep, ",")
        parts = text.split(",")
    codes = []
    for part in parts:
        code = part.strip().upper()
        if code and code not in codes:
            codes.append(code)
    return codes


def _number(value) -> Decimal | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise ValueError(value)
    try:
        number = Decimal(str(value).strip().replace("，", ".").rstrip("°％%"))
    except (InvalidOperation, ValueError):
        raise ValueError(value) from None
    if not number.is_finite() or abs(number) > MAX_MEASUREMENT:
        raise ValueError(value)
    return number


def _json_number(number: Decimal):
    return int(number) if number == number.to_integral_value() else float(number)


@dataclass
class _Resolved:
    item: SampledItem
    result: str
    defect_types: list  # DefectType instances
    measurements: dict
    note: str


def _resolve(inspection: LotInspection, rows: list[RowInput], *, catalogue: dict, numeric: dict,
             items: dict[int, SampledItem]) -> tuple[list[_Resolved], list[str]]:
    """Validate every row against the sample, the catalogue and the check items; judge the
    measurements. Returns the resolved rows and the errors (row label + reason)."""
    by_position = {i.position: i for i in items.values()}
    by_code: dict[str, SampledItem] = {}
    by_file: dict[str, SampledItem] = {}
    for i in items.values():
        bi = i.batch_item
        if bi is not None:
            by_code[bi.archive_code.strip().lower()] = i
            if bi.file_name:
                by_file[bi.file_name.strip().lower()] = i
    errors: list[str] = []
    resolved: list[_Resolved] = []
    seen: set[int] = set()
    for row in rows:
        def err(message: str, row=row) -> None:
            errors.append(f"{row.label}：{message}")

        item = None
        if row.item_id is not None:
            item = items.get(row.item_id)
        elif row.position is not None:
            item = by_position.get(row.position)
        elif row.archive_code:
            item = by_code.get(row.archive_code.strip().lower())
        elif row.file_name:
            item = by_file.get(row.file_name.strip().lower())
        else:
            err(_("the row does not say which item it is (position, archive code or file name)"))
            continue
        if item is None:
            err(_("this item is not in the sample of this inspection"))
            continue
        if item.pk in seen:
            err(_("item %(n)d is given more than once") % {"n": item.position})
            continue
        seen.add(item.pk)
        if row.version is not None and row.version != item.version:
            errors.append(_STALE_MARK + f"{row.label}：" + _(
                "item %(n)d was changed by someone else meanwhile; reload the page and enter it again")
                % {"n": item.position})
            continue
        if row.result is not None and row.result not in ItemResult.values:
            err(_("unknown result"))
            continue
        note = item.note if row.note is None else str(row.note).strip()
        if len(note) > NOTE_MAX or "\x00" in note:
            err(_("the note is too long (at most %(n)d characters)") % {"n": NOTE_MAX})
            continue
        if len(row.defects) > MAX_DEFECTS_PER_ITEM:
            err(_("too many defects for one item"))
            continue
        defect_types = []
        unknown = [c for c in row.defects if c not in catalogue]
        if unknown:
            err(_("unknown defect code %(codes)s for this service type") % {"codes": "、".join(unknown)})
            continue
        defect_types = [catalogue[c] for c in row.defects]
        measurements: dict = {}
        failing = []
        bad = False
        for metric, raw in (row.measurements or {}).items():
            check_item = numeric.get(metric)
            if check_item is None:
                err(_("“%(metric)s” is not a measured check item of this service type") % {"metric": metric})
                bad = True
                break
            try:
                number = _number(raw)
            except ValueError:
                err(_("%(item)s: “%(value)s” is not a number") % {"item": check_item.name, "value": raw})
                bad = True
                break
            if number is None:
                continue
            measurements[metric] = _json_number(number)
            if integration.judge(check_item, number) is False:
                failing.append((check_item, number))
        if bad:
            continue
        result = row.result
        if result == ItemResult.PENDING:
            if defect_types:
                err(_("an item not checked yet cannot have defects"))
                continue
            resolved.append(_Resolved(item, result, [], measurements, note))
            continue
        # A failing measurement is a defect: the defect type linked to that check item (the least
        # severe when several are), unless the inspector named one for it already.
        for check_item, _number_value in failing:
            if any(d.check_item_id == check_item.pk for d in defect_types):
                continue
            linked = sorted((d for d in catalogue.values() if d.check_item_id == check_item.pk),
                            key=lambda d: -GRADE_RANK.get(d.grade, 0))
            if linked:
                defect_types.append(linked[0])
        if result is None:
            result = ItemResult.DEFECTIVE if (defect_types or failing) else ItemResult.CONFORMING
        if result == ItemResult.CONFORMING and failing:
            check_item, value = failing[0]
            err(_("%(item)s measured %(value)s does not meet “%(requirement)s”: the item cannot be conforming")
                % {"item": check_item.name, "value": value, "requirement": check_item.requirement})
            continue
        if result == ItemResult.CONFORMING and defect_types:
            err(_("a conforming item cannot have defects"))
            continue
        if result == ItemResult.DEFECTIVE and not defect_types:
            if failing:
                check_item, value = failing[0]
                err(_("%(item)s measured %(value)s does not meet “%(requirement)s”: choose the defect")
                    % {"item": check_item.name, "value": value, "requirement": check_item.requirement})
            else:
                err(_("choose at least one defect for a defective item"))
            continue
        resolved.append(_Resolved(item, result, defect_types, measurements, note))
    return resolved, errors


def _save_rows(inspection: LotInspection, rows: list[RowInput], user, *, reason: str) -> int:
    """Validate and save rows of results, all or nothing. Returns the number of items changed."""
    if len(rows) > MAX_ROWS:
        raise DomainError(_("Too many rows at once (at most %(n)d).") % {"n": MAX_ROWS})
    with transaction.atomic(), history_context(user=user, reason=reason):
        locked = LotInspection.objects.select_for_update().select_related("project").get(pk=inspection.pk)
        if locked.status != InspectionStatus.OPEN:
            raise DomainError(_("This inspection has been decided; its results can no longer be changed."),
                              code="illegal_transition")
        catalogue = integration.defect_catalogue(locked.project, locked.service_type)
        numeric = integration.numeric_check_items(locked.project, locked.service_type)
        ids = {r.item_id for r in rows if r.item_id is not None}
        qs = SampledItem.objects.filter(inspection=locked).select_related("batch_item")
        if ids and all(r.item_id is not None for r in rows):
            qs = qs.filter(pk__in=ids)
        items = {i.pk: i for i in qs.select_for_update(of=("self",))}
        resolved, errors = _resolve(locked, rows, catalogue=catalogue, numeric=numeric, items=items)
        if errors:
            stale = any(e.startswith(_STALE_MARK) for e in errors)
            raise DomainError(_("Nothing was saved: %(n)d rows have errors.") % {"n": len(errors)},
                              code="stale" if stale else "invalid",
                              details=[e.removeprefix(_STALE_MARK) for e in errors[:200]])
        current: dict[int, dict[int, ItemDefect]] = {}
        for d in ItemDefect.objects.filter(sampled_item_id__in=[r.item.pk for r in resolved]):
            current.setdefault(d.sampled_item_id, {})[d.defect_type_id] = d
        now = timezone.now()
        to_update, to_create, to_delete = [], [], []
        for r in resolved:
            item = r.item
            before = current.get(item.pk, {})
            wanted = {d.pk: d for d in r.defect_types}
            unchanged = (item.result == r.result and item.note == r.note and item.measurements == r.measurements
                         and set(before) == set(wanted))
            if unchanged:
                continue
            to_delete += [d for pk, d in before.items() if pk not in wanted]
            to_create += [ItemDefect(sampled_item=item, defect_type=d, grade=d.grade, created_by=user)
                          for pk, d in wanted.items() if pk not in before]
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
            to_update.append(item)
        for defect in to_delete:
            delete_with_history(defect, reason=reason, user=user)
        if to_update:
            _bulk_update_results(to_update)
            # The history rows of the update, written like bulk_update_with_history does.
            SampledItem.history.bulk_history_create(to_update, update=True, batch_size=1000, default_user=user,
                                                    default_change_reason=reason,
                                                    custom_historical_attrs=_history_ip())
        if to_create:
            bulk_create_with_history(to_create, ItemDefect, batch_size=1000, default_user=user,
                                     default_change_reason=reason, custom_historical_attrs=_history_ip())
    return len(to_update)


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


def record_results(inspection: LotInspection, user, rows: list[RowInput]) -> int:
    """Record the inspector's results for sampled items (entry page, API), all or nothing.

    Each row names the item (id or position), the result, the defect codes of the service type's
    catalogue, the measured values of numeric check items (judged with
    ``apps.inspections.services.judge``; a failing value makes the item defective) and a note.
    Returns the number of items changed."""
    _require("lot_inspection.may_record_lot_results", user, inspection,
             _("Only the client's project lead or quality inspector can record sampling results."))
    return _save_rows(inspection, rows, user, reason=_("Sampling results recorded"))


def import_results(inspection: LotInspection, user, uploaded_file) -> int:
    """Results from an .xlsx or .csv file (e.g. an image-QC tool's export), matched to the
    sampled items by position, archive code or file name; judged by the same rules; all or
    nothing. Returns the number of items changed."""
    from .importing import read_result_rows

    _require("lot_inspection.may_record_lot_results", user, inspection,
             _("Only the client's project lead or quality inspector can record sampling results."))
    if inspection.status != InspectionStatus.OPEN:
        raise DomainError(_("This inspection has been decided; its results can no longer be changed."),
                          code="illegal_transition")
    metrics = set(integration.numeric_check_items(inspection.project, inspection.service_type))
    rows = read_result_rows(uploaded_file, metrics=metrics)
    return _save_rows(inspection, rows, user, reason=_("Sampling results imported from %(name)s")
                      % {"name": getattr(uploaded_file, "name", "")[:100]})


# ---------------------------------------------------------------- decide (client)

def decide(inspection: LotInspection, user) -> LotInspection:
    """Decide the batch from the recorded results (§7.1.4, §7.1.5, GB/T 2828.1).

    Every sampled item must have a result. Defective items are counted in their most severe
    grade. Accepted iff for every grade that count is at most Ac, the pass rate (conforming /
    inspected, two decimals) reaches the project's quality threshold, and no fatal defect was
    found (unless the sampling settings say fatal defects do not reject)."""
    _require("lot_inspection.may_decide_lot", user, inspection,
             _("Only the client's project lead or quality inspector can decide a sampling inspection."))
    with transaction.atomic(), history_context(user=user):
        locked = (LotInspection.objects.select_for_update().select_related("project", "batch")
                  .get(pk=inspection.pk))
        if locked.status != InspectionStatus.OPEN:
            raise DomainError(_("This inspection has already been decided (%(decision)s).")
                              % {"decision": locked.get_decision_display()}, code="illegal_transition")
        counts = selectors.result_counts(locked)
        if counts["pending"]:
            raise DomainError(_("%(n)d sampled items have no result yet: record every result before deciding.")
                              % {"n": counts["pending"]}, code="illegal_transition")
        result = selectors.outcome(locked, counts)
        now = timezone.now()
        locked.status = InspectionStatus.DECIDED
        locked.decision = Decision.ACCEPTED if result.accepted else Decision.NOT_ACCEPTED
        locked.pass_rate = result.pass_rate
        locked.conforming_count = counts["conforming"]
        locked.defective_count = counts["defective"]
        locked.fatal_count = counts[DefectGrade.FATAL]
        locked.serious_count = counts[DefectGrade.SERIOUS]
        locked.general_count = counts[DefectGrade.GENERAL]
        locked.defects_total = counts["defects_total"]
        locked.reason = "；".join(result.reasons)[:2000]
        names = list(SampledItem.objects.filter(inspection=locked, checked_by__isnull=False)
                     .values_list("checked_by__name", flat=True).distinct().order_by("checked_by__name")[:10])
        locked.inspectors = "、".join(n for n in names if n)[:200]
        locked.decided_by = user
        locked.decided_at = now
        locked.version += 1
        verdict = _("accepted") if result.accepted else _("not accepted, rectification required")
        save_with_history(locked, reason=_("Batch %(n)s decided: %(verdict)s (pass rate %(rate)s %%)")
                          % {"n": locked.batch.number, "verdict": verdict, "rate": result.pass_rate},
                          update_fields=["status", "decision", "pass_rate", "conforming_count", "defective_count",
                                         "fatal_count", "serious_count", "general_count", "defects_total", "reason",
                                         "inspectors", "decided_by", "decided_at", "version", "updated_at"])
        integration.record_decision(locked.batch, accepted=result.accepted, user=user)
        integration.record_lot_result(locked, accepted=result.accepted, user=user)
        _ledger(locked, user, result)
        if not result.accepted:
            _raise_ticket(locked, user, result)
        # The contractor is notified by apps.batches.services.record_decision.
    return locked


def _raise_ticket(inspection: LotInspection, user, result) -> None:
    """§4.4, §5.2.3: a not-accepted batch raises a rectification ticket (apps.rectification),
    linked to the batch, the defects found and the defective items."""
    from apps.projects.hooks import problem_found

    defects = list(ItemDefect.objects.filter(sampled_item__inspection=inspection).select_related("sampled_item"))
    items = list({d.sampled_item.batch_item_id: d.sampled_item.batch_item for d in defects
                  if d.sampled_item.batch_item_id}.values())
    severity = (DefectGrade.FATAL if inspection.fatal_count else DefectGrade.SERIOUS if inspection.serious_count
                else DefectGrade.GENERAL)
    labels = dict(DefectGrade.choices)
    per_grade = "、".join(f"{labels[g]} {n}" for g, n in inspection.grade_counts().items() if n)
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
    content = _("Sampling inspection of batch %(n)s (%(service)s): lot %(lot)d, %(regime)s, level %(level)s, "
                "code letter %(code)s, %(sample)d items inspected (seed %(seed)d)") % {
        "n": inspection.batch.number, "service": inspection.get_service_type_display(), "lot": inspection.lot_size,
        "regime": inspection.get_regime_display(), "level": inspection.level, "code": inspection.code_letter,
        "sample": inspection.sample_size, "seed": inspection.seed}
    problems = ""
    if inspection.defective_count:
        per_grade = "、".join(f"{labels[g]} {n}" for g, n in inspection.grade_counts().items() if n)
        problems = _("%(n)d defective items (%(grades)s); pass rate %(rate)s %%") % {
            "n": inspection.defective_count, "grades": per_grade, "rate": inspection.pass_rate}
        if result.reasons:
            problems += "；" + "；".join(result.reasons)
    requirements = "" if result.accepted else _("The batch is not accepted: rectify it and submit it again.")
    if problems and not requirements:
        requirements = _("Correct the defective items found in the sample.")
    conclusion = inspection.get_decision_display()
    integration.record_ledger_entry(inspection.project, occurred_at=inspection.decided_at, inspector=user,
                                    content=content, problems=problems, requirements=requirements,
                                    conclusion=conclusion, source=inspection)
