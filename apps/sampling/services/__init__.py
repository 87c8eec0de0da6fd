"""Writes and the sampling plan of a lot: contract settings, GB/T 2828.1 switching rules,
reproducible sample drawing.

- ``plans``: the plan of a lot (:func:`inspection_plan`, :func:`plan_with`, :func:`compute_plan`,
  :func:`floor_rate_for`), :func:`draw_sample` / :func:`new_seed`, :func:`settings_for`;
- ``contract``: :func:`sampling_settings_update` (client lead);
- ``switching``: the switching rules (:func:`switching_lot_record`) and the client lead's
  decisions (:func:`switching_reduced_approve`, :func:`switching_normal_return`,
  :func:`switching_resume`).

Functions other apps call (exact signatures):

- ``settings_for(project) -> SamplingSettings`` (created with defaults when first needed)
- ``inspection_plan(project, service_type, lot_size) -> InspectionPlan``
- ``switching_lot_record(*, project, service_type, lot_ref, accepted, plan, defects_by_grade,
  resubmission, user) -> SwitchingState``
- ``draw_sample(population_size, n, seed) -> list[int]`` and ``new_seed() -> int``
"""

from __future__ import annotations

from .contract import RATE_FIELDS, SETTINGS_FIELDS, sampling_settings_update
from .plans import (
    GRADES,
    MAX_SAMPLE_POPULATION,
    InspectionPlan,
    Plan,
    compute_plan,
    draw_sample,
    floor_rate_for,
    floor_size_for,
    inspection_plan,
    new_seed,
    plan_with,
    settings_for,
)
from .switching import (
    DISCONTINUE_AFTER,
    REASON_MAX,
    REDUCED_SCORE,
    TIGHTENED_TO_NORMAL,
    switching_increment,
    switching_lot_record,
    switching_normal_return,
    switching_reduced_approve,
    switching_resume,
)

__all__ = [
    "DISCONTINUE_AFTER", "GRADES", "MAX_SAMPLE_POPULATION", "RATE_FIELDS", "REASON_MAX", "REDUCED_SCORE",
    "SETTINGS_FIELDS", "TIGHTENED_TO_NORMAL", "InspectionPlan", "Plan", "compute_plan", "draw_sample",
    "floor_rate_for", "floor_size_for", "inspection_plan", "new_seed", "plan_with", "sampling_settings_update",
    "settings_for", "switching_increment", "switching_lot_record", "switching_normal_return",
    "switching_reduced_approve", "switching_resume",
]
