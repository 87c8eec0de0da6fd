from __future__ import annotations

import pytest

from apps.lot_inspection.enums import ItemResult
from apps.lot_inspection.models import LotInspection

from .builders import all_conforming, open_for, submitted_batch

pytestmark = pytest.mark.django_db


def _base(w):
    return f"/api/v1/projects/{w.project.pk}/lot-inspections/"


def test_open_record_decide_through_the_api(w, api):
    batch = submitted_batch(w, items=200)  # sample 50: one general defect leaves 98 %
    client = api(w.inspector, token=True)
    response = client.post(_base(w), {"batch": batch.pk, "status": "decided"})
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["status"] == "open" and data["sample_size"] >= 1
    items = client.get(f"{_base(w)}{data['id']}/items/?page_size=100").json()["results"]
    rows = [{"position": it["position"], "result": "conforming"} for it in items]
    rows[0] = {"position": items[0]["position"], "defects": ["DIG-G1"], "measurements": {"skew_deg": "2"}}
    response = client.post(f"{_base(w)}{data['id']}/items/", {"items": rows})
    assert response.status_code == 200, response.content
    assert response.json() == {"saved": len(rows), "pending": 0}
    response = client.post(f"{_base(w)}{data['id']}/decide/")
    assert response.status_code == 200 and response.json()["decision"] == "accepted"
    assert client.post(f"{_base(w)}{data['id']}/decide/").json()["code"] == "illegal_transition"
    rate = client.get(f"{_base(w)}escape-rate/").json()
    assert rate["escaped"] == 1 and rate["base"] == len(rows)


def test_bad_input_is_400_and_changes_nothing(w, api):
    inspection = open_for(w, items=30)
    client = api(w.inspector)
    url = f"{_base(w)}{inspection.pk}/items/"
    for body in [{}, {"items": []}, {"items": [{"result": "conforming"}]}, {"items": [{"position": 0}]},
                 {"items": [{"position": 1, "result": "perhaps"}]},
                 {"items": [{"id": 10**20, "result": "conforming"}]}]:
        assert client.post(url, body).status_code == 400, body
    missing = next(p for p in range(1, 31) if not inspection.items.filter(position=p).exists()) \
        if inspection.sample_size < 30 else 31
    response = client.post(url, {"items": [{"position": missing, "result": "conforming"}]})
    assert response.status_code == 400 and response.json()["details"]
    assert client.post(_base(w), {"batch": "x"}).status_code == 400
    assert client.post(_base(w), {"batch": 999999}).status_code == 400
    assert client.get(f"{_base(w)}escape-rate/?service_type=bogus").status_code == 400
    assert not inspection.items.exclude(result=ItemResult.PENDING).exists()


def test_outsider_404_regulator_403_wrong_role_403(w, api):
    batch = submitted_batch(w, items=10)
    inspection = open_for(w, items=20)
    for user in (w.outsider, w.other_regulator):
        client = api(user)
        assert client.get(_base(w)).status_code == 404
        assert client.get(f"{_base(w)}{inspection.pk}/").status_code == 404
    assert api(w.outsider).post(f"{_base(w)}{inspection.pk}/decide/").status_code == 404
    regulator = api(w.regulator, token=True)
    assert regulator.get(f"{_base(w)}{inspection.pk}/").status_code == 200
    assert regulator.post(_base(w), {"batch": batch.pk}).status_code == 403
    assert regulator.post(f"{_base(w)}{inspection.pk}/decide/").status_code == 403
    for user in (w.pm, w.special, w.operator):
        client = api(user)
        assert client.post(_base(w), {"batch": batch.pk}).status_code == 403
        assert client.post(f"{_base(w)}{inspection.pk}/items/", {"items": [{"position": 1}]}).status_code == 403
        assert client.post(f"{_base(w)}{inspection.pk}/decide/").status_code == 403
        # The sample is hidden from the contractor while the inspection is open.
        assert client.get(f"{_base(w)}{inspection.pk}/items/").status_code == 403
    assert LotInspection.objects.count() == 1


def test_contractor_reads_results_once_decided(w, api):
    inspection = open_for(w, items=20)
    all_conforming(inspection, w.inspector)
    api(w.lead).post(f"{_base(w)}{inspection.pk}/decide/")
    response = api(w.pm).get(f"{_base(w)}{inspection.pk}/items/")
    assert response.status_code == 200 and response.json()["count"] == inspection.sample_size
