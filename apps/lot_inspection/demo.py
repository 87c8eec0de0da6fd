"""Demo records for one project (called by the demo_data command, after the batches demo).

Needs the project in implementation with submitted batches (apps.batches demo). For the first
submitted batch: the client inspector opens the sampling inspection; complete=True records the
results (two items with general defects, one measured skew out of range) and decides it (the
batch is accepted); complete=False leaves it open with half of the results recorded. A second
submitted batch, if any, is left awaiting inspection.
"""

from __future__ import annotations

from apps.batches.enums import BatchStatus

from . import services
from .services import RowInput


def load(*, project, users: dict, complete: bool) -> None:
    inspector = users["client_inspector"]
    batch = project.batches.filter(status=BatchStatus.SUBMITTED).order_by("number").first()
    if batch is None:
        return
    inspection = services.open_inspection(batch, inspector)
    items = list(inspection.items.order_by("position").values_list("id", flat=True))
    if not complete:
        items = items[: len(items) // 2]
    rows = []
    for n, item_id in enumerate(items):
        if n == 3:
            rows.append(RowInput(label=str(n), item_id=item_id, result="defective", defects=["DIG-G2"],
                                 measurements={"dpi": 300, "border_mm": "4.5"}, note="右侧黑边约4.5mm"))
        elif n == 11:
            rows.append(RowInput(label=str(n), item_id=item_id, measurements={"dpi": 300, "skew_deg": "1.6"},
                                 note="图像偏斜"))
        else:
            rows.append(RowInput(label=str(n), item_id=item_id, result="conforming",
                                 measurements={"dpi": 300, "skew_deg": "0.3", "border_mm": "1"}))
    services.record_results(inspection, inspector, rows)
    if complete:
        services.decide(inspection, users["client_lead"])
