"""Log-in: brute force lock-out, session handling (security rows 5 and 6)."""

import pytest

from tests.conftest import PASSWORD
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_five_failures_lock_the_account_and_are_logged(client, caplog):
    user = UserFactory(username="target")
    for _ in range(5):
        client.post("/accounts/login/", {"username": "target", "password": "wrong"})
    response = client.post("/accounts/login/", {"username": "target", "password": PASSWORD})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    from axes.models import AccessAttempt

    assert AccessAttempt.objects.get(username="target").failures_since_start >= 5
    assert user.pk


def test_successful_login_changes_the_session_id(client):
    UserFactory(username="alice")
    client.get("/accounts/login/")
    before = client.cookies.get("sessionid")
    response = client.post("/accounts/login/", {"username": "alice", "password": PASSWORD})
    assert response.status_code == 302
    assert client.cookies["sessionid"].value != (before.value if before else None)


def test_disabled_users_open_session_is_rejected(client):
    user = UserFactory(username="bob")
    client.force_login(user)
    assert client.get("/projects/").status_code == 200
    user.is_active = False
    user.save()
    assert client.get("/projects/").status_code == 302


def test_session_dead_after_logout(client):
    user = UserFactory(username="carol")
    client.force_login(user)
    session_key = client.cookies["sessionid"].value
    client.post("/accounts/logout/")
    client.cookies["sessionid"] = session_key
    assert client.get("/projects/").status_code == 302


def test_logging_in_notes_the_time_and_writes_no_history_row(client):
    user = UserFactory(username="login-history")
    rows = user.history.count()
    response = client.post("/accounts/login/", {"username": "login-history", "password": PASSWORD})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.last_login is not None
    assert user.history.count() == rows


def test_an_idle_session_past_the_limit_must_log_in_again(client, settings):
    import datetime as dt

    from django.contrib.sessions.models import Session
    from django.utils import timezone

    user = UserFactory(username="idle")
    client.post("/accounts/login/", {"username": "idle", "password": PASSWORD})
    key = client.cookies["sessionid"].value
    assert settings.SESSION_COOKIE_AGE <= 30 * 60 and settings.SESSION_SAVE_EVERY_REQUEST
    # Activity inside the limit keeps the session alive and moves its end forward.
    Session.objects.filter(session_key=key).update(expire_date=timezone.now() + dt.timedelta(minutes=1))
    assert client.get("/projects/").status_code == 200
    assert Session.objects.get(session_key=key).expire_date > timezone.now() + dt.timedelta(minutes=25)
    # Idle past the limit: the next request is sent to the login page.
    Session.objects.filter(session_key=key).update(expire_date=timezone.now() - dt.timedelta(seconds=1))
    response = client.get("/projects/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert user.pk


def test_a_deactivated_organisations_open_session_is_rejected(client):
    user = UserFactory(username="org-gone")
    client.force_login(user)
    assert client.get("/projects/").status_code == 200
    user.organization.is_active = False
    user.organization.save()
    assert client.get("/projects/").status_code in (302, 403)
