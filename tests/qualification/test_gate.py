"""Gate qualification_approved: refuses the implementation phase until the latest round is
approved in writing."""

import pytest

from apps.accounts.enums import Party
from apps.core.errors import DomainError
from apps.projects import services as project_services
from apps.projects.enums import Phase
from apps.projects.gates import registry
from apps.qualification import services
from apps.qualification.models import QualificationDocument, QualificationReview
from apps.signatures.enums import SignatureMeaning
from apps.signatures.models import Signature
from apps.signatures.services import signature_sign
from tests.conftest import PASSWORD

from .builders import approved_round, submitted_round

pytestmark = pytest.mark.django_db


def meet_other_gates(world, monkeypatch, mine: str) -> None:
    """Every other gate of the implementation phase met: pending ones attested on paper,
    implemented ones (other apps) forced to pass."""
    for gate in registry.for_target(Phase.IMPLEMENTATION):
        if gate.code in (mine, "team_formed"):
            continue
        if gate.is_pending:
            project_services.gate_attest(project=world.project, user=world.lead, gate=gate.code,
                                         reference=f"纸质-{gate.code}")
        else:
            monkeypatch.setattr(gate, "check", lambda project: True)


def test_gate_is_implemented_and_cannot_be_attested(world):
    assert not registry.get("qualification_approved").is_pending
    with pytest.raises(DomainError):
        project_services.gate_attest(project=world.project, user=world.lead, gate="qualification_approved",
                                     reference="纸")


def test_gate_refuses_then_allows(world, monkeypatch):
    meet_other_gates(world, monkeypatch, "qualification_approved")
    with pytest.raises(DomainError) as exc:
        project_services.project_advance(project=world.project, user=world.lead)
    assert exc.value.details == ["qualification_approved"]
    submitted_round(world)
    with pytest.raises(DomainError):
        project_services.project_advance(project=world.project, user=world.lead)
    review = QualificationReview.objects.get(project=world.project)
    services.qualification_round_reject(review=review, user=world.lead, reason="缺少安全保密证明原件")
    approved = approved_round(world, sign=False)
    with pytest.raises(DomainError) as exc:  # approved, but not yet in writing
        project_services.project_advance(project=world.project, user=world.lead)
    assert exc.value.details == ["qualification_approved"]
    signature_sign(record=approved, user=world.lead, password=PASSWORD, party=Party.CLIENT,
                   meaning=SignatureMeaning.APPROVE)
    project = project_services.project_advance(project=world.project, user=world.lead)
    assert project.phase == Phase.IMPLEMENTATION


def test_evidence_names_the_round(world):
    gate = registry.get("qualification_approved")
    assert gate.evidence(world.project) is None
    review = approved_round(world)
    label, url = gate.evidence(world.project)
    assert url == f"/qualification/reviews/{review.pk}/"
    assert "1" in label


def test_broken_signature_unmeets_the_gate(world):
    review = approved_round(world)
    assert registry.get("qualification_approved").check(world.project)
    # A change around the services (e.g. SQL) breaks the signature: the gate is no longer met.
    QualificationDocument.objects.filter(review=review).update(number="tampered")
    assert Signature.objects.filter(object_id=review.pk).exists()
    assert not registry.get("qualification_approved").check(world.project)
