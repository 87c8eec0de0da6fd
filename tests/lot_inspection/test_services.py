from __future__ import annotations

import io
from decimal import Decimal

import pytest

from apps.batches.enums import BatchStatus
from apps.core.errors import DomainError, PermissionDenied
from apps.inspections.models import LedgerEntry
from apps.inspections.services import defect_counts as annex_b_counts
from apps.lot_inspection import selectors, services
from apps.lot_inspection.enums import Decision, InspectionStatus, ItemResult
from apps.lot_inspection.models import ItemDefect, LotInspection, SampledItem
from apps.lot_inspection.rows import RowInput
from apps.sampling.models import SwitchingState
from apps.sampling.services import draw_sample

from .builders import all_conforming, open_for, submitted_batch

pytestmark = pytest.mark.django_db


# ---------------------------------------------------------------- open

def test_open_draws_a_reproducible_sample_and_starts_the_inspection(w):
    batch = submitted_batch(w, items=200)
    inspection = services.lot_inspection_open(batch=batch, user=w.inspector)
    batch.refresh_from_db()
    assert batch.status == BatchStatus.UNDER_INSPECTION
    assert inspection.status == InspectionStatus.OPEN and inspection.lot_size == 200
    # GB/T 2828.1 level II, lot 200 → code letter G; the floor of 5 % (10) is below the GB sample.
    assert inspection.code_letter == "G" and inspection.floor_size == 10
    assert inspection.sample_size == inspection.gb_sample_size
    positions = list(inspection.items.values_list("position", flat=True))
    assert positions == draw_sample(200, inspection.sample_size, inspection.seed)
    # Each drawn position is linked to the batch item at that position.
    item = inspection.items.select_related("batch_item").first()
    assert item.batch_item.position == item.position
    assert SampledItem.history.filter(inspection_id=inspection.pk).count() == inspection.sample_size


def test_classified_project_floor_enlarges_the_sample(w):
    from apps.projects.models import Project

    Project.objects.filter(pk=w.project.pk).update(confidentiality="classified")
    w.project.refresh_from_db()
    inspection = open_for(w, items=1000)
    assert inspection.floor_rate == Decimal("15.00") and inspection.floor_size == 150
    assert inspection.sample_size == 150 > inspection.gb_sample_size
    assert inspection.items.count() == 150


def test_batch_without_item_list_samples_positions(w):
    batch = submitted_batch(w, items=0, quantity=60)
    inspection = services.lot_inspection_open(batch=batch, user=w.lead)
    assert inspection.lot_size == 60
    assert not inspection.items.filter(batch_item__isnull=False).exists()


def test_only_client_inspectors_open(w):
    batch = submitted_batch(w, items=20)
    for user in (w.pm, w.special, w.operator, w.acceptance, w.regulator, w.outsider):
        with pytest.raises(PermissionDenied):
            services.lot_inspection_open(batch=batch, user=user)
    assert not LotInspection.objects.exists()


def test_cannot_open_twice_or_a_batch_not_submitted(w):
    batch = submitted_batch(w, items=20)
    services.lot_inspection_open(batch=batch, user=w.inspector)
    with pytest.raises(DomainError) as exc:
        services.lot_inspection_open(batch=batch, user=w.lead)
    assert exc.value.code == "illegal_transition"
    draft = submitted_batch(w, items=5)
    draft.status = BatchStatus.DRAFT
    draft.submitted_at = draft.submitted_by = None
    draft.save()
    with pytest.raises(DomainError, match="submitted batch"):
        services.lot_inspection_open(batch=draft, user=w.inspector)


def test_cannot_open_outside_implementation(world):
    batch = submitted_batch(world, items=20)
    with pytest.raises(DomainError, match="implementation"):
        services.lot_inspection_open(batch=batch, user=world.inspector)


# ---------------------------------------------------------------- results

def test_record_results_in_bulk_with_history(w):
    inspection = open_for(w, items=200)
    first = inspection.items.order_by("position").first()
    saved = all_conforming(inspection, w.inspector, except_positions={first.position: ["DIG-G3", "DIG-S1"]})
    assert saved == inspection.sample_size
    first.refresh_from_db()
    assert first.result == ItemResult.DEFECTIVE and first.worst_grade == "serious"
    assert first.checked_by == w.inspector and first.version == 2
    assert set(first.defects.values_list("grade", flat=True)) == {"serious", "general"}
    hist = SampledItem.history.filter(id=first.pk).order_by("-history_date").first()
    assert hist.history_user == w.inspector and hist.history_change_reason == "Sampling results recorded"
    assert ItemDefect.history.filter(sampled_item_id=first.pk).count() == 2
    # Saving the same again changes nothing.
    assert all_conforming(inspection, w.inspector, except_positions={first.position: ["DIG-G3", "DIG-S1"]}) == 0


def test_failing_measurement_makes_the_item_defective_with_the_linked_defect(w):
    inspection = open_for(w, items=50)
    item = inspection.items.first()
    services.lot_inspection_results_record(inspection=inspection, user=w.inspector, rows=[
        RowInput(label="1", item_id=item.pk, measurements={"skew_deg": "-1.5", "dpi": "300"})])
    item.refresh_from_db()
    assert item.result == ItemResult.DEFECTIVE and item.worst_grade == "general"
    assert list(item.defects.values_list("defect_type__code", flat=True)) == ["DIG-G1"]
    assert item.measurements == {"skew_deg": -1.5, "dpi": 300}


def test_low_resolution_alone_is_judged_with_the_indicator_defect(w):
    """An image-QC tool reports only dpi: 250 < 300 dpi is a defect without the inspector naming one."""
    inspection = open_for(w, items=50)
    item = inspection.items.first()
    services.lot_inspection_results_record(inspection=inspection, user=w.inspector, rows=[
        RowInput(label="1", item_id=item.pk, measurements={"dpi": "250"})])
    item.refresh_from_db()
    assert item.result == ItemResult.DEFECTIVE and item.worst_grade == "serious"
    assert list(item.defects.values_list("defect_type__name", flat=True)) == ["图像分辨率不达标"]


def test_bad_rows_save_nothing_and_name_each_row(w):
    inspection = open_for(w, items=50)
    a, b, c, d = list(inspection.items.order_by("position")[:4])
    rows = [RowInput(label="A", item_id=a.pk, result="conforming"),
            RowInput(label="B", item_id=b.pk, result="defective"),  # no defect
            RowInput(label="C", item_id=c.pk, result="defective", defects=["NOPE"]),
            RowInput(label="D", item_id=d.pk, result="conforming", measurements={"dpi": "200"})]
    with pytest.raises(DomainError) as exc:
        services.lot_inspection_results_record(inspection=inspection, user=w.inspector, rows=rows)
    assert len(exc.value.details) == 3
    assert exc.value.details[0].startswith("B") and "at least one defect" in exc.value.details[0]
    assert "NOPE" in exc.value.details[1]
    assert "cannot be conforming" in exc.value.details[2]
    assert not inspection.items.exclude(result=ItemResult.PENDING).exists()


def test_stale_version_is_refused(w):
    inspection = open_for(w, items=20)
    item = inspection.items.first()
    services.lot_inspection_results_record(inspection=inspection, user=w.inspector, rows=[
        RowInput(label="1", item_id=item.pk, result="conforming", version=1)])
    with pytest.raises(DomainError) as exc:
        services.lot_inspection_results_record(inspection=inspection, user=w.lead, rows=[
            RowInput(label="1", item_id=item.pk, result="defective", defects=["DIG-G1"], version=1)])
    assert exc.value.code == "stale" and "changed by someone else" in exc.value.details[0]


def test_contractor_and_regulator_cannot_record(w):
    inspection = open_for(w, items=20)
    item = inspection.items.first()
    for user in (w.pm, w.special, w.regulator):
        with pytest.raises(PermissionDenied):
            services.lot_inspection_results_record(inspection=inspection, user=user, rows=[
                RowInput(label="1", item_id=item.pk, result="conforming")])


def test_import_csv_gb18030_by_archive_code(w):
    inspection = open_for(w, items=50)
    items = list(inspection.items.select_related("batch_item").order_by("position"))
    lines = ["档号,结果,缺陷代码,分辨率,备注"]
    for it in items:
        lines.append(f"{it.batch_item.archive_code},合格,,300,")
    lines[1] = f"{items[0].batch_item.archive_code},不合格,DIG-F1,300,缺第3页"
    data = ("\n".join(lines) + "\n").encode("gb18030")
    upload = io.BytesIO(data)
    upload.name = "qc.csv"
    assert services.lot_inspection_results_import(inspection=inspection, user=w.inspector,
                                                  uploaded_file=upload) == len(items)
    items[0].refresh_from_db()
    assert items[0].worst_grade == "fatal" and items[0].note == "缺第3页"
    assert not inspection.items.filter(result=ItemResult.PENDING).exists()


def test_import_xlsx_by_position_with_row_errors(w):
    import openpyxl

    inspection = open_for(w, items=50)
    positions = list(inspection.items.order_by("position").values_list("position", flat=True))
    not_drawn = next(p for p in range(1, 51) if p not in positions)
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["position", "result", "defects", "skew_deg"])
    ws.append([positions[0], "pass", None, 0.5])
    ws.append([not_drawn, "pass", None, None])
    ws.append(["abc", "pass", None, None])
    buf = io.BytesIO()
    wb.save(buf)
    buf.seek(0)
    buf.name = "qc.xlsx"
    with pytest.raises(DomainError) as exc:
        services.lot_inspection_results_import(inspection=inspection, user=w.inspector, uploaded_file=buf)
    assert any("row 4" in d for d in exc.value.details)
    assert not inspection.items.exclude(result=ItemResult.PENDING).exists()
    ws.delete_rows(3, 2)
    buf = io.BytesIO()
    wb.save(buf)
    buf.seek(0)
    buf.name = "qc.xlsx"
    assert services.lot_inspection_results_import(inspection=inspection, user=w.inspector, uploaded_file=buf) == 1


@pytest.mark.parametrize("name,data,message", [
    ("qc.txt", b"position,result\n1,pass\n", "xlsx or .csv"),
    ("qc.xlsx", b"not a zip", "Excel"),
    ("qc.csv", b"", "empty"),
    ("qc.csv", "结果\n合格\n".encode(), "naming the item"),
])
def test_import_bad_files(w, name, data, message):
    inspection = open_for(w, items=20)
    upload = io.BytesIO(data)
    upload.name = name
    with pytest.raises(DomainError, match=message):
        services.lot_inspection_results_import(inspection=inspection, user=w.inspector, uploaded_file=upload)


# ---------------------------------------------------------------- decide

def test_decide_accepts_a_good_batch_and_records_everything(w):
    inspection = open_for(w, items=200)
    all_conforming(inspection, w.inspector)
    inspection = services.lot_inspection_decide(inspection=inspection, user=w.lead)
    assert inspection.status == InspectionStatus.DECIDED and inspection.decision == Decision.ACCEPTED
    assert inspection.pass_rate == Decimal("100.00") and inspection.inspectors == w.inspector.name
    inspection.batch.refresh_from_db()
    assert inspection.batch.status == BatchStatus.ACCEPTED
    entry = LedgerEntry.objects.get(project=w.project, kind="sampling")
    assert entry.batch_id == inspection.batch_id and not entry.has_problems
    state = SwitchingState.objects.get(project=w.project, service_type="digitization")
    assert state.regime == "normal"


def test_one_fatal_defect_rejects_and_marks_for_rectification(w):
    inspection = open_for(w, items=200)
    first = inspection.items.order_by("position").first()
    all_conforming(inspection, w.inspector, except_positions={first.position: ["DIG-F1", "DIG-G1"]})
    inspection = services.lot_inspection_decide(inspection=inspection, user=w.inspector)
    assert inspection.decision == Decision.NOT_ACCEPTED
    assert (inspection.fatal_count, inspection.serious_count, inspection.general_count) == (1, 0, 0)
    assert inspection.defects_total == 2 and "fatal" in inspection.reason
    inspection.batch.refresh_from_db()
    assert inspection.batch.status == BatchStatus.NOT_ACCEPTED
    assert list(selectors.rectification_candidates(w.project)) == [inspection]
    assert LedgerEntry.objects.get(kind="sampling").has_problems
    # Annex B counter: the defects of decided inspections per (service type, grade).
    assert annex_b_counts(w.project) == {("digitization", "fatal"): 1, ("digitization", "general"): 1}


def test_pass_rate_below_threshold_rejects_even_within_ac(w):
    from apps.projects.models import Project

    Project.objects.filter(pk=w.project.pk).update(quality_threshold=Decimal("99.00"))
    inspection = open_for(w, items=200)
    first = inspection.items.order_by("position").first()
    all_conforming(inspection, w.inspector, except_positions={first.position: ["DIG-G1"]})
    inspection = services.lot_inspection_decide(inspection=inspection, user=w.inspector)
    assert inspection.general_count == 1 <= inspection.plans["general"]["ac"]
    assert inspection.pass_rate == Decimal("98.00") and inspection.decision == Decision.NOT_ACCEPTED
    assert "threshold" in inspection.reason


@pytest.mark.parametrize("conforming, inspected, accepted", [
    (950, 1000, True),     # exactly 95 %
    (949, 1000, False),    # 94.9 %
    (1899, 1999, False),   # 94.9975 %: shown as 95.00 but below the threshold
    (1900, 2000, True),
])
def test_pass_rate_threshold_is_compared_exactly(conforming, inspected, accepted):
    inspection = LotInspection(plans={}, pass_threshold=Decimal("95.00"), fatal_rejects=True)
    counts = {"conforming": conforming, "defective": inspected - conforming, "pending": 0,
              "fatal": 0, "serious": 0, "general": inspected - conforming}
    result = selectors.outcome(inspection, counts)
    assert result.accepted is accepted
    if not accepted:
        assert "below the contract threshold" in result.reasons[0] and "95.00 %" in result.reasons[0]
        assert "95.00 % below" not in result.reasons[0]  # the refused rate is shown rounded down


def test_decision_uses_the_rules_in_force_when_the_inspection_was_opened(w):
    from apps.projects.models import Project

    inspection = open_for(w, items=200)
    assert inspection.pass_threshold == Decimal("95.00") and inspection.fatal_rejects
    Project.objects.filter(pk=w.project.pk).update(quality_threshold=Decimal("99.50"))
    first = inspection.items.order_by("position").first()
    all_conforming(inspection, w.inspector, except_positions={first.position: ["DIG-G1"]})
    inspection = services.lot_inspection_decide(inspection=inspection, user=w.inspector)
    assert inspection.decision == Decision.ACCEPTED  # 98 % ≥ the 95 % in force when it was opened


def test_general_defects_beyond_ac_reject(w):
    inspection = open_for(w, items=200)
    ac = inspection.plans["general"]["ac"]
    positions = list(inspection.items.order_by("position").values_list("position", flat=True))[:ac + 1]
    all_conforming(inspection, w.inspector, except_positions={p: ["DIG-G2"] for p in positions})
    inspection = services.lot_inspection_decide(inspection=inspection, user=w.inspector)
    assert inspection.decision == Decision.NOT_ACCEPTED and "acceptance number" in inspection.reason


def test_cannot_decide_with_pending_items_or_twice(w):
    inspection = open_for(w, items=50)
    with pytest.raises(DomainError, match="no result yet"):
        services.lot_inspection_decide(inspection=inspection, user=w.inspector)
    all_conforming(inspection, w.inspector)
    services.lot_inspection_decide(inspection=inspection, user=w.inspector)
    with pytest.raises(DomainError) as exc:
        services.lot_inspection_decide(inspection=inspection, user=w.lead)
    assert exc.value.code == "illegal_transition"
    with pytest.raises(DomainError, match="decided"):
        all_conforming(inspection, w.inspector)


def test_contractor_cannot_decide(w):
    inspection = open_for(w, items=20)
    all_conforming(inspection, w.inspector)
    with pytest.raises(PermissionDenied):
        services.lot_inspection_decide(inspection=inspection, user=w.pm)


def test_resubmitted_lot_does_not_move_the_switching_state(w):
    from apps.batches.services import batch_resubmit

    first = open_for(w, items=100)
    p = first.items.order_by("position").first().position
    all_conforming(first, w.inspector, except_positions={p: ["DIG-F2"]})
    services.lot_inspection_decide(inspection=first, user=w.inspector)
    state = SwitchingState.objects.get(project=w.project)
    before = (state.regime, state.switching_score)
    again = batch_resubmit(batch=first.batch, user=w.pm)
    again.status = BatchStatus.SUBMITTED
    again.submitted_at, again.submitted_by = first.batch.submitted_at, w.pm
    again.save()
    second = open_for(w, batch=again)
    all_conforming(second, w.inspector)
    services.lot_inspection_decide(inspection=second, user=w.inspector)
    state.refresh_from_db()
    assert (state.regime, state.switching_score) == before


# ---------------------------------------------------------------- escape rate

def test_escape_rate_counts_defects_the_contractor_passed(w):
    batch = submitted_batch(w, items=100)
    inspection = services.lot_inspection_open(batch=batch, user=w.inspector)
    drawn = list(inspection.items.order_by("position").values_list("position", flat=True))
    # The contractor had failed the first drawn item itself; the second it had passed.
    from apps.batches.models import BatchItem

    BatchItem.objects.filter(batch=batch, position=drawn[0]).update(contractor_passed=False)
    all_conforming(inspection, w.inspector, except_positions={drawn[0]: ["DIG-G1"], drawn[1]: ["DIG-G1"]})
    # Nothing shows before the decision (the contractor sees the rate too).
    assert selectors.escape_rate(w.project).base == 0
    assert selectors.summary(w.project)["defect_totals"] == [0, 0, 0]
    services.lot_inspection_decide(inspection=inspection, user=w.lead)
    rate = selectors.escape_rate(w.project)
    assert rate.base == len(drawn) - 1 and rate.escaped == 1
    assert rate.rate == (Decimal(100) / (len(drawn) - 1)).quantize(Decimal("0.01"))
    assert selectors.escape_rate(w.project, "storage").base == 0
