"""Configuration baseline: production settings and security headers (security.md rows 1–3, 24)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PROD_ENV = {
    "DJANGO_SETTINGS_MODULE": "config.settings.production",
    "DJANGO_SECRET_KEY": "k" * 20 + "-production-secret-for-the-check-" + "x" * 20,
    "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/postgres",
    "DJANGO_ALLOWED_HOSTS": "archqa.example.cn",
    "SIGNATURE_BINDING_KEY": "signature-binding-key-for-the-check",
}


def run_manage(*args, env_overrides):
    env = {k: v for k, v in os.environ.items() if k not in PROD_ENV}
    env.update(env_overrides)
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=120)


def test_production_check_deploy_has_no_warning():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env_overrides=PROD_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "WARNING" not in result.stderr


@pytest.mark.parametrize("missing", ["DJANGO_SECRET_KEY", "DATABASE_URL", "DJANGO_ALLOWED_HOSTS",
                                     "SIGNATURE_BINDING_KEY"])
def test_production_refuses_to_start_without_secrets(missing):
    env = {k: v for k, v in PROD_ENV.items() if k != missing}
    result = run_manage("check", env_overrides=env)
    assert result.returncode != 0
    assert missing in result.stderr


@pytest.mark.django_db
def test_security_headers(client):
    response = client.get("/accounts/login/")
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp


@pytest.mark.django_db
def test_forged_host_gets_400(client):
    assert client.get("/accounts/login/", HTTP_HOST="evil.example.com").status_code == 400


@pytest.mark.django_db
def test_pages_have_no_inline_script(world, login):
    body = login(world.lead).get(f"/projects/{world.project.pk}/").content.decode()
    assert "<script>" not in body and "onclick=" not in body


@pytest.mark.django_db
def test_static_assets_are_local(world, login):
    import re

    body = login(world.lead).get("/projects/").content.decode()
    urls = re.findall(r'(?:src|href)="([^"]+)"', body)
    assert any(u.startswith("/static/") for u in urls)
    assert not [u for u in urls if u.startswith(("http:", "https:", "//"))]
