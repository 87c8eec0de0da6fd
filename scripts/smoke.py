"""Production smoke test (run by scripts/smoke.sh, which installs what it needs first).

``python scripts/smoke.py`` builds the production stack (``production_stack.Stack``: a fresh
database with the demo data, gunicorn and a Celery worker), runs the checks and stops it;
``python scripts/smoke.py PORT`` only runs the checks against a server already listening there.

The checks talk to gunicorn on the loopback address as a browser behind the TLS proxy would
(the proxy's ``X-Forwarded-Proto: https``), keeping cookies themselves so that Secure cookies
are sent. Exits non-zero naming the first check that failed.
"""

from __future__ import annotations

import http.client
import os
import re
import sys
import time
from http.cookies import SimpleCookie
from urllib.parse import urlencode, urlsplit

from production_stack import ROOT, Stack, say

PASSWORD = "Demo-2026-archqa"
ROLES = ["client_lead", "client_inspector", "contractor_pm", "special_inspector", "operator", "security_officer",
         "regulator", "expert"]


class Browser:
    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, body: dict | None = None, headers: dict | None = None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        head = {"Host": "127.0.0.1", "X-Forwarded-Proto": "https", "Accept-Language": "zh-CN",
                **(headers or {})}
        if self.cookies:
            head["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        data = None
        if body is not None:
            data = urlencode(body)
            head["Content-Type"] = "application/x-www-form-urlencoded"
            head["Referer"] = f"https://127.0.0.1{path}"
        conn.request(method, path, body=data, headers=head)
        response = conn.getresponse()
        content = response.read()
        for value in response.headers.get_all("Set-Cookie") or []:
            cookie = SimpleCookie()
            cookie.load(value)
            for key, morsel in cookie.items():
                if morsel["max-age"] == "0" or morsel.value == "":
                    self.cookies.pop(key, None)
                else:
                    self.cookies[key] = morsel.value
        conn.close()
        return response, content

    def login(self, username: str) -> None:
        response, content = self.request("GET", "/accounts/login/")
        check(response.status == 200, f"login page answers {response.status}")
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', content)
        check(token is not None, "login page has a CSRF token")
        response, _ = self.request("POST", "/accounts/login/", {
            "csrfmiddlewaretoken": token.group(1).decode(), "username": username, "password": PASSWORD})
        check(response.status == 302, f"{username} logs in (answer {response.status})")
        session = [c for c in response.headers.get_all("Set-Cookie") or [] if c.startswith("sessionid=")]
        check(bool(session) and "Secure" in session[0] and "HttpOnly" in session[0],
              "the session cookie is Secure and HttpOnly")


def check(ok: bool, what: str) -> None:
    if not ok:
        print(f"SMOKE FAILED: {what}", file=sys.stderr)
        sys.exit(1)
    print(f"ok  {what}")


def main(port: int) -> None:
    anonymous = Browser(port)
    response, content = anonymous.request("GET", "/accounts/login/")
    check(response.status == 200 and "登录".encode() in content, "the login page, in Chinese")
    check("max-age=31536000" in (response.headers.get("Strict-Transport-Security") or ""), "HSTS header")
    asset = re.search(rb'href="(/static/[^"]+\.[0-9a-f]{12}\.css)"', content)
    check(asset is not None, "the page links a hashed static asset")
    response, css = anonymous.request("GET", asset.group(1).decode())
    check(response.status == 200 and len(css) > 1000, f"WhiteNoise serves {asset.group(1).decode()}")
    check("max-age" in (response.headers.get("Cache-Control") or ""), "the hashed asset is cached for long")

    for role in ROLES:
        browser = Browser(port)
        browser.login(role)
        response, content = browser.request("GET", "/projects/")
        check(response.status == 200 and "项目".encode() in content, f"{role} sees the project list")
        first = re.search(rb'href="/projects/(\d+)/"', content)
        if first:
            response, _ = browser.request("GET", f"/projects/{first.group(1).decode()}/")
            check(response.status == 200, f"{role} opens a project page")

    lead = Browser(port)
    lead.login("client_lead")
    _, content = lead.request("GET", "/projects/")
    project_id = re.search(rb'href="/projects/(\d+)/"', content).group(1).decode()
    url = f"/reports/forms/project_history/{project_id}/"
    response, page = lead.request("GET", url)
    if response.status == 200:  # no stored copy yet: ask for one, as the page's button does
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        check(token is not None, "the form page offers to generate the PDF")
        response, _ = lead.request("POST", url, {"csrfmiddlewaretoken": token.group(1).decode()})
        check(response.status == 302, f"the project history form is queued for the worker ({response.status})")
        response, _ = lead.request("GET", url)
    check(response.status in (202, 302), f"the project history form is being generated ({response.status})")
    deadline = time.monotonic() + 120
    while response.status == 202 and time.monotonic() < deadline:
        time.sleep(1)
        response, _ = lead.request("GET", url)
    check(response.status == 302, "the worker generated the form")
    location = urlsplit(response.headers["Location"]).path
    response, pdf = lead.request("GET", location)
    check(response.status == 200 and pdf.startswith(b"%PDF-") and len(pdf) > 1000, "the PDF form downloads")


def run() -> None:
    started = time.monotonic()
    stack = Stack(database_url=os.environ.get("SMOKE_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/archqa_smoke"),
                  redis_url=os.environ.get("SMOKE_REDIS_URL", "redis://127.0.0.1:6379/14"),
                  workdir=ROOT / "var" / "smoke",
                  # Every project's history counts as large: the form goes through the worker.
                  env={"FORMS_LARGE_HISTORY_ROWS": "0"})
    with stack:
        stack.prepare(check_deploy=True)
        stack.start()
        try:
            main(stack.port)
        except BaseException:
            stack.print_logs()
            print("\033[31mThe production smoke test failed.\033[0m", file=sys.stderr)
            raise
    say(f"Smoke test passed in {time.monotonic() - started:.0f} s")


if __name__ == "__main__":
    if len(sys.argv) > 1:
        main(int(sys.argv[1]))
    else:
        run()
