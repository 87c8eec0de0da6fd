"""/api/v1/projects/{id}/signatures/: list, one, verify, sign (password again)."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.utils import translation

from apps.accounts.enums import Party, ProjectRole
from apps.core.history import history_context
from apps.projects.models import GateAttestation
from apps.signatures import services
from apps.signatures.models import Signature, SignatureAttempt
from apps.signatures.registry import signables
from tests.conftest import PASSWORD
from tests.factories import ProjectFactory, UserFactory

from .conftest import project_url

RECORD_TYPE = "projects.gateattestation"
ROLES = {
    Party.CLIENT: {ProjectRole.CLIENT_LEAD, ProjectRole.CLIENT_INSPECTOR},
    Party.CONTRACTOR: {ProjectRole.CONTRACTOR_PM, ProjectRole.CONTRACTOR_INSPECTOR},
}


def msg(text: str) -> str:
    """``text`` as the API answers it: requests run in the site's language (zh-hans)."""
    with translation.override(settings.LANGUAGE_CODE):
        return translation.gettext(text)


def url(project, suffix="") -> str:
    return project_url(project, "signatures/" + suffix)


@pytest.fixture(autouse=True)
def signable_attestation():
    """GateAttestation made signable through the registry, as tests/signatures does."""
    signables.register(GateAttestation, content=lambda a: {"gate": a.gate, "reference": a.reference, "note": a.note},
                       project=lambda a: a.project, roles=ROLES, replace=True)
    yield
    signables.unregister(GateAttestation)


def make_attestation(project, user, gate="qualification_approved") -> GateAttestation:
    with history_context(user=user, reason="test"):
        return GateAttestation.objects.create(project=project, gate=gate, reference="纸质记录 2026-001",
                                              attested_by=user)


@pytest.fixture
def record(world):
    return make_attestation(world.project, world.lead)


def sign_data(record, **overrides) -> dict:
    return {"record_type": RECORD_TYPE, "object_id": record.pk, "party": "client", "meaning": "approve",
            "password": PASSWORD, **overrides}


def _counts() -> tuple[int, int]:
    return Signature.objects.count(), SignatureAttempt.objects.count()


# ---------------------------------------------------------------- reads


def test_list_shows_each_signature_with_its_validity(world, as_user, record):
    services.signature_sign(record=record, user=world.lead, password=PASSWORD, party="client", meaning="approve")
    services.signature_sign(record=record, user=world.inspector, password=PASSWORD, party="client", meaning="review")
    body = as_user(world.operator).get(url(world.project)).json()
    assert body["count"] == 2
    first = body["results"][0]
    assert first["record"] == {"type": RECORD_TYPE, "id": record.pk}
    assert (first["printed_name"], first["organization"], first["party"], first["meaning"]) == (
        "王建国", "杭州市档案馆", "client", "approve")
    assert first["signed_at"] and first["is_valid"] is True and first["reason"] == msg("valid")
    assert first["changed_fields"] == []
    assert "password" not in first and "signed_content" not in first


def test_changed_record_shows_broken_in_list_and_verification(world, api, record):
    services.signature_sign(record=record, user=world.lead, password=PASSWORD, party="client", meaning="approve")
    with history_context(user=world.lead, reason="test"):
        record.reference = "改过的记录"
        record.save()
    client = api(world.regulator)
    row = client.get(url(world.project)).json()["results"][0]
    assert row["is_valid"] is False and row["changed_fields"] == ["reference"]
    report = client.get(url(world.project, "verify/")).json()
    assert (report["total"], report["valid"], report["broken"], report["all_valid"]) == (1, 0, 1, False)
    assert report["signatures"][0]["reason"] == msg("The record was changed after signing.")


def test_verify_all_valid(world, as_user, record):
    services.signature_sign(record=record, user=world.lead, password=PASSWORD, party="client", meaning="approve")
    report = as_user(world.regulator).get(url(world.project, "verify/")).json()
    assert report["project"] == world.project.pk
    assert (report["total"], report["broken"], report["all_valid"]) == (1, 0, True)


def test_filter_by_record(world, api, record):
    other = make_attestation(world.project, world.lead, gate="plan_approved")
    services.signature_sign(record=record, user=world.lead, password=PASSWORD, party="client", meaning="approve")
    services.signature_sign(record=other, user=world.lead, password=PASSWORD, party="client", meaning="approve")
    client = api(world.lead)
    rows = client.get(url(world.project), {"record_type": RECORD_TYPE, "object_id": other.pk}).json()["results"]
    assert [r["record"]["id"] for r in rows] == [other.pk]


@pytest.mark.parametrize("params, field", [({"record_type": "no-dot"}, "record_type"),
                                           ({"record_type": "projects.project"}, "record_type"),
                                           ({"object_id": "abc"}, "object_id")])
def test_bad_filter_is_400(world, api, params, field):
    response = api(world.lead).get(url(world.project), params)
    assert response.status_code == 400
    assert response.json()["field"] == field


def test_retrieve_and_other_projects_signature_is_404(world, api, record):
    mine = services.signature_sign(record=record, user=world.lead, password=PASSWORD, party="client",
                                   meaning="approve")
    client = api(world.lead)
    assert client.get(url(world.project, f"{mine.pk}/")).json()["printed_name"] == "王建国"
    other = ProjectFactory(client=world.client_org, contractor=world.contractor)
    assert client.get(url(other, f"{mine.pk}/")).status_code == 404


# ---------------------------------------------------------------- signing


def test_sign(world, as_user, record):
    response = as_user(world.lead).post(url(world.project), sign_data(record))
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["is_valid"] is True and body["printed_name"] == "王建国" and body["party"] == "client"
    signature = Signature.objects.get(pk=body["id"])
    assert signature.record == record and signature.signer == world.lead and signature.ip == "127.0.0.1"


def test_wrong_password_signs_nothing_and_is_kept_as_an_attempt(world, api, record):
    response = api(world.lead).post(url(world.project), sign_data(record, password="wrong"))
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "bad_password" and body["field"] == "password"
    assert body["detail"] == msg("Wrong password: nothing was signed.")
    assert not Signature.objects.exists()
    # Not rolled back with the request: the attempt counts towards the signing lock-out.
    attempt = SignatureAttempt.objects.get()
    assert attempt.user == world.lead and attempt.outcome == "bad_password"


def test_repeated_wrong_passwords_lock_signing(world, api, record):
    client = api(world.lead, token=True)
    for _ in range(5):
        assert client.post(url(world.project), sign_data(record, password="wrong")).status_code == 400
    response = client.post(url(world.project), sign_data(record))  # even the right password now
    assert response.status_code == 403
    assert response.json()["code"] == "locked"
    assert not Signature.objects.exists()


@pytest.mark.parametrize("overrides, field", [
    ({"password": ""}, "password"),
    ({"password": None}, "password"),
    ({"party": "emperor"}, "party"),
    ({"meaning": "bless"}, "meaning"),
    ({"record_type": "gateattestation"}, "record_type"),
    ({"record_type": "projects.project"}, "record_type"),
    ({"record_type": "nosuch.model"}, "record_type"),
    ({"object_id": "abc"}, "object_id"),
    ({"object_id": 99999999999999999999999}, "object_id"),
])
def test_bad_input_is_400(world, api, record, overrides, field):
    data = {k: v for k, v in sign_data(record, **overrides).items() if v is not None}
    before = _counts()
    response = api(world.lead).post(url(world.project), data)
    assert response.status_code == 400
    assert response.json()["field"] == field
    assert _counts() == before


def test_non_json_body_is_400(world, api, record):
    response = api(world.lead).post(url(world.project), ["not", "an", "object"])
    assert response.status_code == 400
    assert not Signature.objects.exists()


def test_record_of_another_project_is_404(world, api):
    other = ProjectFactory(client=world.client_org, contractor=world.contractor)
    foreign = make_attestation(other, world.lead)
    client = api(world.lead)
    response = client.post(url(world.project), sign_data(foreign))
    assert response.status_code == 404
    assert client.post(url(world.project), sign_data(foreign, object_id=foreign.pk + 1000)).status_code == 404
    assert _counts() == (0, 0)


@pytest.mark.parametrize("user", ["operator", "acceptance"])
def test_role_the_record_does_not_allow_is_403(world, as_user, record, user):
    response = as_user(getattr(world, user)).post(url(world.project), sign_data(record, password="wrong"))
    assert response.status_code == 403  # before the password is even looked at
    assert _counts() == (0, 0)


def test_contractor_cannot_sign_for_the_client(world, api, record):
    response = api(world.pm).post(url(world.project), sign_data(record, party="client"))
    assert response.status_code == 403
    assert response.json()["detail"] == msg("Only people of the party's own organisation can sign for it.")
    assert not Signature.objects.exists()


def test_same_person_same_meaning_twice_is_400(world, api, record):
    client = api(world.lead)
    assert client.post(url(world.project), sign_data(record)).status_code == 201
    response = client.post(url(world.project), sign_data(record))
    assert response.status_code == 400
    assert response.json()["field"] == "meaning"
    assert Signature.objects.count() == 1


def test_client_colleague_without_role_is_403(world, as_user, record):
    colleague = UserFactory(organization=world.client_org)
    client = as_user(colleague)
    assert client.get(url(world.project)).status_code == 200
    assert client.post(url(world.project), sign_data(record)).status_code == 403


# ---------------------------------------------------------------- regulators and outsiders


def test_regulator_reads(world, as_user, record):
    client = as_user(world.regulator)
    assert client.get(url(world.project)).status_code == 200
    assert client.get(url(world.project, "verify/")).status_code == 200


@pytest.mark.parametrize("who", ["regulator", "other_regulator"])
def test_regulator_cannot_sign(world, as_user, auth_mode, record, who):
    response = as_user(getattr(world, who)).post(url(world.project), sign_data(record))
    assert response.status_code == 403
    if auth_mode == "token":
        assert response.json()["code"] == "permission_denied"
    assert _counts() == (0, 0)


@pytest.mark.parametrize("user", ["outsider", "other_regulator"])
def test_outsiders_get_404(world, as_user, record, user):
    signature = services.signature_sign(record=record, user=world.lead, password=PASSWORD, party="client",
                                        meaning="approve")
    client = as_user(getattr(world, user))
    for path in ("", "?record_type=bad", "verify/", f"{signature.pk}/"):
        response = client.get(url(world.project, path))
        assert response.status_code == 404, path
        assert response.json()["code"] == "not_found"


def test_outsider_cannot_sign(world, as_user, record):
    client = as_user(world.outsider)
    assert client.post(url(world.project), sign_data(record)).status_code == 404
    assert client.post(url(world.project), {"record_type": "nonsense"}).status_code == 404  # input never read
    assert _counts() == (0, 0)


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_signatures_are_never_changed_through_the_api(world, api, record, method):
    signature = services.signature_sign(record=record, user=world.lead, password=PASSWORD, party="client",
                                        meaning="approve")
    response = getattr(api(world.lead), method)(url(world.project, f"{signature.pk}/"), {"meaning": "review"})
    assert response.status_code == 405
    assert Signature.objects.get(pk=signature.pk).meaning == "approve"
