"""The signing form and the project verification page: scoping, read-only regulator, bad input."""

from __future__ import annotations

import pytest
from django.contrib.contenttypes.models import ContentType

from apps.accounts.enums import Party
from apps.signatures.models import Signature, SignatureAttempt
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def sign_url(record, next_url=None):
    ct = ContentType.objects.get_for_model(record)
    url = f"/signatures/sign/{ct.pk}/{record.pk}/"
    return f"{url}?next={next_url}" if next_url else url


def verify_url(project):
    return f"/signatures/projects/{project.pk}/verify/"


# ---------------------------------------------------------------- sign form

def test_sign_form_shows_the_signed_content(world, attestation, login):
    response = login(world.pm).get(sign_url(attestation))
    assert response.status_code == 200
    body = response.content.decode()
    assert "纸质记录 2026-001" in body and 'type="password"' in body


def test_signing_through_the_form_redirects_to_a_relative_next(world, attestation, login):
    response = login(world.pm).post(sign_url(attestation), {
        "party": Party.CONTRACTOR, "meaning": "confirm", "password": PASSWORD, "next": "/projects/1/?tab=gates"})
    assert response.status_code == 302 and response["Location"] == "/projects/1/?tab=gates"
    signature = Signature.objects.get()
    assert signature.signer == world.pm and signature.ip == "127.0.0.1"


@pytest.mark.parametrize("evil", ["https://evil.example/", "//evil.example/x", "javascript:alert(1)"])
def test_absolute_next_is_ignored(world, attestation, login, evil):
    response = login(world.pm).post(sign_url(attestation), {
        "party": Party.CONTRACTOR, "meaning": "confirm", "password": PASSWORD, "next": evil})
    assert response.status_code == 302
    assert response["Location"] == world.project.get_absolute_url()


def test_wrong_password_gives_a_form_error_and_signs_nothing(world, attestation, login):
    response = login(world.lead).post(sign_url(attestation),
                                      {"party": Party.CLIENT, "meaning": "approve", "password": "wrong-password"})
    assert response.status_code == 200
    assert "Wrong password: nothing was signed." in response.content.decode()
    assert not Signature.objects.exists()
    assert SignatureAttempt.objects.get().user == world.lead


@pytest.mark.parametrize("data", [
    {"party": "both", "meaning": "confirm", "password": PASSWORD},
    {"party": Party.CLIENT, "meaning": "bless", "password": PASSWORD},
    {"party": Party.CLIENT, "meaning": "confirm"},
    {"party": Party.CLIENT, "meaning": "confirm", "password": ""},
    {"party": Party.CLIENT, "meaning": "confirm", "password": "x" * 5000},
    {},
])
def test_bad_input_gives_a_form_error_and_saves_nothing(world, attestation, login, data):
    response = login(world.lead).post(sign_url(attestation), data)
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not Signature.objects.exists() and not SignatureAttempt.objects.exists()


def test_signing_for_the_other_party_gives_a_form_error(world, attestation, login):
    response = login(world.lead).post(sign_url(attestation),
                                      {"party": Party.CONTRACTOR, "meaning": "confirm", "password": PASSWORD})
    assert response.status_code == 200
    assert "own organisation" in response.content.decode()
    assert not Signature.objects.exists()


def test_regulator_cannot_open_or_post_the_sign_form(world, attestation, login):
    c = login(world.regulator)
    assert c.get(sign_url(attestation)).status_code == 403
    response = c.post(sign_url(attestation), {"party": Party.CLIENT, "meaning": "confirm", "password": PASSWORD})
    assert response.status_code == 403
    assert not Signature.objects.exists()


@pytest.mark.parametrize("who", ["outsider", "other_regulator"])
def test_outsiders_get_404_on_the_sign_form(world, attestation, login, who):
    c = login(getattr(world, who))
    assert c.get(sign_url(attestation)).status_code == 404
    response = c.post(sign_url(attestation), {"party": Party.CONTRACTOR, "meaning": "confirm", "password": PASSWORD})
    assert response.status_code in (403, 404)
    assert not Signature.objects.exists()


def test_unknown_or_unsignable_records_get_404(world, attestation, login):
    c = login(world.lead)
    ct = ContentType.objects.get_for_model(attestation)
    assert c.get(f"/signatures/sign/{ct.pk}/999999/").status_code == 404
    assert c.get(f"/signatures/sign/999999/{attestation.pk}/").status_code == 404
    project_ct = ContentType.objects.get_for_model(world.project)  # not signable
    assert c.get(f"/signatures/sign/{project_ct.pk}/{world.project.pk}/").status_code == 404
    assert c.get("/signatures/sign/abc/1/").status_code == 404


def test_sign_form_needs_login(world, attestation, client):
    response = client.get(sign_url(attestation))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


# ---------------------------------------------------------------- verification page

@pytest.mark.parametrize("who", ["outsider", "other_regulator"])
def test_verify_page_is_404_for_outsiders(world, login, who):
    assert login(getattr(world, who)).get(verify_url(world.project)).status_code == 404


def test_verify_page_for_unknown_project_is_404(world, login):
    assert login(world.lead).get("/signatures/projects/999999/verify/").status_code == 404


@pytest.mark.parametrize("who", ["regulator", "operator", "inspector"])
def test_any_project_viewer_can_verify(world, attestation, sign, login, who):
    sign(attestation, world.lead, Party.CLIENT)
    response = login(getattr(world, who)).get(verify_url(world.project))
    assert response.status_code == 200
    body = response.content.decode()
    assert "王建国" in body and "BROKEN" not in body


def test_verify_page_shows_broken_signatures(world, attestation, sign, login):
    sign(attestation, world.lead, Party.CLIENT)
    sign(attestation, world.pm, Party.CONTRACTOR)
    attestation.note = "added after signing"
    attestation.save()
    response = login(world.regulator).get(verify_url(world.project))
    body = response.content.decode()
    assert body.count("BROKEN") == 2 and "note" in body
    assert [c.valid for c in response.context["checks"]] == [False, False]


def test_verify_page_is_read_only(world, login):
    assert login(world.lead).post(verify_url(world.project)).status_code == 405
    assert login(world.regulator).post(verify_url(world.project)).status_code == 403
