"""The definitions every figure of the evaluation and of the performance record is counted with,
in one place, so that a project's report and a contractor's record say the same:

* the one rounding rule: a rate is a percentage with two decimals, rounded half up
  (:func:`percent`); a score too (:func:`two_places`);
* sampling: decided sampling inspections of batches only (purpose ``lot``; the acceptance
  inspections are counted as acceptance rounds, not as batches);
* the escape rate: defective sampled items the contractor's own inspection had passed, over the
  checked sampled items it had passed (as ``apps.lot_inspection.selectors.escape_rate``);
* rectification on time: each rectification period the contractor was given (a deadline of kind
  ``rectification``: one per notice and one more after each failed review) is on time when met by
  its due date, late when met after it or still open past it; waived ones do not count.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Q, QuerySet

from apps.deadlines.enums import DeadlineKind, DeadlineState
from apps.deadlines.models import Deadline
from apps.lot_inspection.enums import Decision, InspectionStatus, ItemResult, Purpose
from apps.lot_inspection.models import ItemDefect, LotInspection, SampledItem

CENT = Decimal("0.01")


def two_places(value) -> Decimal:
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def percent(part: int, whole: int) -> Decimal | None:
    """``part`` of ``whole`` in %, two decimals, half up; None when ``whole`` is 0."""
    if not whole:
        return None
    return two_places(Decimal(part) * 100 / Decimal(whole))


def as_text(value: Decimal | None) -> str | None:
    """A Decimal as it is stored in the frozen figures (JSON)."""
    return None if value is None else str(two_places(value))


def as_decimal(value) -> Decimal | None:
    return None if value is None or value == "" else Decimal(str(value))


# ---------------------------------------------------------------- sampling (§5.2.1, §7.1)

def decided_lots() -> QuerySet[LotInspection]:
    return LotInspection.objects.filter(status=InspectionStatus.DECIDED, purpose=Purpose.LOT)


ACCEPTED = Q(decision=Decision.ACCEPTED)


def lot_defects() -> QuerySet[ItemDefect]:
    return ItemDefect.objects.filter(sampled_item__inspection__status=InspectionStatus.DECIDED,
                                     sampled_item__inspection__purpose=Purpose.LOT)


def escape_base() -> QuerySet[SampledItem]:
    """Checked sampled items of decided batch inspections that the contractor had passed (its item
    list says so, or the batch has no item list)."""
    return SampledItem.objects.filter(
        Q(batch_item__isnull=True) | Q(batch_item__contractor_passed=True),
        inspection__status=InspectionStatus.DECIDED, inspection__purpose=Purpose.LOT)


ESCAPED = Q(result=ItemResult.DEFECTIVE)


# ---------------------------------------------------------------- rectification (§4.4, §6.4.1)

def rectification_periods() -> QuerySet[Deadline]:
    return Deadline.objects.filter(kind=DeadlineKind.RECTIFICATION)


def on_time_counts(today: dt.date) -> dict:
    """``Count`` expressions of the periods on time and late (see the module docstring)."""
    return {
        "on_time": Count("id", filter=Q(state=DeadlineState.MET)),
        "late": Count("id", filter=Q(state=DeadlineState.MISSED) | Q(state=DeadlineState.OPEN, due_date__lt=today)),
    }
