"""POST/DELETE /api/v1/auth/token/ and token authentication."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from rest_framework.authtoken.models import Token

from tests.conftest import PASSWORD
from tests.factories import suspension_ground

TOKEN = "/api/v1/auth/token/"


def test_obtain_token_and_use_it(world, api):
    response = api().post(TOKEN, {"username": "lead", "password": PASSWORD})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["token"] == Token.objects.get(user=world.lead).key and body["expires_at"]
    client = api()
    client.credentials(HTTP_AUTHORIZATION=f"Token {body['token']}")
    assert client.get("/api/v1/projects/").json()["count"] == 1


def test_obtaining_again_returns_the_same_token_until_it_expires(world, api):
    first = api().post(TOKEN, {"username": "lead", "password": PASSWORD}).json()["token"]
    assert api().post(TOKEN, {"username": "lead", "password": PASSWORD}).json()["token"] == first


def test_regulator_can_obtain_a_token(world, api):
    assert api().post(TOKEN, {"username": "regulator", "password": PASSWORD}).status_code == 200


@pytest.mark.parametrize("data", [
    {"username": "lead", "password": "wrong-password"},
    {"username": "nobody", "password": PASSWORD},
    {"username": "lead"},
    {"password": PASSWORD},
    {"username": "", "password": ""},
    {"username": "u" * 151, "password": PASSWORD},
    {"username": "lead", "password": "p" * 5000},
    {"username": ["lead"], "password": PASSWORD},
])
def test_bad_credentials_are_400_json_and_give_no_token(world, api, data):
    response = api().post(TOKEN, data)
    assert response.status_code == 400
    assert response.json()["detail"]
    assert not Token.objects.exists()


def test_inactive_user_gets_no_token(world, api):
    world.lead.is_active = False
    world.lead.save()
    assert api().post(TOKEN, {"username": "lead", "password": PASSWORD}).status_code == 400
    assert not Token.objects.exists()


def test_user_of_deactivated_organisation_gets_no_token(world, api):
    world.contractor.is_active = False
    world.contractor.save()
    assert api().post(TOKEN, {"username": "pm", "password": PASSWORD}).status_code == 400


def test_token_requests_are_throttled(world, api):
    client = api()
    statuses = [client.post(TOKEN, {"username": f"nobody{i}", "password": "x"}).status_code for i in range(25)]
    assert statuses[0] == 400
    assert statuses[-1] == 429
    response = client.post(TOKEN, {"username": "lead", "password": PASSWORD})
    assert response.status_code == 429
    assert response.json()["code"] == "throttled"
    assert not Token.objects.exists()


def _fail_five_times(client):
    for _ in range(5):
        response = client.post(TOKEN, {"username": "lead", "password": "wrong-password"})
    return response


def test_repeated_failures_lock_the_account_for_the_api_too(world, api):
    # django-axes counts the API's failures with the login page's (security row 5): after
    # them even the right password gets no token for a while.
    client = api()
    assert _fail_five_times(client).status_code == 429
    response = client.post(TOKEN, {"username": "lead", "password": PASSWORD})
    assert response.status_code == 429
    assert not Token.objects.exists()
    from axes.models import AccessAttempt

    assert AccessAttempt.objects.get(username="lead").failures_since_start >= 5


def test_lockout_answer_is_json_with_the_api_lockout_callable(world, api, settings):
    settings.AXES_LOCKOUT_CALLABLE = "apps.api.lockout.lockout_response"
    client = api()
    _fail_five_times(client)
    response = client.post(TOKEN, {"username": "lead", "password": PASSWORD})
    assert response.status_code == 429
    assert response.json()["code"] == "locked_out"
    # The login page keeps its HTML answer.
    page = api().post("/accounts/login/", {"username": "lead", "password": PASSWORD}, format="multipart")
    assert page.status_code == 429 and page["Content-Type"].startswith("text/html")


def test_expired_token_is_refused_and_a_new_one_issued(world, api):
    client = api(world.lead, token=True)
    token = Token.objects.get(user=world.lead)
    Token.objects.filter(pk=token.pk).update(created=timezone.now() - dt.timedelta(days=2))
    response = client.get("/api/v1/projects/")
    assert response.status_code == 401
    assert response.json()["code"] == "authentication_failed"
    new = api().post(TOKEN, {"username": "lead", "password": PASSWORD}).json()["token"]
    assert new != token.key


@pytest.mark.parametrize("header", ["Token nonsense", "Token ", "Token a b", "Bearer x", "Token " + "x" * 5000])
def test_bad_token_headers_are_401(world, api, header):
    client = api()
    client.credentials(HTTP_AUTHORIZATION=header)
    response = client.get("/api/v1/projects/")
    assert response.status_code == 401
    assert response.json()["detail"]


def test_revoke_token(world, api):
    client = api(world.lead, token=True)
    assert client.delete(TOKEN).status_code == 204
    assert not Token.objects.filter(user=world.lead).exists()
    assert client.get("/api/v1/projects/").status_code == 401


def test_regulator_can_revoke_own_token(world, api):
    client = api(world.regulator, token=True)
    assert client.delete(TOKEN).status_code == 204


def test_revoke_needs_authentication(world, api):
    assert api().delete(TOKEN).status_code == 401


def test_session_writes_need_csrf_token(world):
    from rest_framework.test import APIClient

    client = APIClient(enforce_csrf_checks=True)
    client.force_login(world.lead)
    response = client.post(f"/api/v1/projects/{world.project.pk}/suspend/", {"reason": "x"}, format="json")
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]
    world.project.refresh_from_db()
    assert world.project.phase == "preparation"


def test_token_writes_need_no_csrf_token(world, api):
    from rest_framework.test import APIClient

    client = APIClient(enforce_csrf_checks=True)
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=world.lead).key}")
    suspension_ground(world.project)
    response = client.post(f"/api/v1/projects/{world.project.pk}/suspend/", {"reason": "x"}, format="json")
    assert response.status_code == 200


# --- two-step verification (security row 7; docs/accounts.md) -------------------------------

def _app_of(user):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    return TOTPDevice.objects.create(user=user, name="手机", confirmed=True)


def _code(device, delta: int = 0) -> str:
    from django_otp.oath import totp

    value = totp(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{(value + delta) % 1_000_000:06d}"


def _failures(username: str) -> int:
    from axes.models import AccessAttempt

    attempt = AccessAttempt.objects.filter(username=username).first()
    return attempt.failures_since_start if attempt else 0


@pytest.mark.parametrize("otp, code", [(None, "otp_required"), ("", "otp_required"), ("wrong", "otp_invalid"),
                                       ("000000x", "otp_invalid"), (["123456"], None)])
def test_user_with_an_authenticator_app_needs_its_code_for_a_token(world, api, otp, code):
    device = _app_of(world.lead)
    data = {"username": "lead", "password": PASSWORD}
    if otp is not None:
        data["otp"] = _code(device, delta=1) if otp == "wrong" else otp
    response = api().post(TOKEN, data)
    assert response.status_code == 400
    body = response.json()
    assert body["detail"] and body["field"] == "otp"
    if code is not None:  # refused after the password was right: counted as a failed log-in
        assert body["code"] == code
        assert _failures("lead") == 1
    assert not Token.objects.exists()


def test_token_with_the_right_code(world, api):
    device = _app_of(world.lead)
    response = api().post(TOKEN, {"username": "lead", "password": PASSWORD, "otp": _code(device)})
    assert response.status_code == 200, response.content
    assert response.json()["token"] == Token.objects.get(user=world.lead).key
    # The code was used; sending it again is refused (django-otp keeps the last step used).
    Token.objects.all().delete()
    assert api().post(TOKEN, {"username": "lead", "password": PASSWORD, "otp": _code(device)}).status_code == 400


def test_wrong_codes_lock_the_account_like_wrong_passwords(world, api):
    import time_machine

    device = _app_of(world.lead)
    client = api()
    with time_machine.travel(timezone.now(), tick=False) as clock:
        for _ in range(5):
            clock.shift(20)  # past django-otp's pause after a wrong code
            response = client.post(TOKEN, {"username": "lead", "password": PASSWORD, "otp": _code(device, 1)})
        assert response.status_code == 429 and response.json()["code"] == "locked_out"
        clock.shift(31)
        assert client.post(TOKEN, {"username": "lead", "password": PASSWORD,
                                   "otp": _code(device)}).status_code == 429
    assert not Token.objects.exists()


def test_user_who_must_set_up_two_step_verification_gets_no_token(world, api):
    world.client_org.require_second_factor = True
    world.client_org.save()
    response = api().post(TOKEN, {"username": "lead", "password": PASSWORD, "otp": "123456"})
    assert response.status_code == 400
    assert response.json()["code"] == "second_factor_enrolment_required"
    assert _failures("lead") == 0  # the password was right: not a guess
    assert not Token.objects.exists()
    # Users of other organisations are not concerned.
    assert api().post(TOKEN, {"username": "pm", "password": PASSWORD}).status_code == 200


def test_confirming_an_app_revokes_tokens_got_with_the_password_alone(world, api):
    from apps.accounts import services

    old = api().post(TOKEN, {"username": "lead", "password": PASSWORD}).json()["token"]
    services.second_factor_start(user=world.lead)
    from apps.accounts.selectors import pending_device

    services.second_factor_confirm(user=world.lead, code=_code(pending_device(world.lead)))
    client = api()
    client.credentials(HTTP_AUTHORIZATION=f"Token {old}")
    assert client.get("/api/v1/projects/").status_code == 401


def test_schema_documents_the_code_field(world, api):
    schema = api(world.lead).get("/api/schema/", {"format": "json"}).json()
    fields = schema["components"]["schemas"]["TokenObtainRequest"]["properties"]
    assert "otp" in fields and "otp_required" in fields["otp"]["description"]
    responses = schema["paths"]["/api/v1/auth/token/"]["post"]["responses"]
    assert {"200", "400", "429"} <= set(responses)
