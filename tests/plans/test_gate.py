"""Gate plan_approved refuses, then allows the implementation phase."""

import pytest

from apps.core.errors import DomainError
from apps.plans import services
from apps.projects import services as project_services
from apps.projects.enums import Phase
from apps.projects.gates import registry
from tests.qualification.builders import approved_round

from .builders import approved, sign, submitted

pytestmark = pytest.mark.django_db


def meet_other_gates(world, monkeypatch, mine):
    for gate in registry.for_target(Phase.IMPLEMENTATION):
        if gate.code in (mine, "team_formed"):
            continue
        if gate.is_pending:
            project_services.gate_attest(project=world.project, user=world.lead, gate=gate.code, reference="纸质")
        else:
            monkeypatch.setattr(gate, "check", lambda project: True)


def test_gate_refuses_then_allows(world, monkeypatch):
    meet_other_gates(world, monkeypatch, "plan_approved")
    with pytest.raises(DomainError) as exc:
        project_services.project_advance(project=world.project, user=world.lead)
    assert exc.value.details == ["plan_approved"]
    version = services.plan_version_approve(version=submitted(world), user=world.lead)
    with pytest.raises(DomainError):  # approved but not signed
        project_services.project_advance(project=world.project, user=world.lead)
    sign(world, version)
    assert project_services.project_advance(project=world.project, user=world.lead).phase == Phase.IMPLEMENTATION


def test_both_of_my_gates_with_real_records(world, monkeypatch):
    meet_other_gates(world, monkeypatch, "plan_approved")
    approved_round(world)
    approved(world)
    assert project_services.project_advance(project=world.project, user=world.lead).phase == Phase.IMPLEMENTATION


def test_evidence_is_the_version_page(world):
    gate = registry.get("plan_approved")
    assert not gate.is_pending and gate.evidence(world.project) is None
    version = approved(world)
    label, url = gate.evidence(world.project)
    assert url == f"/plans/versions/{version.pk}/" and "1" in label
