"""Demo records for one project (called by the demo_data command).

Always: the contract's sampling settings, saved by the client lead (level II, fatal: any fatal
defect rejects, serious 1.0, general 4.0, reduced inspection allowed).

complete=True (a project in implementation whose lots are being inspected): a switching history
on the project's first service type, unless lots were already recorded there — six original
lots on normal inspection, two of the last five not accepted, so inspection switches to
tightened; then two accepted lots on tightened inspection and one resubmitted lot (logged,
not counted). The lot names say they are demo lots (演示批次).
"""

from __future__ import annotations

from apps.core.history import history_context

from apps.sampling import services
from apps.sampling.models import SwitchingEvent

DEMO_SEQUENCE = [  # (lot, accepted, defects per grade, resubmission)
    ("演示批次-01", True, {"general": 2}, False),
    ("演示批次-02", True, {"serious": 1, "general": 3}, False),
    ("演示批次-03", False, {"serious": 4, "general": 6}, False),
    ("演示批次-03（重新提交）", True, {"general": 1}, True),
    ("演示批次-04", True, {"general": 2}, False),
    ("演示批次-05", False, {"fatal": 1, "general": 2}, False),
    ("演示批次-06", True, {"general": 1}, False),
    ("演示批次-07", True, {}, False),
]


def load(*, project, users: dict, complete: bool) -> None:
    lead, inspector = users["client_lead"], users["client_inspector"]
    with history_context(user=lead):
        current = services.settings_for(project)
        services.sampling_settings_update(project=project, user=lead, expected_version=current.version,
                                          reduced_allowed=True)
    if not complete:
        return
    service_type = (project.service_types or ["digitization"])[0]
    if SwitchingEvent.objects.filter(project=project, service_type=service_type).exists():
        return
    for lot_ref, accepted, defects, resubmission in DEMO_SEQUENCE:
        plan = services.inspection_plan(project, service_type, 1200)
        services.switching_lot_record(project=project, service_type=service_type, lot_ref=lot_ref, accepted=accepted,
                                      plan=plan, defects_by_grade=defects, resubmission=resubmission, user=inspector)
