"""A signable record for the tests: the projects app's GateAttestation, made signable through
the registry (the model itself is not touched)."""

from __future__ import annotations

import pytest

from apps.accounts.enums import Party, ProjectRole
from apps.core.history import history_context
from apps.projects.models import GateAttestation
from apps.signatures import services
from apps.signatures.registry import signables
from tests.conftest import PASSWORD

ROLES = {
    Party.CLIENT: {ProjectRole.CLIENT_LEAD, ProjectRole.CLIENT_INSPECTOR, ProjectRole.ACCEPTANCE_EXPERT},
    Party.CONTRACTOR: {ProjectRole.CONTRACTOR_PM, ProjectRole.CONTRACTOR_INSPECTOR},
}


def attestation_content(a: GateAttestation) -> dict:
    return {"gate": a.gate, "reference": a.reference, "note": a.note}


@pytest.fixture
def signable_attestation():
    signables.register(GateAttestation, content=attestation_content, project=lambda a: a.project, roles=ROLES,
                       replace=True)
    yield signables.get(GateAttestation)
    signables.unregister(GateAttestation)


def make_attestation(world, gate="qualification_approved", reference="纸质记录 2026-001", note="") -> GateAttestation:
    with history_context(user=world.lead, reason="test"):
        return GateAttestation.objects.create(project=world.project, gate=gate, reference=reference, note=note,
                                              attested_by=world.lead)


@pytest.fixture
def attestation(world, signable_attestation):
    return make_attestation(world)


@pytest.fixture
def sign():
    def _sign(record, user, party, meaning="confirm", password=PASSWORD, ip="10.0.0.8"):
        return services.signature_sign(record=record, user=user, password=password, party=party, meaning=meaning,
                                       request_ip=ip)

    return _sign


@pytest.fixture(autouse=True)
def _english(english):
    """These tests read message texts in English (see tests/conftest.py)."""
