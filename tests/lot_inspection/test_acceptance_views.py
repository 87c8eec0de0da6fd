"""The pages and the API of an acceptance inspection (验收抽检): the detail, entry, import, decide
pages and the sample list work for it; the project page lists it apart from the batches'."""

from __future__ import annotations

import io
import json

import pytest

from apps.accounts.enums import OrgKind, ProjectRole
from apps.lot_inspection.enums import Decision, ItemResult, Purpose
from apps.lot_inspection.models import LotInspection
from apps.projects import services as project_services

from ..factories import OrganizationFactory, UserFactory
from .builders import acceptance_for, accepted_batch, in_acceptance, name_to_team

pytestmark = pytest.mark.django_db


@pytest.fixture
def acc(w):
    """An open acceptance inspection over batch 1 (item list of 60) and batch 2 (quantity 40)."""
    w.first = accepted_batch(w, items=60)
    w.second = accepted_batch(w, items=0, quantity=40)
    in_acceptance(w.project)
    name_to_team(w, w.acceptance)
    return acceptance_for(w)


@pytest.fixture
def expert(w):
    other = OrganizationFactory(kind=OrgKind.CLIENT, name="浙江省档案学会")
    person = UserFactory(username="expert", name="吴教授", organization=other)
    project_services.member_add(project=w.project, actor=w.lead, user=person, role=ProjectRole.ACCEPTANCE_EXPERT)
    name_to_team(w, person)
    return person


def _unlisted(inspection):
    """A sampled item of batch 2 (no item list), or None when none was drawn."""
    return inspection.items.filter(batch_item__isnull=True).order_by("position").first()


# ---------------------------------------------------------------- pages

@pytest.mark.parametrize("who", ["lead", "inspector", "acceptance", "regulator"])
def test_detail_page_for_the_client_side_and_the_regulator(w, acc, login, who):
    page = login(getattr(w, who)).get(f"/lot-inspection/{acc.pk}/").content.decode()
    assert "第1轮验收 · 数字化" in page and "Acceptance sampling inspection" in page
    assert f"/batches/{w.first.pk}/" in page and f"/batches/{w.second.pk}/" in page
    unlisted = _unlisted(acc)
    if unlisted is not None:  # an item of a batch without item list: where it is
        assert f"batch {w.second.number}, item {unlisted.position - 60}" in page
    assert "None" not in page


def test_detail_page_in_chinese(w, acc, client, settings):
    from django.utils import translation

    client.force_login(w.lead)
    client.cookies.pop(settings.LANGUAGE_COOKIE_NAME, None)
    with translation.override("zh-hans"):
        page = client.get(f"/lot-inspection/{acc.pk}/").content.decode()
    assert "录入结果" in page and f"批次 {w.first.number}" in page and "数字化" in page


def test_contractor_sees_the_record_but_not_the_sample_while_open(w, acc, login):
    pm = login(w.pm)
    page = pm.get(f"/lot-inspection/{acc.pk}/")
    assert page.status_code == 200
    code = acc.items.filter(batch_item__isnull=False).select_related("batch_item").first()
    if code is not None:
        assert code.batch_item.archive_code not in page.content.decode()
    for suffix in ("entry/", "import/", "decide/", "sample.csv"):
        assert pm.get(f"/lot-inspection/{acc.pk}/{suffix}").status_code == 403, suffix


def test_outsiders_get_404(w, acc, login):
    for user in (w.outsider, w.other_regulator):
        client = login(user)
        for suffix in ("", "entry/", "import/", "decide/", "sample.csv"):
            assert client.get(f"/lot-inspection/{acc.pk}/{suffix}").status_code == 404, suffix


def test_entry_page_shows_where_each_item_is_and_the_member_saves(w, acc, login):
    client = login(w.acceptance)
    page = client.get(f"/lot-inspection/{acc.pk}/entry/")
    assert page.status_code == 200
    body = page.content.decode()
    assert body.count('type="radio"') == 3 * acc.sample_size
    unlisted = _unlisted(acc)
    if unlisted is not None:
        assert f"batch {w.second.number}, item {unlisted.position - 60}" in body
    items = list(acc.items.order_by("position"))
    payload = [{"id": i.pk, "version": 1, "result": "conforming"} for i in items]
    response = client.post(f"/lot-inspection/{acc.pk}/entry/", {"payload": json.dumps(payload)},
                           HTTP_ACCEPT="application/json")
    assert response.status_code == 200, response.content
    assert response.json()["pending"] == 0


def test_import_page_and_sample_list(w, acc, login):
    client = login(w.inspector)
    csv_response = client.get(f"/lot-inspection/{acc.pk}/sample.csv")
    assert csv_response.status_code == 200
    text = csv_response.content.decode("utf-8-sig")
    assert text.splitlines()[0].startswith("位置,批次及件号,档号")
    assert "%E9%AA%8C%E6%94%B6" in csv_response["Content-Disposition"]  # 验收 in the file name
    # The list filled in and brought back (extra columns ignored).
    rows = ["位置,结果"] + [f"{line.split(',')[0]},合格" for line in text.splitlines()[1:]]
    upload = io.BytesIO(("\n".join(rows) + "\n").encode("utf-8"))
    upload.name = "r.csv"
    assert client.get(f"/lot-inspection/{acc.pk}/import/").status_code == 200
    response = client.post(f"/lot-inspection/{acc.pk}/import/", {"file": upload})
    assert response.status_code == 302
    assert not acc.items.filter(result=ItemResult.PENDING).exists()


def test_decide_page_by_an_expert(w, acc, login, expert):
    client = login(expert)
    page = client.get(f"/lot-inspection/{acc.pk}/decide/").content.decode()
    assert "Decide the acceptance sample" in page and "no result yet" in page
    items = list(acc.items.order_by("position"))
    payload = [{"id": i.pk, "version": 1, "result": "conforming"} for i in items]
    payload[0] = {"id": items[0].pk, "version": 1, "result": "defective", "defects": "DIG-F1"}
    assert client.post(f"/lot-inspection/{acc.pk}/entry/", {"payload": json.dumps(payload)},
                       HTTP_ACCEPT="application/json").status_code == 200
    page = client.get(f"/lot-inspection/{acc.pk}/decide/").content.decode()
    assert "The acceptance sample will not be accepted" in page and "marked for rectification" not in page
    response = client.post(f"/lot-inspection/{acc.pk}/decide/", follow=True)
    assert "the acceptance sample is not accepted, rectification required" in response.content.decode()
    acc.refresh_from_db()
    assert acc.decision == Decision.NOT_ACCEPTED and acc.decided_by == expert
    assert client.get(f"/lot-inspection/{acc.pk}/entry/").status_code == 302


def test_wrong_roles_cannot_write(w, acc, login):
    for user in (w.regulator, w.pm, w.operator):
        client = login(user)
        assert client.post(f"/lot-inspection/{acc.pk}/entry/", {"payload": "[]"}).status_code == 403
        assert client.post(f"/lot-inspection/{acc.pk}/decide/").status_code == 403
    assert not acc.items.exclude(result=ItemResult.PENDING).exists()


def test_project_page_lists_acceptance_inspections_apart(w, acc, login):
    page = login(w.pm).get(f"/lot-inspection/projects/{w.project.pk}/").content.decode()
    head, _, tail = page.partition("Acceptance sampling inspections")
    assert tail and f"/lot-inspection/{acc.pk}/" in tail and f"/lot-inspection/{acc.pk}/" not in head
    summary = login(w.lead).get(f"/lot-inspection/projects/{w.project.pk}/summary/").content.decode()
    assert f"/lot-inspection/{acc.pk}/" not in summary


# ---------------------------------------------------------------- API

def _base(w):
    return f"/api/v1/projects/{w.project.pk}/lot-inspections/"


def test_api_shows_purpose_label_and_population(w, acc, api):
    client = api(w.lead, token=True)
    data = client.get(f"{_base(w)}{acc.pk}/").json()
    assert data["purpose"] == "acceptance" and data["batch"] is None and data["batch_number"] is None
    assert data["label"] == "第1轮验收 · 数字化" and data["purpose_display"]
    assert data["population"] == [{"batch": w.first.pk, "number": w.first.number, "count": 60},
                                  {"batch": w.second.pk, "number": w.second.number, "count": 40}]
    listed = client.get(_base(w)).json()["results"]
    assert {r["purpose"] for r in listed} == {"lot", "acceptance"}
    only = client.get(f"{_base(w)}?purpose=acceptance").json()["results"]
    assert [r["id"] for r in only] == [acc.pk]
    assert client.get(f"{_base(w)}?purpose=bogus").status_code == 400
    items = client.get(f"{_base(w)}{acc.pk}/items/?page_size=100").json()["results"]
    for it in items:
        if it["position"] <= 60:
            assert it["batch_number"] == w.first.number and it["position_in_batch"] == it["position"]
            assert it["archive_code"]
        else:
            assert it["batch_number"] == w.second.number and it["position_in_batch"] == it["position"] - 60
            assert it["archive_code"] == ""
    lot = next(r for r in listed if r["purpose"] == "lot")
    lot_items = client.get(f"{_base(w)}{lot['id']}/items/").json()["results"]
    assert lot_items[0]["batch_number"] is None and lot_items[0]["position_in_batch"] is None


def test_api_expert_records_and_decides(w, acc, api, expert):
    client = api(expert, token=True)
    rows = [{"position": p, "result": "conforming"} for p in acc.items.values_list("position", flat=True)]
    response = client.post(f"{_base(w)}{acc.pk}/items/", {"items": rows})
    assert response.status_code == 200, response.content
    response = client.post(f"{_base(w)}{acc.pk}/decide/")
    assert response.status_code == 200 and response.json()["decision"] == "accepted"
    assert response.json()["batch"] is None


def test_api_roles(w, acc, api):
    for user in (w.outsider, w.other_regulator):
        assert api(user).get(f"{_base(w)}{acc.pk}/").status_code == 404
    assert api(w.regulator).get(f"{_base(w)}{acc.pk}/").status_code == 200
    assert api(w.regulator).post(f"{_base(w)}{acc.pk}/decide/").status_code == 403
    for user in (w.pm, w.special):
        client = api(user)
        assert client.get(f"{_base(w)}{acc.pk}/").status_code == 200
        assert client.get(f"{_base(w)}{acc.pk}/items/").status_code == 403
        assert client.post(f"{_base(w)}{acc.pk}/items/", {"items": [{"position": 1}]}).status_code == 403
        assert client.post(f"{_base(w)}{acc.pk}/decide/").status_code == 403
    assert LotInspection.objects.get(pk=acc.pk).is_open
    assert LotInspection.objects.filter(purpose=Purpose.ACCEPTANCE).count() == 1
