"""REST endpoints of project control below /api/v1/projects/{project_id}/ (same scoping and rules
as the pages; errors as JSON), one module per tab.

| method | path | service |
|---|---|---|
| GET | ``risk-points/`` · ``risk-points/{id}/`` | the risk register |
| GET | ``risk-assessments/`` · ``{id}/`` | completed assessments (with the open re-assessment requests in ``/requests/``) |
| GET | ``change-requests/`` · ``{id}/`` | change requests, newest first |
| POST | ``change-requests/`` | ``change_request_submit`` (contractor PM) |
| POST | ``change-requests/{id}/approve/`` | ``change_request_approve`` with ``password`` (client lead; signs) |
| POST | ``change-requests/{id}/reject/`` · ``withdraw/`` · ``confirm/`` | the other transitions |
| GET | ``meetings/`` · ``{id}/`` | meetings with their action items |
| GET | ``quality-reports/`` · ``{id}/`` | reports (the contractor's drafts only for the contractor) |
| POST | ``quality-reports/`` | ``quality_report_prepare`` (contractor PM / special inspector) |
| POST | ``quality-reports/{id}/submit/`` · ``acknowledge/`` · ``return/`` | the report's transitions |
| GET | ``progress-stages/`` · ``{id}/`` | the progress plan, planned against actual |
| GET | ``improvement-plans/`` · ``{id}/`` | quality improvement plans |
"""

from __future__ import annotations

from .changes import ChangeRequestViewSet
from .improvements import ImprovementPlanViewSet
from .meetings import MeetingViewSet
from .progress import MilestoneViewSet
from .reports import QualityReportViewSet
from .risks import RiskAssessmentViewSet, RiskPointViewSet


def register(router, project_prefix: str) -> None:
    router.register(project_prefix + "risk-points", RiskPointViewSet, basename="project-risk-points")
    router.register(project_prefix + "risk-assessments", RiskAssessmentViewSet, basename="project-risk-assessments")
    router.register(project_prefix + "change-requests", ChangeRequestViewSet, basename="project-change-requests")
    router.register(project_prefix + "meetings", MeetingViewSet, basename="project-meetings")
    router.register(project_prefix + "quality-reports", QualityReportViewSet, basename="project-quality-reports")
    router.register(project_prefix + "progress-stages", MilestoneViewSet, basename="project-progress-stages")
    router.register(project_prefix + "improvement-plans", ImprovementPlanViewSet,
                    basename="project-improvement-plans")
