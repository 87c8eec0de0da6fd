"""Two simultaneous submits of the same form, or of the same API request with one Idempotency-Key,
produce one record (security row 19, apps/core/submission.py)."""

from __future__ import annotations

import re
import threading

import pytest
from django.db import connection
from django.test import Client

from apps.core.submission import FIELD
from apps.rectification.models import RectificationTicket

from .test_views import _form


def _token(page: str) -> str:
    return re.search(rf'name="{FIELD}" value="([0-9a-f]+)"', page).group(1)


def _simultaneously(*calls):
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(i, call):
        try:
            barrier.wait()
            results[i] = call()
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_submits_of_the_issue_form_make_one_ticket(w):
    url = f"/problems/projects/{w.project.pk}/new/"
    browser = Client()
    browser.force_login(w.inspector)
    data = {**_form(), FIELD: _token(browser.get(url).content.decode())}
    clients = []
    for _ in range(2):  # two tabs of the same session, one form
        c = Client()
        c.cookies = browser.cookies
        clients.append(c)
    responses = _simultaneously(*[lambda c=c: c.post(url, data) for c in clients])
    assert sorted(r.status_code for r in responses) == [302, 409]
    assert RectificationTicket.objects.filter(project=w.project).count() == 1
    duplicate = next(r for r in responses if r.status_code == 409).content.decode()
    assert "已提交" in duplicate or "already been submitted" in duplicate


@pytest.mark.django_db
def test_a_resent_form_is_refused_and_a_corrected_one_accepted(w, login):
    url = f"/problems/projects/{w.project.pk}/new/"
    c = login(w.inspector)
    token = _token(c.get(url).content.decode())
    bad = c.post(url, {**_form(title=""), FIELD: token})
    assert bad.status_code == 200 and not RectificationTicket.objects.exists()
    assert c.post(url, {**_form(), FIELD: token}).status_code == 302  # the same page, corrected
    assert c.post(url, {**_form(), FIELD: token}).status_code == 409  # sent again
    assert RectificationTicket.objects.count() == 1


@pytest.mark.django_db
def test_the_same_idempotency_key_creates_one_ticket_through_the_api(w, api):
    client = api(w.inspector, token=True)
    url = f"/api/v1/projects/{w.project.pk}/rectification-tickets/"
    body = {k: v for k, v in _form().items() if v != ""}
    first = client.post(url, body, HTTP_IDEMPOTENCY_KEY="req-7f3a")
    assert first.status_code == 201, first.content
    again = client.post(url, body, HTTP_IDEMPOTENCY_KEY="req-7f3a")
    assert again.status_code == 409 and again.json()["code"] == "duplicate_submission"
    assert RectificationTicket.objects.count() == 1
    other = client.post(url, body, HTTP_IDEMPOTENCY_KEY="req-8b1c")
    assert other.status_code == 201
