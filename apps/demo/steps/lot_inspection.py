"""Demo records for one project (called by the demo_data command, after the batches demo).

Needs the project in implementation with submitted batches (apps.batches demo). For the first
submitted batch: the client inspector opens the sampling inspection; complete=True records the
results (two items with general defects, one measured skew out of range) and decides it (the
batch is accepted); complete=False leaves it open with half of the results recorded. With
complete=True a second submitted batch, if any, is inspected too and not accepted (a page
missed in scanning, 缺页漏扫, is a fatal defect), so it is marked for rectification.
"""

from __future__ import annotations

from apps.batches.enums import BatchStatus
from apps.projects.enums import ServiceType

from apps.lot_inspection import services
from apps.lot_inspection.rows import RowInput


def _codes(project, service_type) -> dict[str, str]:
    """The first defect code of each grade in the project's catalogue for the service type."""
    from apps.inspections.selectors import defect_types
    from apps.inspections.services import catalogue_ensure

    catalogue_ensure(project=project)
    codes: dict[str, str] = {}
    for defect in defect_types(project, service_type).order_by("code"):
        codes.setdefault(defect.grade, defect.code)
    return codes


def load(*, project, users: dict, complete: bool) -> None:
    inspector = users["client_inspector"]
    batch = project.batches.filter(status=BatchStatus.SUBMITTED).order_by("number").first()
    if batch is None:
        return
    inspection = services.lot_inspection_open(batch=batch, user=inspector)
    codes = _codes(project, batch.service_type)
    items = list(inspection.items.order_by("position").values_list("id", flat=True))
    if not complete:
        items = items[: len(items) // 2]
    scans = batch.service_type == ServiceType.DIGITIZATION  # measured image values only for scans
    rows = []
    for n, item_id in enumerate(items):
        if n == 3:
            rows.append(RowInput(label=str(n), item_id=item_id, result="defective", defects=[codes["general"]],
                                 measurements={"dpi": 300, "border_mm": "4.5"} if scans else {},
                                 note="右侧黑边约4.5mm" if scans else "个别著录项目不规范"))
        elif n == 11 and scans:
            # No result given: the measured skew (1.6° > 1°) is judged automatically as a defect.
            rows.append(RowInput(label=str(n), item_id=item_id, measurements={"dpi": 300, "skew_deg": "1.6"},
                                 note="图像偏斜"))
        else:
            rows.append(RowInput(label=str(n), item_id=item_id, result="conforming",
                                 measurements={"dpi": 300, "skew_deg": "0.3", "border_mm": "1"} if scans else {}))
    services.lot_inspection_results_record(inspection=inspection, user=inspector, rows=rows)
    if not complete:
        return
    services.lot_inspection_decide(inspection=inspection, user=users["client_lead"])
    second = project.batches.filter(status=BatchStatus.SUBMITTED).order_by("number").first()
    if second is None:
        return
    inspection = services.lot_inspection_open(batch=second, user=inspector)
    codes = _codes(project, second.service_type)
    scans = second.service_type == ServiceType.DIGITIZATION
    rows = []
    for n, item_id in enumerate(inspection.items.order_by("position").values_list("id", flat=True)):
        if n == 0:
            rows.append(RowInput(label=str(n), item_id=item_id, result="defective", defects=[codes["fatal"]],
                                 note="第3页漏扫"))
        elif n in (2, 5):
            rows.append(RowInput(label=str(n), item_id=item_id, result="defective", defects=[codes["serious"]],
                                 note="图像模糊，文字不可辨"))
        else:
            rows.append(RowInput(label=str(n), item_id=item_id, result="conforming",
                                 measurements={"dpi": 300, "skew_deg": "0.2", "border_mm": "1"} if scans else {}))
    services.lot_inspection_results_record(inspection=inspection, user=inspector, rows=rows)
    services.lot_inspection_decide(inspection=inspection, user=users["client_lead"])
