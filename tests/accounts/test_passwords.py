import pytest
from django.contrib.auth.hashers import make_password
from django.test import override_settings

from config.settings import base


@override_settings(PASSWORD_HASHERS=base.PASSWORD_HASHERS)
def test_new_password_hash_is_argon2():
    assert make_password("a-long-password-2026").startswith("argon2")


@pytest.mark.django_db
def test_login_page_is_chinese_by_default(client):
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    assert "登录" in response.content.decode()


@pytest.mark.django_db
def test_english_switch(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"}, follow=True)
    assert "Log in" in response.content.decode()


@pytest.mark.django_db
def test_chinese_even_when_the_browser_asks_for_english(client):
    response = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert "登录" in response.content.decode()
