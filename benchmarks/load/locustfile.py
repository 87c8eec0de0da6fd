"""Load scenario: the client's, the contractor's and the regulator's people at work at once.

Run by ``benchmarks/bench_load.py``, which builds the production stack, writes the plan (who
logs in, which projects, tickets, batches and forms each may open or write to: ``LOAD_PLAN``,
a JSON file made by ``benchmarks/load/plan.py``) and starts locust headless with this file.

Each simulated person logs in through the login page, then opens pages, posts forms and downloads
PDF forms with a think time between requests (``LOAD_WAIT``, default 2–6 s). Requests are named
by page, not by URL, so the figures group by what a person does. A request counts as failed when
its answer is not the expected one: a page that is not 200, a form post that does not redirect
(a refused or invalid form answers 200 with the form again, or 403), a PDF that is not a PDF.

Behind the TLS proxy of production: every request carries ``X-Forwarded-Proto: https`` (the
production settings then see a secure request, send Secure cookies and check the Referer of a
form post against the trusted origin), and the cookie policy below sends the Secure cookies
over the loopback's plain HTTP, as the proxy would over TLS.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
from http.cookiejar import DefaultCookiePolicy
from pathlib import Path
from typing import ClassVar

from locust import FastHttpUser, between, events, task

PLAN = json.loads(Path(os.environ["LOAD_PLAN"]).read_text(encoding="utf-8"))
WAIT = tuple(float(x) for x in os.environ.get("LOAD_WAIT", "2,6").split(","))
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
ORIGIN = "https://127.0.0.1"

_accounts = {role: itertools.cycle(PLAN["people"][role]) for role in PLAN["people"]}

# Every request, one line each (start time, name, ms, failed), for the figures over time.
if os.environ.get("LOAD_LOG"):
    _log = open(os.environ["LOAD_LOG"], "w", encoding="utf-8", buffering=1)  # noqa: SIM115 - open for the run

    @events.request.add_listener
    def _record(request_type, name, response_time, exception=None, start_time=None, **_kwargs):
        _log.write(f"{start_time:.3f}\t{request_type} {name}\t{response_time:.1f}\t{int(exception is not None)}\n")


class BehindTLSProxy(DefaultCookiePolicy):
    """Secure cookies go back to the server: on the loopback, the server stands behind the proxy."""

    def return_ok_secure(self, cookie, request) -> bool:
        return True


class Person(FastHttpUser):
    abstract = True
    role = ""
    wait_time = between(*WAIT)
    default_headers: ClassVar[dict] = {"X-Forwarded-Proto": "https", "Accept-Language": "zh-CN"}
    network_timeout = 120.0
    connection_timeout = 30.0

    def on_start(self) -> None:
        self.me = next(_accounts[self.role])
        self.client.cookiejar.set_policy(BehindTLSProxy())
        page = self.page("/accounts/login/", "login page")
        self.post("/accounts/login/", "log in", {"username": self.me["username"], "password": PLAN["password"]},
                  token_from=page)

    # ------------------------------------------------------------------ helpers

    def page(self, url: str, name: str) -> str:
        with self.client.get(url, name=name, allow_redirects=False, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code} for {url}")
                return ""
            return response.text or ""

    def post(self, url: str, name: str, data: dict, *, token_from: str) -> bool:
        """A form post as the browser sends it: the form page's CSRF token, the page as Referer;
        success is the redirect that follows a saved form."""
        token = TOKEN.search(token_from or "")
        if token is None:
            return False  # the form page already failed and was counted
        data = {"csrfmiddlewaretoken": token.group(1), **data}
        with self.client.post(url, name=name, data=data, allow_redirects=False, catch_response=True,
                              headers={"Referer": ORIGIN + url}) as response:
            if response.status_code != 302:
                errors = re.findall(r'class="invalid-feedback[^"]*"[^>]*>([^<]+)', response.text or "")
                response.failure(f"{response.status_code} for {url}: {'; '.join(errors)[:300]}")
                return False
            return True

    def pdf(self, url: str, name: str) -> None:
        with self.client.get(url, name=name, allow_redirects=False, catch_response=True) as response:
            if response.status_code != 200 or not (response.content or b"").startswith(b"%PDF-"):
                response.failure(f"{response.status_code} for {url}, not a PDF")

    def project(self) -> int:
        return random.choice(self.me["projects"])

    def active(self) -> dict:
        return random.choice(self.me["active"])

    # ------------------------------------------------------------------ what everybody opens

    @task(3)
    def project_list(self) -> None:
        self.page("/projects/", "project list")

    @task(5)
    def project_detail(self) -> None:
        self.page(f"/projects/{self.project()}/", "project page")

    @task(3)
    def problems(self) -> None:
        self.page("/problems/", "problems work list")

    @task(2)
    def ticket(self) -> None:
        if self.me["tickets"]:
            self.page(f"/problems/{random.choice(self.me['tickets'])}/", "ticket page")

    @task(1)
    def notifications(self) -> None:
        self.page("/notifications/", "notifications")

    @task(1)
    def annex_a(self) -> None:
        self.pdf(f"/reports/forms/annex_a/{self.project()}/", "PDF Annex A (in request)")


class Client(Person):
    """发包方: the client's project lead and quality inspector."""

    weight = 2
    role = "client"

    @task(2)
    def project_problems(self) -> None:
        self.page(f"/problems/projects/{self.active()['project']}/", "project problems page")

    @task(1)
    def patrols(self) -> None:
        self.page(f"/inspections/projects/{self.active()['project']}/patrols/", "patrol list")

    @task(2)
    def ledger(self) -> None:
        self.page(f"/inspections/projects/{self.active()['project']}/ledger/", "inspection ledger")

    @task(1)
    def batches(self) -> None:
        self.page(f"/batches/projects/{self.active()['project']}/", "batch list")

    @task(1)
    def lot_inspections(self) -> None:
        self.page(f"/lot-inspection/projects/{self.active()['project']}/", "sampling inspections page")

    @task(1)
    def control(self) -> None:
        self.page(f"/control/projects/{self.project()}/", "project control page")

    @task(1)
    def record_patrol(self) -> None:
        url = f"/inspections/projects/{self.active()['project']}/patrols/new/"
        form = self.page(url, "patrol form")
        self.post(url, "record a patrol (POST)", {
            "patrolled_on": PLAN["today"], "content": "检查扫描工位操作规程执行情况、档案交接登记和安全保密措施。",
            "findings": "扫描区有1卷档案未及时归还暂存架。", "requirements": "当日工作结束前归还并登记，班组长每日核查。",
        }, token_from=form)

    @task(1)
    def raise_ticket(self) -> None:
        url = f"/problems/projects/{self.active()['project']}/new/"
        form = self.page(url, "ticket form")
        self.post(url, "raise a ticket (POST)", {
            "source": "patrol", "found_on": PLAN["today"], "severity": "general", "title": "部分图像页码标注不连续",
            "description": "巡查抽看第2批次图像，发现3件档案页码标注不连续。",
            "requirement": "逐件核对页码并重新标注，同批次全部排查。", "due_date": PLAN["due_date"],
            "responsible_unit": "", "note": "",
        }, token_from=form)

    @task(1)
    def annex_b(self) -> None:
        self.pdf(f"/reports/forms/annex_b/{self.active()['project']}/", "PDF Annex B (in request)")

    @task(1)
    def annex_d(self) -> None:
        if self.me["tickets"]:
            self.pdf(f"/problems/{random.choice(self.me['tickets'])}/annex-d.pdf", "PDF Annex D (in request)")

    @task(1)
    def project_history(self) -> None:
        """The project's change history, a large form (the benchmark counts every history as
        large): the stored copy when current; otherwise the page asking for it (the person asks:
        POST) or saying that the worker is printing it."""
        url = f"/reports/forms/project_history/{self.active()['project']}/"
        with self.client.get(url, name="PDF history (large: page or stored copy)", allow_redirects=False,
                             catch_response=True) as response:
            status, body = response.status_code, response.text or ""
            location = response.headers.get("Location", "") if status == 302 else ""
            if status == 302 and location.startswith("/attachments/"):
                pass
            elif status == 202 or (status == 200 and TOKEN.search(body)):
                pass  # being printed, or the page that asks for it
            else:
                response.failure(f"{status} for {url}")
                return
        if location:
            self.pdf(location, "PDF history (stored copy download)")
        elif status == 200:
            self.post(url, "ask for the history PDF (POST)", {}, token_from=body)


class Contractor(Person):
    """承包方: the contractor's project manager, special inspector and operator."""

    weight = 2
    role = "contractor"

    @task(2)
    def batches(self) -> None:
        self.page(f"/batches/projects/{self.active()['project']}/", "batch list")

    @task(2)
    def batch(self) -> None:
        if self.me["batches"]:
            self.page(f"/batches/{random.choice(self.me['batches'])}/", "batch page")

    @task(2)
    def record_self_check(self) -> None:
        target = self.active()
        url = f"/batches/projects/{target['project']}/checks/"
        form = self.page(url, "three-level checks page")
        self.post(f"{url}self/", "record a self-check (POST)", {
            "self-operator": target["operator"], "self-date": PLAN["today"], "self-process_step": "扫描",
            "self-output_count": "320", "self-self_checked_count": "320", "self-nonconforming_count": "2",
            "self-findings": "2页偏斜已重扫", "self-batch": "",
        }, token_from=form)

    @task(1)
    def annex_d(self) -> None:
        if self.me["tickets"]:
            self.pdf(f"/problems/{random.choice(self.me['tickets'])}/annex-d.pdf", "PDF Annex D (in request)")


class Regulator(Person):
    """监管机构: the archive bureau, read-only."""

    weight = 1
    role = "regulator"

    @task(2)
    def control(self) -> None:
        self.page(f"/control/projects/{self.project()}/", "project control page")

    @task(1)
    def ledger(self) -> None:
        self.page(f"/inspections/projects/{self.active()['project']}/ledger/", "inspection ledger")

    @task(1)
    def project_problems(self) -> None:
        self.page(f"/problems/projects/{self.active()['project']}/", "project problems page")

    @task(1)
    def annex_b(self) -> None:
        self.pdf(f"/reports/forms/annex_b/{self.active()['project']}/", "PDF Annex B (in request)")
