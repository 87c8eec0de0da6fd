from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from apps.batches.enums import BatchStatus
from apps.batches.models import Batch, MutualCheck, SelfCheck, SpecialInspection

from .builders import ROWS, draft, not_accepted, special_pass, submitted

pytestmark = pytest.mark.django_db


def _base(w):
    return f"/api/v1/projects/{w.project.pk}/"


def test_batch_flow_through_the_api(ready, api):
    pm = api(ready.pm, token=True)
    r = pm.post(_base(ready) + "batches/", {"service_type": "digitization", "unit": "item", "description": "第1批",
                                            "status": "accepted", "number": 99, "project": 12345})
    assert r.status_code == 201, r.content
    data = r.json()
    assert data["status"] == "draft" and data["number"] == 1
    bid = data["id"]
    r = pm.post(f"{_base(ready)}batches/{bid}/items/", {"items": ROWS[:3]})
    assert r.status_code == 201 and r.json()["imported"] == 3
    r = pm.get(f"{_base(ready)}batches/{bid}/items/")
    assert [i["position"] for i in r.json()["results"]] == [1, 2, 3]
    r = pm.post(f"{_base(ready)}batches/{bid}/submit/")
    assert r.status_code == 400 and r.json()["code"] == "illegal_transition" and r.json()["details"]
    r = api(ready.special).post(f"{_base(ready)}batches/{bid}/special-inspections/", {
        "date": timezone.localdate().isoformat(), "checked_count": 3, "conclusion": "passed"})
    assert r.status_code == 201, r.content
    r = pm.get(f"{_base(ready)}batches/{bid}/")
    assert r.json()["submission_refusals"] == [] and len(r.json()["special_inspections"]) == 1
    r = pm.post(f"{_base(ready)}batches/{bid}/submit/")
    assert r.status_code == 200 and r.json()["status"] == "submitted"


def test_item_file_upload_through_the_api(ready, api):
    batch = draft(ready, items=False)
    upload = SimpleUploadedFile("l.csv", "archive_code,pages\nA-1,2\nA-2,\n".encode("utf-8-sig"))
    r = api(ready.pm).post(f"{_base(ready)}batches/{batch.pk}/items/", {"file": upload}, format="multipart")
    assert r.status_code == 201, r.content
    assert batch.items.count() == 2
    bad = SimpleUploadedFile("l.csv", "archive_code,pages\nA-1,zero\nA-1,2\n".encode())
    r = api(ready.pm).post(f"{_base(ready)}batches/{batch.pk}/items/", {"file": bad}, format="multipart")
    assert r.status_code == 400 and len(r.json()["details"]) == 2
    assert batch.items.count() == 2


@pytest.mark.parametrize("payload", [
    {},
    {"items": []},
    {"items": [{"archive_code": ""}]},
    {"items": [{"archive_code": "A", "pages": 0}]},
    {"items": [{"archive_code": "A"}, {"archive_code": "A"}]},
    {"items": "nonsense"},
    {"items": [{"archive_code": "A" * 101}]},
])
def test_bad_item_input(ready, api, payload):
    batch = draft(ready)
    r = api(ready.pm).post(f"{_base(ready)}batches/{batch.pk}/items/", payload)
    assert r.status_code == 400, r.content
    assert batch.items.count() == len(ROWS)


@pytest.mark.parametrize("payload", [
    {"service_type": "bogus"}, {"service_type": "storage"}, {"service_type": "digitization", "quantity": -1},
    {"service_type": "digitization", "unit": "kg"}, {"service_type": "digitization", "description": "x" * 501},
])
def test_bad_batch_input(ready, api, payload):
    assert api(ready.pm).post(_base(ready) + "batches/", payload).status_code == 400
    assert not Batch.objects.exists()


def test_client_does_not_see_drafts(ready, api):
    d = draft(ready)
    s = submitted(ready)
    for who in ("inspector", "regulator"):
        c = api(getattr(ready, who), token=True)
        r = c.get(_base(ready) + "batches/")
        assert [b["id"] for b in r.json()["results"]] == [s.pk]
        assert c.get(f"{_base(ready)}batches/{d.pk}/").status_code == 404
        assert c.get(f"{_base(ready)}batches/{s.pk}/items/").status_code == 200
    r = api(ready.pm).get(_base(ready) + "batches/", {"status": "draft"})
    assert [b["id"] for b in r.json()["results"]] == [d.pk]
    assert api(ready.pm).get(_base(ready) + "batches/", {"status": "bogus"}).status_code == 400


@pytest.mark.parametrize("path", ["batches/", "self-checks/", "mutual-checks/"])
def test_outsiders_get_404(ready, api, path):
    for who in ("outsider", "other_regulator"):
        c = api(getattr(ready, who), token=True)
        assert c.get(_base(ready) + path).status_code == 404
        # A regulator's write is refused (403) before any lookup, whatever the id: nothing is revealed.
        assert c.post(_base(ready) + path, {}).status_code == (404 if who == "outsider" else 403)


def test_outsiders_get_404_on_a_batch(ready, api):
    b = submitted(ready)
    c = api(ready.outsider)
    for suffix in ("", "items/", "special-inspections/"):
        assert c.get(f"{_base(ready)}batches/{b.pk}/{suffix}").status_code == 404
    assert c.post(f"{_base(ready)}batches/{b.pk}/submit/").status_code == 404


def test_regulator_gets_403_on_writes(ready, api):
    b = draft(ready)
    s = submitted(ready)
    c = api(ready.regulator, token=True)
    assert c.post(_base(ready) + "batches/", {"service_type": "digitization"}).status_code == 403
    assert c.post(f"{_base(ready)}batches/{s.pk}/submit/").status_code == 403
    assert c.post(f"{_base(ready)}batches/{s.pk}/items/", {"items": ROWS}).status_code == 403
    assert c.post(_base(ready) + "self-checks/", {}).status_code == 403
    assert c.post(_base(ready) + "mutual-checks/", {}).status_code == 403
    assert Batch.objects.count() == 2 and b.items.count() == len(ROWS)


@pytest.mark.parametrize("who", ["lead", "inspector", "operator", "security"])
def test_wrong_roles_get_403(ready, api, who):
    s = submitted(ready)
    c = api(getattr(ready, who))
    assert c.post(_base(ready) + "batches/", {"service_type": "digitization"}).status_code == 403
    assert c.post(f"{_base(ready)}batches/{s.pk}/submit/").status_code == 403
    assert c.post(f"{_base(ready)}batches/{s.pk}/items/", {"items": ROWS}).status_code == 403
    assert c.post(f"{_base(ready)}batches/{s.pk}/special-inspections/", {}).status_code == 403
    assert c.post(f"{_base(ready)}batches/{s.pk}/resubmit/").status_code == 403
    if who in ("lead", "inspector", "security"):
        assert c.post(_base(ready) + "self-checks/", {}).status_code == 403


def test_special_inspector_cannot_submit(ready, api):
    b = draft(ready)
    special_pass(b, ready)
    r = api(ready.special).post(f"{_base(ready)}batches/{b.pk}/submit/")
    assert r.status_code == 403


def test_the_page_the_api_and_the_service_refuse_with_the_rules_sentence(ready, api, login):
    from html import escape

    from django.conf import settings
    from django.utils import translation

    from apps.batches import services
    from apps.core.errors import PermissionDenied
    from apps.core.permissions import refusal_message

    b = draft(ready)
    special_pass(b, ready)
    sentence = refusal_message("batches.may_submit_batch")
    assert sentence == "Only the contractor's project manager can submit a batch."
    with translation.override(settings.LANGUAGE_CODE):  # the API answers in the site's language
        shown = refusal_message("batches.may_submit_batch")
    r = api(ready.special).post(f"{_base(ready)}batches/{b.pk}/submit/")
    assert r.status_code == 403 and r.json()["detail"] == shown
    page = login(ready.special).post(f"/batches/{b.pk}/submit/")  # the test pages are in English
    assert page.status_code == 403 and escape(sentence) in page.content.decode()
    with pytest.raises(PermissionDenied) as exc:
        services.batch_submit(batch=b, user=ready.special)
    assert exc.value.message == sentence


def test_resubmit_through_the_api(ready, api):
    b = not_accepted(ready)
    r = api(ready.pm).post(f"{_base(ready)}batches/{b.pk}/resubmit/")
    assert r.status_code == 201 and r.json()["resubmission_of"] == b.pk and r.json()["status"] == "draft"
    b.refresh_from_db()
    assert b.status == BatchStatus.RESUBMITTED
    r = api(ready.pm).post(f"{_base(ready)}batches/{b.pk}/resubmit/")
    assert r.status_code == 400 and r.json()["code"] == "illegal_transition"


def test_self_and_mutual_checks_through_the_api(ready, api):
    today = timezone.localdate().isoformat()
    c = api(ready.operator, token=True)
    r = c.post(_base(ready) + "self-checks/", {"operator": ready.operator.pk, "date": today, "process_step": "扫描",
                                              "output_count": 200, "self_checked_count": 150})
    assert r.status_code == 201, r.content
    assert r.json()["incomplete"] is True
    r = c.get(_base(ready) + "self-checks/", {"incomplete": "true"})
    assert r.json()["count"] == 1
    assert c.get(_base(ready) + "self-checks/", {"date_from": "2026-13-01"}).status_code == 400
    r = c.post(_base(ready) + "self-checks/", {"operator": ready.special.pk, "date": today, "process_step": "扫描",
                                              "output_count": 1, "self_checked_count": 1})
    assert r.status_code == 403
    r = c.post(_base(ready) + "self-checks/", {"operator": 999999, "date": today, "process_step": "扫描",
                                              "output_count": 1, "self_checked_count": 1})
    assert r.status_code == 400
    s = api(ready.special)
    body = {"producer": ready.operator.pk, "checker": ready.special.pk, "date": today, "process_step": "扫描",
            "checked_count": 10, "nonconforming_count": 1, "findings": "偏斜"}
    assert s.post(_base(ready) + "mutual-checks/", body).status_code == 201
    r = s.post(_base(ready) + "mutual-checks/", {**body, "producer": ready.special.pk})
    assert r.status_code == 400 and r.json()["field"] == "checker"
    assert s.post(_base(ready) + "mutual-checks/", {**body, "checked_count": "x"}).status_code == 400
    assert s.post(_base(ready) + "mutual-checks/", {**body, "batch": 987654}).status_code == 400
    assert s.get(_base(ready) + "mutual-checks/").json()["count"] == 1
    assert SelfCheck.objects.count() == 1 and MutualCheck.objects.count() == 1


def test_special_inspection_bad_input_api(ready, api):
    b = draft(ready)
    c = api(ready.special)
    url = f"{_base(ready)}batches/{b.pk}/special-inspections/"
    today = timezone.localdate().isoformat()
    for body in [{}, {"date": today, "checked_count": 1, "conclusion": "maybe"},
                 {"date": today, "checked_count": 1, "conclusion": "failed"},
                 {"date": today, "checked_count": 1, "conclusion": "passed", "nonconforming_positions": ["x"]},
                 {"date": today, "checked_count": 1, "conclusion": "passed", "inspector": ready.operator.pk}]:
        assert c.post(url, body).status_code == 400
    assert not SpecialInspection.objects.exists()
