"""Project acceptance (项目验收, §5.3.1–5.3.2, §6.5.1, §8.3.1–8.3.2, Annex A 验收组织/验收实施).

- :class:`AcceptanceApplication` with its :class:`MaterialLine` checklist (验收申请);
- the acceptance team (:class:`TeamMember`, 验收小组);
- :class:`AcceptanceRound` (plan, inspection per :class:`PlanSampling`, report and conclusion);
- :class:`CommonProblem` (共性问题).
"""

from .application import AcceptanceApplication, MaterialLine
from .common import LINE_MAX, LONG_TEXT_MAX, TEXT_MAX
from .problems import CommonProblem
from .rounds import REPORTED_STATES, TEAM_ROLES, AcceptanceRound, PlanSampling
from .team import TeamMember

__all__ = [
    "LINE_MAX", "LONG_TEXT_MAX", "REPORTED_STATES", "TEAM_ROLES", "TEXT_MAX",
    "AcceptanceApplication", "AcceptanceRound", "CommonProblem", "MaterialLine", "PlanSampling", "TeamMember",
]
