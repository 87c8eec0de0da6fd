from __future__ import annotations

import io
import json

import pytest

from apps.batches.enums import BatchStatus
from apps.lot_inspection.enums import Decision, ItemResult
from apps.lot_inspection.models import LotInspection

from .builders import all_conforming, open_for, submitted_batch

pytestmark = pytest.mark.django_db


def test_open_through_the_page(w, login):
    batch = submitted_batch(w, items=80)
    client = login(w.inspector)
    page = client.get(f"/lot-inspection/projects/{w.project.pk}/").content.decode()
    assert f"/lot-inspection/batches/{batch.pk}/open/" in page
    preview = client.get(f"/lot-inspection/batches/{batch.pk}/open/")
    assert preview.status_code == 200 and "Ac" in preview.content.decode()
    response = client.post(f"/lot-inspection/batches/{batch.pk}/open/", {"status": "decided"})
    inspection = LotInspection.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/lot-inspection/{inspection.pk}/entry/"
    assert inspection.status == "open"
    # Twice: a message, nothing new.
    response = client.post(f"/lot-inspection/batches/{batch.pk}/open/", follow=True)
    assert "already has a sampling inspection" in response.content.decode()
    assert LotInspection.objects.count() == 1


def test_entry_page_saves_json_payload_and_plain_post(w, login):
    inspection = open_for(w, items=60)
    items = list(inspection.items.order_by("position"))
    client = login(w.inspector)
    page = client.get(f"/lot-inspection/{inspection.pk}/entry/")
    assert page.status_code == 200 and f'name="r{items[0].pk}"' in page.content.decode()
    payload = [{"id": items[0].pk, "version": 1, "result": "defective", "defects": "DIG-G1", "measurements": {},
                "note": "偏斜"}, {"id": items[1].pk, "version": 1, "result": "conforming", "measurements": {"dpi": "300"}}]
    response = client.post(f"/lot-inspection/{inspection.pk}/entry/", {"payload": json.dumps(payload)},
                           HTTP_ACCEPT="application/json")
    assert response.status_code == 200, response.content
    assert response.json()["saved"] == 2 and response.json()["versions"][str(items[0].pk)] == 2
    # Plain form post (no JavaScript).
    response = client.post(f"/lot-inspection/{inspection.pk}/entry/", {
        f"v{items[2].pk}": "1", f"r{items[2].pk}": "conforming", f"d{items[2].pk}": "", f"n{items[2].pk}": ""})
    assert response.status_code == 302
    assert inspection.items.exclude(result=ItemResult.PENDING).count() == 3


def test_entry_bad_input_is_400_and_changes_nothing(w, login):
    inspection = open_for(w, items=30)
    item = inspection.items.first()
    client = login(w.inspector)
    url = f"/lot-inspection/{inspection.pk}/entry/"
    for payload in ["not json", json.dumps({"a": 1}), json.dumps([{"id": "x"}]),
                    json.dumps([{"id": item.pk, "result": "maybe"}]),
                    json.dumps([{"id": item.pk, "result": "defective", "defects": "NOPE"}]),
                    json.dumps([{"id": item.pk, "result": "conforming", "measurements": {"dpi": "abc"}}])]:
        response = client.post(url, {"payload": payload}, HTTP_ACCEPT="application/json")
        assert response.status_code == 400, payload
    response = client.post(url, {"payload": "[{"}, follow=True)
    assert response.status_code == 200
    assert not inspection.items.exclude(result=ItemResult.PENDING).exists()


def test_import_page(w, login):
    inspection = open_for(w, items=30)
    positions = inspection.items.values_list("position", flat=True)
    csv_text = "位置,结果\n" + "".join(f"{p},合格\n" for p in positions)
    upload = io.BytesIO(("\ufeff" + csv_text).encode("utf-8"))
    upload.name = "r.csv"
    client = login(w.lead)
    response = client.post(f"/lot-inspection/{inspection.pk}/import/", {"file": upload})
    assert response.status_code == 302
    assert not inspection.items.filter(result=ItemResult.PENDING).exists()


def test_import_page_bad_file_shows_errors(w, login):
    inspection = open_for(w, items=30)
    upload = io.BytesIO(b"position,result\n99999,maybe\n")
    upload.name = "r.csv"
    response = login(w.lead).post(f"/lot-inspection/{inspection.pk}/import/", {"file": upload})
    assert response.status_code == 200 and "row 2" in response.content.decode()


def test_decide_page_and_detail(w, login):
    inspection = open_for(w, items=40)
    client = login(w.inspector)
    page = client.get(f"/lot-inspection/{inspection.pk}/decide/").content.decode()
    assert "no result yet" in page
    all_conforming(inspection, w.inspector)
    assert client.post(f"/lot-inspection/{inspection.pk}/decide/").status_code == 302
    inspection.refresh_from_db()
    assert inspection.decision == Decision.ACCEPTED
    inspection.batch.refresh_from_db()
    assert inspection.batch.status == BatchStatus.ACCEPTED
    response = client.post(f"/lot-inspection/{inspection.pk}/decide/", follow=True)
    assert "already been decided" in response.content.decode()
    assert client.get(f"/lot-inspection/{inspection.pk}/entry/").status_code == 302


def test_contractor_sees_the_sample_only_once_decided(w, login):
    inspection = open_for(w, items=40)
    code = inspection.items.select_related("batch_item").first().batch_item.archive_code
    pm = login(w.pm)
    page = pm.get(f"/lot-inspection/{inspection.pk}/").content.decode()
    assert code not in page
    assert pm.get(f"/lot-inspection/{inspection.pk}/sample.csv").status_code == 403
    assert pm.get(f"/lot-inspection/{inspection.pk}/entry/").status_code == 403
    all_conforming(inspection, w.inspector)
    from apps.lot_inspection import services

    services.lot_inspection_decide(inspection=inspection, user=w.inspector)
    assert code in pm.get(f"/lot-inspection/{inspection.pk}/").content.decode()
    csv_response = pm.get(f"/lot-inspection/{inspection.pk}/sample.csv")
    assert csv_response.status_code == 200 and code in csv_response.content.decode("utf-8-sig")


@pytest.mark.parametrize("who", ["lead", "inspector", "pm", "regulator"])
def test_project_and_summary_pages_for_viewers(w, login, who):
    inspection = open_for(w, items=20)
    client = login(getattr(w, who))
    assert client.get(f"/lot-inspection/projects/{w.project.pk}/").status_code == 200
    assert client.get(f"/lot-inspection/projects/{w.project.pk}/summary/").status_code == 200
    assert client.get(f"/lot-inspection/{inspection.pk}/").status_code == 200


def test_outsiders_get_404_everywhere(w, login):
    batch = submitted_batch(w, items=10)
    inspection = open_for(w, items=20)
    for user in (w.outsider, w.other_regulator):
        client = login(user)
        for url in [f"/lot-inspection/projects/{w.project.pk}/", f"/lot-inspection/projects/{w.project.pk}/summary/",
                    f"/lot-inspection/batches/{batch.pk}/open/", f"/lot-inspection/{inspection.pk}/",
                    f"/lot-inspection/{inspection.pk}/entry/", f"/lot-inspection/{inspection.pk}/import/",
                    f"/lot-inspection/{inspection.pk}/decide/", f"/lot-inspection/{inspection.pk}/sample.csv"]:
            assert client.get(url).status_code == 404, url


def test_regulator_and_wrong_roles_cannot_write(w, login):
    batch = submitted_batch(w, items=10)
    inspection = open_for(w, items=20)
    for user in (w.regulator, w.pm, w.operator, w.acceptance):
        client = login(user)
        assert client.post(f"/lot-inspection/batches/{batch.pk}/open/").status_code == 403
        assert client.post(f"/lot-inspection/{inspection.pk}/entry/", {"payload": "[]"}).status_code == 403
        assert client.post(f"/lot-inspection/{inspection.pk}/decide/").status_code == 403
    assert LotInspection.objects.count() == 1


def test_entry_page_renders_2000_items_with_constant_queries(w, login, django_assert_max_num_queries):
    inspection = open_for(w, items=2000)
    client = login(w.inspector)
    client.get(f"/lot-inspection/{inspection.pk}/entry/")
    with django_assert_max_num_queries(25):
        response = client.get(f"/lot-inspection/{inspection.pk}/entry/")
    assert response.content.decode().count('type="radio"') == 3 * inspection.sample_size


def test_defect_evidence_is_attached_by_client_inspectors_while_open(w, login):
    from django.core.files.base import ContentFile

    from apps.attachments.services import attachment_add
    from apps.core.errors import PermissionDenied
    from apps.lot_inspection import services
    from apps.lot_inspection.models import ItemDefect

    inspection = open_for(w, items=60)
    first = inspection.items.order_by("position").first()
    all_conforming(inspection, w.inspector, except_positions={first.position: ["DIG-G1"]})
    defect = ItemDefect.objects.get()
    url = f"/lot-inspection/defects/{defect.pk}/evidence/"
    detail = login(w.inspector).get(f"/lot-inspection/{inspection.pk}/").content.decode()
    assert url in detail
    page = login(w.inspector).get(url)
    assert page.status_code == 200 and "DIG-G1" in page.content.decode()
    photo = ContentFile(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, name="偏斜.png")
    with pytest.raises(PermissionDenied):  # the contractor adds no evidence to the client's finding
        attachment_add(record=defect, project=w.project, user=w.pm, uploaded_file=photo, kind="evidence")
    attachment_add(record=defect, project=w.project, user=w.inspector, uploaded_file=photo, kind="evidence")
    # The contractor sees neither the finding nor its evidence before the decision; outsiders never.
    assert login(w.pm).get(url).status_code == 404
    assert login(w.outsider).get(url).status_code == 404
    assert login(w.regulator).get(url).status_code == 200
    services.lot_inspection_decide(inspection=inspection, user=w.lead)
    body = login(w.pm).get(url).content.decode()
    assert "偏斜.png" in body
    with pytest.raises(PermissionDenied):  # decided: the record stays as decided
        attachment_add(record=ItemDefect.objects.get(pk=defect.pk), project=w.project, user=w.inspector,
                       uploaded_file=ContentFile(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, name="late.png"),
                       kind="evidence")
    assert login(w.inspector).get("/lot-inspection/defects/999999/evidence/").status_code == 404
