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
