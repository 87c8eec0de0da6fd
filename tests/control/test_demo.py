from __future__ import annotations

import pytest

from apps.control.models import (
    ChangeRequest,
    ImprovementPlan,
    Meeting,
    QualityReport,
    RiskAssessment,
    RiskPoint,
)
from apps.demo.steps import control as demo
from apps.projects.models import Project
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def _users(w):
    return {"client_lead": w.lead, "client_inspector": w.inspector, "contractor_pm": w.pm,
            "special_inspector": w.special, "operator": w.operator, "security_officer": w.security}


@pytest.mark.parametrize("complete", [True, False])
def test_demo_loads_and_is_idempotent(w, monkeypatch, complete):
    monkeypatch.setattr(demo, "DEMO_PASSWORD", PASSWORD)
    demo.load(project=w.project, users=_users(w), complete=complete)
    counts = [m.objects.count() for m in (RiskPoint, ChangeRequest, Meeting, QualityReport, ImprovementPlan)]
    assert all(counts)
    demo.load(project=w.project, users=_users(w), complete=complete)
    assert counts == [m.objects.count() for m in (RiskPoint, ChangeRequest, Meeting, QualityReport, ImprovementPlan)]
    if complete:
        assert RiskAssessment.objects.count() == 1
        assert Project.objects.get(pk=w.project.pk).risk_level == "high"
        assert ChangeRequest.objects.filter(state="approved").count() == 1
        assert QualityReport.objects.get().state == "acknowledged"
        assert ImprovementPlan.objects.get().state == "in_progress"
