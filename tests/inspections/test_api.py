from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from apps.inspections import services
from apps.inspections.models import KeyNodeCheck, LedgerEntry, Patrol

pytestmark = pytest.mark.django_db


def _base(world):
    return f"/api/v1/projects/{world.project.pk}/"


def _patrol():
    return {"patrolled_on": timezone.localdate().isoformat(), "content": "巡查库房温湿度",
            "findings": "湿度65%", "requirements": "开启除湿机"}


def test_record_and_read_a_patrol(impl, api):
    response = api(impl.inspector, token=True).post(_base(impl) + "patrols/", {
        **_patrol(), "inspectors": [impl.inspector.pk, impl.lead.pk], "created_by": impl.pm.pk, "version": 9})
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["version"] == 1 and data["created_by"]["id"] == impl.inspector.pk
    assert {u["id"] for u in data["inspectors"]} == {impl.inspector.pk, impl.lead.pk}
    listing = api(impl.pm).get(_base(impl) + "patrols/").json()
    assert listing["count"] == 1 and listing["results"][0]["id"] == data["id"]
    assert api(impl.pm).get(_base(impl) + f"patrols/{data['id']}/").status_code == 200
    ledger = api(impl.regulator, token=True).get(_base(impl) + "ledger/").json()
    assert ledger["count"] == 1 and ledger["results"][0]["problems"] == "湿度65%"


@pytest.mark.parametrize("data", [
    {"content": ""}, {"patrolled_on": "yesterday"}, {"patrolled_on": "2099-01-01"}, {"findings": "x", "requirements": ""},
    {"inspectors": ["a"]}, {"inspectors": [999999]}, {"content": "x" * 3000},
])
def test_bad_patrol_is_400_and_changes_nothing(impl, api, data):
    response = api(impl.inspector).post(_base(impl) + "patrols/", {**_patrol(), **data})
    assert response.status_code == 400, response.content
    assert response.json()["detail"]
    assert not Patrol.objects.exists() and not LedgerEntry.objects.exists()


def test_patrol_in_preparation_is_400(world, api):
    response = api(world.inspector).post(_base(world) + "patrols/", _patrol())
    assert response.status_code == 400 and response.json()["code"] == "illegal_transition"


@pytest.mark.parametrize("who", ["pm", "special", "acceptance"])
def test_wrong_role_is_403(impl, api, who):
    client = api(getattr(impl, who))
    assert client.post(_base(impl) + "patrols/", _patrol()).status_code == 403
    assert client.post(_base(impl) + "key-node-checks/", {}).status_code == 403
    assert not Patrol.objects.exists()


def test_regulator_reads_but_cannot_write(impl, api):
    client = api(impl.regulator, token=True)
    assert client.get(_base(impl) + "patrols/").status_code == 200
    assert client.get(_base(impl) + "check-items/").status_code == 200
    assert client.post(_base(impl) + "patrols/", _patrol()).status_code == 403
    assert client.post(_base(impl) + "key-node-checks/", {}).status_code == 403


@pytest.mark.parametrize("who", ["outsider", "other_regulator"])
def test_outsider_gets_404(impl, api, who):
    p = services.patrol_create(project=impl.project, user=impl.inspector, patrolled_on=timezone.localdate(),
                               content="巡查")
    client = api(getattr(impl, who), token=True)
    for path in ["patrols/", f"patrols/{p.pk}/", "key-node-checks/", "ledger/", "check-items/", "defect-types/"]:
        assert client.get(_base(impl) + path).status_code == 404, path
    # A regulator's writes are refused (403) before any lookup, whatever the project (docs/api.md).
    assert client.post(_base(impl) + "patrols/", _patrol()).status_code == (404 if who == "outsider" else 403)


def test_key_node_check_via_api(impl, api):
    client = api(impl.lead)
    response = client.post(_base(impl) + "key-node-checks/", {
        "node": "成果移交", "checked_on": timezone.localdate().isoformat(), "content": "核对移交清单",
        "result": "nonconforming", "findings": "缺2卷", "requirements": "补齐", "inspector": impl.inspector.pk})
    assert response.status_code == 201, response.content
    assert response.json()["inspector"]["id"] == impl.inspector.pk
    response = client.post(_base(impl) + "key-node-checks/", {
        "node": "成果移交", "checked_on": timezone.localdate().isoformat(), "content": "x", "result": "nonconforming"})
    assert response.status_code == 400
    response = client.post(_base(impl) + "key-node-checks/", {
        "node": "x", "checked_on": timezone.localdate().isoformat(), "content": "x", "result": "conforming",
        "inspector": impl.pm.pk})
    assert response.status_code == 400
    assert KeyNodeCheck.objects.count() == 1
    assert client.get(_base(impl) + "key-node-checks/").json()["count"] == 1


def test_catalogue_endpoints(impl, api):
    client = api(impl.pm)
    items = client.get(_base(impl) + "check-items/", {"page_size": 100}).json()
    assert items["count"] == 10 and items["results"][0]["name"] == "图像分辨率"
    assert items["results"][0]["min_value"] == "300.000"
    defects = client.get(_base(impl) + "defect-types/", {"grade": "fatal"}).json()
    assert defects["count"] == 4
    assert client.get(_base(impl) + "defect-types/", {"grade": "minor"}).status_code == 400
    assert client.get(_base(impl) + "check-items/", {"service_type": "nonsense"}).status_code == 400
    assert client.post(_base(impl) + "check-items/", {}).status_code == 405
    assert client.get(_base(impl) + "check-items/999999/").status_code == 404


def test_ledger_filters_via_api(impl, api):
    now = timezone.now()
    LedgerEntry.objects.bulk_create([
        LedgerEntry(project=impl.project, kind="patrol" if i % 2 else "sampling", occurred_at=now - dt.timedelta(hours=i),
                    content=f"检查{i}", problems="问题" if i % 4 == 0 else "", has_problems=i % 4 == 0, batch_id=i % 3 or None)
        for i in range(40)])
    client = api(impl.lead)
    assert client.get(_base(impl) + "ledger/", {"kind": "patrol"}).json()["count"] == 20
    assert client.get(_base(impl) + "ledger/", {"problems": "true"}).json()["count"] == 10
    assert client.get(_base(impl) + "ledger/", {"batch": 1}).json()["count"] == 13
    page = client.get(_base(impl) + "ledger/", {"page_size": 15, "page": 3}).json()
    assert len(page["results"]) == 10 and page["has_next"] is False
    for bad in [{"kind": "x"}, {"date_from": "x"}, {"page_size": 1000}, {"inspector": "abc"},
                {"date_from": "2026-11-10", "date_to": "2026-11-01"}]:
        response = client.get(_base(impl) + "ledger/", bad)
        assert response.status_code == 400, bad
    assert client.post(_base(impl) + "ledger/", {}).status_code == 405
