"""Demo: the end of implementation for a project that goes on to acceptance (called by the
demo_data command before the acceptance step).

The implementation demos leave work in progress (a not-accepted batch, a draft whose special
inspection failed, batches awaiting the client's sampling inspection). A project that applies for
acceptance (§5.3.1) has none: the not-accepted batch is rectified and resubmitted, every draft
passes its special inspection again and is submitted, and the client's inspector samples each
submitted batch and accepts it (every drawn item conforming).

``complete`` is accepted for the common signature of demo steps; the step always finishes.
"""

from __future__ import annotations

from django.utils import timezone

from apps.batches import services as batches
from apps.batches.enums import BatchStatus
from apps.lot_inspection import services as sampling
from apps.lot_inspection.rows import RowInput


def load(*, project, users: dict, complete: bool = True) -> None:
    pm, special = users["contractor_pm"], users["special_inspector"]
    inspector, lead = users["client_inspector"], users["client_lead"]
    for batch in project.batches.filter(status=BatchStatus.NOT_ACCEPTED).order_by("number"):
        batches.batch_resubmit(batch=batch, user=pm)
    for batch in project.batches.filter(status=BatchStatus.DRAFT).order_by("number"):
        count = batch.items.count() or batch.quantity
        batches.special_inspection_record(batch=batch, user=special, date=timezone.localdate(), checked_count=count,
                                          conclusion="passed", findings="整改后逐件复检，全部合格")
        batches.batch_submit(batch=batch, user=pm)
    for batch in project.batches.filter(status=BatchStatus.SUBMITTED).order_by("number"):
        inspection = sampling.lot_inspection_open(batch=batch, user=inspector)
        rows = [RowInput(label=str(n), item_id=item_id, result="conforming")
                for n, item_id in enumerate(inspection.items.order_by("position").values_list("id", flat=True))]
        sampling.lot_inspection_results_record(inspection=inspection, user=inspector, rows=rows)
        sampling.lot_inspection_decide(inspection=inspection, user=lead)
