"""Production smoke test, the client half (scripts/smoke.sh starts the server and the worker).

Talks to gunicorn on the loopback address as a browser behind the TLS proxy would (the proxy's
``X-Forwarded-Proto: https``), keeping cookies itself so that Secure cookies are sent. Exits
non-zero naming the first check that failed.
"""

from __future__ import annotations

import http.client
import re
import sys
import time
from http.cookies import SimpleCookie
from urllib.parse import urlencode, urlsplit

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
    response, _ = lead.request("GET", url)
    check(response.status in (202, 302), f"the project history form is queued for the worker ({response.status})")
    deadline = time.monotonic() + 120
    while response.status == 202 and time.monotonic() < deadline:
        time.sleep(1)
        response, _ = lead.request("GET", url)
    check(response.status == 302, "the worker generated the form")
    location = urlsplit(response.headers["Location"]).path
    response, pdf = lead.request("GET", location)
    check(response.status == 200 and pdf.startswith(b"%PDF-") and len(pdf) > 1000, "the PDF form downloads")


if __name__ == "__main__":
    main(int(sys.argv[1]))
