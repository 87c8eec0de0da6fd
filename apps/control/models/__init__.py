"""Project control during implementation (§5.2.2, §6.2.3, §6.3.1, §6.4.2, §8.2.3–8.2.4, §10.2).

- the risk register (风险分级管控): :class:`RiskPoint`, :class:`RiskAssessment` and the
  system's :class:`RiskReassessmentRequest`;
- change requests (变更联系单), meetings with action items, the contractor's periodic quality
  reports, the progress plan's milestones and the quality improvement plans.
"""

from .changes import ChangeRequest
from .common import LONG_TEXT_MAX, TEXT_MAX
from .improvements import ImprovementPlan
from .meetings import ActionItem, Meeting
from .progress import ProgressMilestone
from .reports import QualityReport
from .risks import LEVEL_RANK, RiskAssessment, RiskPoint, RiskReassessmentRequest

__all__ = [
    "LEVEL_RANK",
    "LONG_TEXT_MAX",
    "TEXT_MAX",
    "ActionItem",
    "ChangeRequest",
    "ImprovementPlan",
    "Meeting",
    "ProgressMilestone",
    "QualityReport",
    "RiskAssessment",
    "RiskPoint",
    "RiskReassessmentRequest",
]
