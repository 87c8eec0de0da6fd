"""Two-step verification (两步验证, TOTP; security row 7): set-up, log-in, removal, and the
organisation's requirement."""

from __future__ import annotations

import logging

import pytest
import time_machine
from axes.models import AccessAttempt
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from apps.accounts import services
from tests.conftest import PASSWORD
from tests.factories import OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
CODE = "/accounts/login/code/"
SECURITY = "/accounts/security/"
START = "/accounts/security/second-factor/start/"
ENROL = "/accounts/security/second-factor/"
REMOVE = "/accounts/security/second-factor/remove/"


@pytest.fixture
def clock():
    """Frozen time, moved on by hand: a TOTP code is accepted once, in its 30-second step."""
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        yield traveller


def code(device: TOTPDevice) -> str:
    device.refresh_from_db()
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):0{device.digits}d}"


def wrong(device: TOTPDevice) -> str:
    return f"{(int(code(device)) + 1) % 1_000_000:06d}"


def enrolled(user) -> TOTPDevice:
    device = TOTPDevice.objects.create(user=user, name="手机", confirmed=True)
    # A code is used once: the set-up's own code lies in the past of every test step.
    TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1)
    return device


def signed_in_with_device(client, user, device):
    """A session as the code step leaves it."""
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def test_enrolment_shows_a_local_qr_code_and_confirms_the_app_with_a_code(client, clock, english):
    user = UserFactory(username="enrol")
    client.force_login(user)
    page = client.get(SECURITY)
    assert page.status_code == 200 and START in page.content.decode()

    assert client.post(START).status_code == 302
    device = TOTPDevice.objects.get(user=user)
    assert device.confirmed is False
    page = client.get(ENROL)
    html = page.content.decode()
    assert page.status_code == 200
    assert "<svg" in html and 'id="qr-path"' in html  # drawn here, as inline SVG
    assert "<script>" not in html and "chart.googleapis" not in html and "<img" not in html
    from apps.accounts.selectors import device_secret

    assert device_secret(device) in html

    clock.shift(31)
    response = client.post(ENROL, {"code": code(device)})
    assert response.status_code == 302 and response["Location"] == SECURITY
    device.refresh_from_db()
    assert device.confirmed is True
    # The session that confirmed it stays signed in; the set-up is in the device's history
    # (who, why) without the secret.
    assert client.get("/projects/").status_code == 200
    reasons = list(device.history.order_by("history_id").values_list("history_type", "history_change_reason",
                                                                       "history_user"))
    assert reasons == [("+", "Set-up of an authenticator app started", user.pk),
                       ("~", "Authenticator app confirmed with a code", user.pk)]
    assert not hasattr(device.history.model, "key")


def test_wrong_confirmation_code_leaves_the_app_unconfirmed(client, clock, english):
    user = UserFactory(username="enrol-wrong")
    client.force_login(user)
    client.post(START)
    device = TOTPDevice.objects.get(user=user)
    response = client.post(ENROL, {"code": wrong(device)})
    assert response.status_code == 400
    assert "The code is not correct" in response.content.decode()
    assert response.context["form"].errors["code"]
    response = client.post(ENROL, {"code": "12a456"})
    assert response.status_code == 400
    device.refresh_from_db()
    assert device.confirmed is False
    # Log-in still asks for the password only.
    client.logout()
    assert client.post(LOGIN, {"username": "enrol-wrong", "password": PASSWORD})["Location"] == "/projects/"


def test_login_with_an_app_asks_for_the_code_before_the_session_is_signed_in(client, clock):
    user = UserFactory(username="two-step")
    device = enrolled(user)
    response = client.post(LOGIN, {"username": "two-step", "password": PASSWORD, "next": "/notifications/"})
    assert response.status_code == 302 and response["Location"] == CODE
    # Between the two steps the session is not signed in: nothing but the code page opens.
    assert "_auth_user_id" not in client.session
    assert client.get("/projects/").status_code == 302
    assert client.get("/api/v1/projects/").status_code in (401, 403)
    page = client.get(CODE)
    assert page.status_code == 200 and user.name in page.content.decode()

    clock.shift(31)
    response = client.post(CODE, {"code": code(device)})
    assert response.status_code == 302 and response["Location"] == "/notifications/"
    assert client.session["_auth_user_id"] == str(user.pk)
    assert client.get("/projects/").status_code == 200
    # The code just used cannot be used again.
    client.logout()
    client.post(LOGIN, {"username": "two-step", "password": PASSWORD})
    assert client.post(CODE, {"code": code(device)}).status_code == 200
    assert "_auth_user_id" not in client.session


def test_wrong_codes_are_refused_logged_and_lock_the_account(client, clock, caplog):
    user = UserFactory(username="guess")
    device = enrolled(user)
    client.post(LOGIN, {"username": "guess", "password": PASSWORD})
    with caplog.at_level(logging.WARNING, logger="apps.accounts"):
        response = client.post(CODE, {"code": wrong(device)})
    assert response.status_code == 200 and response.context["form"].errors["code"]
    assert "_auth_user_id" not in client.session
    assert AccessAttempt.objects.get(username="guess").failures_since_start == 1
    assert any("refused at log-in" in r.getMessage() and r.levelno == logging.WARNING for r in caplog.records)
    # With the password failures, the same limit (5) locks the account: even the right code is refused.
    for _ in range(4):
        clock.shift(20)  # past django-otp's growing pause after a wrong code
        response = client.post(CODE, {"code": wrong(device)})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    clock.shift(31)
    assert client.post(LOGIN, {"username": "guess", "password": PASSWORD}).status_code == 429
    assert client.post(CODE, {"code": code(device)})["Location"] == LOGIN
    assert "_auth_user_id" not in client.session


def test_a_pending_login_expires(client, clock):
    user = UserFactory(username="slow")
    device = enrolled(user)
    client.post(LOGIN, {"username": "slow", "password": PASSWORD})
    clock.shift(5 * 60 + 1)
    response = client.post(CODE, {"code": code(device)})
    assert response.status_code == 302 and response["Location"] == LOGIN
    assert "_auth_user_id" not in client.session
    # Without a password first there is no code page at all.
    client.session.flush()
    assert client.get(CODE)["Location"] == LOGIN


def test_a_person_disabled_between_the_two_steps_is_not_logged_in(client, clock):
    user = UserFactory(username="disabled-meanwhile")
    device = enrolled(user)
    client.post(LOGIN, {"username": "disabled-meanwhile", "password": PASSWORD})
    user.organization.is_active = False
    user.organization.save()
    clock.shift(31)
    assert client.post(CODE, {"code": code(device)})["Location"] == LOGIN
    assert "_auth_user_id" not in client.session


def test_a_session_opened_without_the_code_is_logged_out(client):
    # E.g. opened before the app was set up in another browser, or by another way in.
    user = UserFactory(username="other-way")
    enrolled(user)
    client.force_login(user)
    response = client.get("/projects/")
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)
    assert "_auth_user_id" not in client.session
    # The admin's own log-in page would skip the code: it leads to the site's log-in.
    assert client.get("/admin/login/?next=/admin/")["Location"] == f"{LOGIN}?next=/admin/"


def test_organisation_requiring_a_second_factor_forces_enrolment(client, clock):
    org = OrganizationFactory(require_second_factor=True)
    user = UserFactory(username="must-enrol", organization=org)
    response = client.post(LOGIN, {"username": "must-enrol", "password": PASSWORD})
    assert response["Location"] == SECURITY
    # Every other page leads to the set-up, the API refuses; log-out and the set-up work.
    for url in ("/projects/", "/notifications/", "/admin/"):
        assert client.get(url)["Location"] == SECURITY, url
    api = client.get("/api/v1/projects/")
    assert api.status_code == 403 and api.json()["code"] == "second_factor_required"
    assert client.get(SECURITY).status_code == 200
    assert client.post(START).status_code == 302
    device = TOTPDevice.objects.get(user=user)
    assert client.get(ENROL).status_code == 200
    clock.shift(31)
    assert client.post(ENROL, {"code": code(device)}).status_code == 302
    assert client.get("/projects/").status_code == 200


def test_removing_the_app_needs_its_current_code(client, clock, english):
    user = UserFactory(username="remover")
    device = enrolled(user)
    signed_in_with_device(client, user, device)
    response = client.post(REMOVE, {"remove-code": wrong(device)})
    assert response.status_code == 400 and TOTPDevice.objects.filter(pk=device.pk).exists()
    clock.shift(31)
    response = client.post(REMOVE, {"remove-code": code(device)})
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=user).exists()
    removal = TOTPDevice.history.get(id=device.pk, history_type="-")
    assert removal.history_user == user and removal.history_change_reason == "Authenticator app removed by its owner"
    assert client.get("/projects/").status_code == 200
    client.logout()
    assert client.post(LOGIN, {"username": "remover", "password": PASSWORD})["Location"] == "/projects/"


def test_where_the_organisation_requires_it_the_app_can_be_replaced_not_removed(client, clock):
    org = OrganizationFactory(require_second_factor=True)
    user = UserFactory(username="replacer", organization=org)
    old = enrolled(user)
    signed_in_with_device(client, user, old)
    page = client.get(SECURITY).content.decode()
    assert REMOVE not in page
    assert client.post(REMOVE, {"remove-code": code(old)}).status_code == 403
    assert TOTPDevice.objects.filter(pk=old.pk, confirmed=True).exists()

    # Replacing: the current code, then the new app's code; the old app stops working.
    clock.shift(31)
    assert client.post(START, {"replace-code": code(old)}).status_code == 302
    new = TOTPDevice.objects.get(user=user, confirmed=False)
    clock.shift(31)
    assert client.post(ENROL, {"code": code(new)}).status_code == 302
    assert list(TOTPDevice.objects.filter(user=user).values_list("pk", "confirmed")) == [(new.pk, True)]
    assert client.get("/projects/").status_code == 200  # this session moved to the new app


def test_replacing_needs_the_current_code(client, clock):
    user = UserFactory(username="no-swap")
    device = enrolled(user)
    signed_in_with_device(client, user, device)
    assert client.post(START, {"replace-code": wrong(device)}).status_code == 400
    assert client.post(START).status_code == 400
    assert list(TOTPDevice.objects.filter(user=user).values_list("pk", flat=True)) == [device.pk]


def test_requiring_a_second_factor_revokes_tokens_got_without_one(client, admin_user):
    from rest_framework.authtoken.models import Token

    org = OrganizationFactory()
    without, with_app = UserFactory(organization=org), UserFactory(organization=org)
    enrolled(with_app)
    Token.objects.create(user=without)
    Token.objects.create(user=with_app)
    client.force_login(admin_user)
    data = {"kind": org.kind, "name": org.name, "uscc": org.uscc, "region": org.region, "is_active": "on",
            "require_second_factor": "on", "supervised-TOTAL_FORMS": "0", "supervised-INITIAL_FORMS": "0",
            "change_reason": "等保测评整改"}
    response = client.post(f"/admin/accounts/organization/{org.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    org.refresh_from_db()
    assert org.require_second_factor is True
    assert org.history.latest().require_second_factor is True
    assert org.history.latest().history_user == admin_user
    assert list(Token.objects.values_list("user", flat=True)) == [with_app.pk]
    assert services.organization_second_factor_enforce(organization=org) == 0


def test_demo_style_users_log_in_with_the_password_alone(client):
    user = UserFactory(username="plain")
    assert user.organization.require_second_factor is False
    response = client.post(LOGIN, {"username": "plain", "password": PASSWORD})
    assert response["Location"] == "/projects/"
    assert client.get("/projects/").status_code == 200


def test_the_right_password_alone_does_not_clear_earlier_failures(client):
    # django-axes clears a person's failures on a log-in; the password step is not one yet.
    user = UserFactory(username="partial")
    enrolled(user)
    client.post(LOGIN, {"username": "partial", "password": "wrong"})
    client.post(LOGIN, {"username": "partial", "password": PASSWORD})
    assert AccessAttempt.objects.get(username="partial").failures_since_start == 1
