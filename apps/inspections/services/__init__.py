"""Writes of client supervision, in three modules re-exported here:

* :mod:`.catalogue` — the project catalogue (Tables 1–5, Annex B) and judging measured values;
* :mod:`.ledger` — the inspection ledger (检查台账) and the Annex B defect counts;
* :mod:`.supervision` — patrols (巡查), key-node checks (关键节点检查) and the weekly reminder.

Functions other apps call (every service keyword-only):

* ``catalogue_ensure(*, project) -> None`` — copy the templates of the project's service types (idempotent).
* ``judge(check_item, value) -> bool | None`` — a numeric item's verdict on a measured value.
* ``judge_measurements(project, service_type, {metric: value}) -> list[(CheckItem, Decimal, bool)]``.
* ``ledger_entry_record(*, project, kind, occurred_at, inspector, content, problems, requirements,
  conclusion, source, batch=None, inspector_name=None, url=None) -> LedgerEntry`` — inside the
  caller's transaction.
* ``ledger_entry_update(*, source, **fields) -> LedgerEntry | None``.
* ``register_defect_counter(fn)`` with ``fn(project) -> {(service_type, grade): count}``;
  ``defect_counts(project)`` sums every registered counter.
"""

from __future__ import annotations

from .catalogue import (
    DEFECT_FIELDS,
    ITEM_FIELDS,
    MAX_MEASUREMENT,
    catalogue_ensure,
    check_item_create,
    check_item_update,
    defect_type_create,
    defect_type_update,
    judge,
    judge_measurements,
)
from .ledger import (
    LEDGER_UPDATABLE,
    defect_counts,
    ledger_entry_record,
    ledger_entry_update,
    register_defect_counter,
)
from .supervision import (
    MAX_INSPECTORS,
    key_node_create,
    last_working_day_of_week,
    patrol_create,
    patrol_reminders_send,
    patrol_update,
)

__all__ = [
    "DEFECT_FIELDS", "ITEM_FIELDS", "LEDGER_UPDATABLE", "MAX_INSPECTORS", "MAX_MEASUREMENT",
    "catalogue_ensure", "check_item_create", "check_item_update", "defect_counts", "defect_type_create",
    "defect_type_update", "judge", "judge_measurements", "key_node_create", "last_working_day_of_week",
    "ledger_entry_record", "ledger_entry_update", "patrol_create", "patrol_reminders_send", "patrol_update",
    "register_defect_counter",
]
