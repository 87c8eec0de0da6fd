"""Security rows 2 and 24 asserted on responses of the production settings themselves (not the test
settings): a child process runs ``config.settings.production`` against this worker's database, logs
in inside a transaction it rolls back, and reports the cookies and headers it received, and the
500 page of a view that fails."""

import json
import os
import subprocess
import sys

import pytest
from django.db import connection

from .test_settings import PROD_ENV, ROOT

SCRIPT = r'''
import json, django
django.setup()
from django.db import transaction
from django.test import Client, override_settings
from django.urls import clear_url_caches, path
import config.urls
from apps.accounts.models import User

def boom(request):
    raise RuntimeError("secret-internal-detail /work/main/apps/boom.py")

config.urls.urlpatterns.append(path("boom-for-the-check/", boom))
clear_url_caches()
out = {}
plain = {"default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
         "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
with override_settings(STORAGES=plain), transaction.atomic():
    User.objects.create_user(username="prod-check", password="correct-horse-battery-staple", name="检查")
    c = Client(HTTP_HOST="archqa.example.cn", HTTP_X_FORWARDED_PROTO="https", secure=True)
    page = c.get("/accounts/login/")
    out["login_status"] = page.status_code
    out["headers"] = dict(page.headers)
    out["csrf_cookie"] = {k: str(v) for k, v in page.cookies["csrftoken"].items()} if "csrftoken" in page.cookies else None
    token = page.cookies["csrftoken"].value if "csrftoken" in page.cookies else ""
    r = c.post("/accounts/login/", {"username": "prod-check", "password": "correct-horse-battery-staple",
                                   "csrfmiddlewaretoken": token})
    out["post_status"] = r.status_code
    m = r.cookies.get("sessionid")
    out["session_cookie"] = {"secure": m["secure"], "httponly": m["httponly"], "samesite": m["samesite"]} if m else None
    plain_http = Client(HTTP_HOST="archqa.example.cn").get("/accounts/login/")
    out["http_status"], out["http_location"] = plain_http.status_code, plain_http.headers.get("Location")
    broken = Client(HTTP_HOST="archqa.example.cn", HTTP_X_FORWARDED_PROTO="https", secure=True,
                    raise_request_exception=False).get("/boom-for-the-check/")
    out["error_status"], out["error_body"] = broken.status_code, broken.content.decode()
    transaction.set_rollback(True)
print("RESULT" + json.dumps(out))
'''


@pytest.fixture(scope="module")
def production_responses(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        settings_dict = connection.settings_dict
    url = f"postgres://{settings_dict['USER']}@{settings_dict['HOST']}:{settings_dict['PORT']}/{settings_dict['NAME']}"
    env = {k: v for k, v in os.environ.items() if k not in PROD_ENV}
    env.update(PROD_ENV, DATABASE_URL=url, DJANGO_LOG_LEVEL="CRITICAL")
    result = subprocess.run([sys.executable, "-c", SCRIPT], cwd=ROOT, env=env, capture_output=True, text=True,
                            timeout=120)
    line = [line for line in result.stdout.splitlines() if line.startswith("RESULT")]
    assert line, result.stdout + result.stderr
    return json.loads(line[0].removeprefix("RESULT"))


def test_transport_and_browser_hardening_on_a_production_response(production_responses):
    out = production_responses
    assert out["login_status"] == 200
    headers = {k.lower(): v for k, v in out["headers"].items()}
    hsts = headers["strict-transport-security"]
    assert int(hsts.split("max-age=")[1].split(";")[0]) >= 31536000 and "includeSubDomains" in hsts
    assert headers["x-frame-options"] == "DENY"
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "same-origin"
    csp = headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
    assert out["csrf_cookie"]["secure"] is True or out["csrf_cookie"]["secure"] == "True"


def test_session_cookie_is_secure_and_httponly_after_login(production_responses):
    out = production_responses
    assert out["post_status"] == 302
    assert out["session_cookie"]["secure"] and out["session_cookie"]["httponly"]
    assert out["session_cookie"]["samesite"] == "Lax"


def test_plain_http_is_redirected_to_https(production_responses):
    assert production_responses["http_status"] == 301
    assert production_responses["http_location"].startswith("https://archqa.example.cn/")


def test_the_500_page_shows_nothing_internal(production_responses):
    out = production_responses
    assert out["error_status"] == 500
    body = out["error_body"]
    assert "secret-internal-detail" not in body and "Traceback" not in body and "/work/" not in body
    assert "RuntimeError" not in body and "settings" not in body.lower()
    assert "服务器" in body or "错误" in body
