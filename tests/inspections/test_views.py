from __future__ import annotations

import datetime as dt
import io

import pytest
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from apps.inspections import services
from apps.inspections.models import CheckItem, LedgerEntry, Patrol
from apps.inspections.services import ledger

pytestmark = pytest.mark.django_db


def _pdf_text(data: bytes) -> str:
    return "".join("".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(data)).pages)


def _urls(world):
    pid = world.project.pk
    return [f"/inspections/projects/{pid}/catalogue/", f"/inspections/projects/{pid}/patrols/",
            f"/inspections/projects/{pid}/key-nodes/", f"/inspections/projects/{pid}/ledger/",
            f"/inspections/projects/{pid}/ledger.xlsx"]


@pytest.mark.parametrize("who", ["lead", "inspector", "pm", "operator", "regulator"])
def test_pages_for_project_viewers(impl, login, who):
    p = services.patrol_create(project=impl.project, user=impl.inspector, patrolled_on=timezone.localdate(),
                               content="巡查扫描工位", findings="未戴手套", requirements="立即整改")
    client = login(getattr(impl, who))
    for url in _urls(impl) + [f"/inspections/patrols/{p.pk}/"]:
        assert client.get(url).status_code == 200, url
    body = client.get(f"/inspections/projects/{impl.project.pk}/ledger/").content.decode()
    assert "未戴手套" in body and f"/inspections/patrols/{p.pk}/" in body


def test_outsider_gets_404_everywhere(impl, login):
    p = services.patrol_create(project=impl.project, user=impl.inspector, patrolled_on=timezone.localdate(),
                               content="巡查")
    check = services.key_node_create(project=impl.project, user=impl.inspector, node="移交",
                                     checked_on=timezone.localdate(), content="核对", result="conforming")
    services.catalogue_ensure(project=impl.project)
    item = CheckItem.objects.filter(project=impl.project).first()
    defect = impl.project.defect_types.first()
    pid = impl.project.pk
    for who in ("outsider", "other_regulator"):
        client = login(getattr(impl, who))
        for url in _urls(impl) + [f"/inspections/patrols/{p.pk}/", f"/inspections/patrols/{p.pk}/edit/",
                                  f"/inspections/key-nodes/{check.pk}/", f"/inspections/check-items/{item.pk}/edit/",
                                  f"/inspections/defect-types/{defect.pk}/edit/",
                                  f"/inspections/projects/{pid}/patrols/new/", f"/inspections/projects/{pid}/key-nodes/new/",
                                  f"/inspections/projects/{pid}/catalogue/check-items/add/",
                                  f"/reports/forms/annex_b/{pid}/"]:
            assert client.get(url).status_code == 404, (who, url)


def test_record_a_patrol_through_the_page(impl, login):
    client = login(impl.inspector)
    url = f"/inspections/projects/{impl.project.pk}/patrols/new/"
    assert client.get(url).status_code == 200
    response = client.post(url, {"patrolled_on": timezone.localdate().isoformat(), "content": "检查交接登记",
                                 "findings": "登记不全", "requirements": "补登", "inspectors": [impl.lead.pk]})
    p = Patrol.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/inspections/patrols/{p.pk}/"
    assert list(p.inspectors.all()) == [impl.lead] and LedgerEntry.objects.get().has_problems


@pytest.mark.parametrize("data, message", [
    ({"content": "", "patrolled_on": "2026-11-01"}, "required"),
    ({"content": "x", "patrolled_on": "not a date"}, "valid date"),
    ({"content": "x", "patrolled_on": "2099-01-01"}, "future"),
    ({"content": "x", "patrolled_on": "2026-11-01", "findings": "问题"}, "must do about"),
    ({"content": "x", "patrolled_on": "2026-11-01", "inspectors": ["999999"]}, "valid choice"),
])
def test_bad_patrol_form_changes_nothing(impl, login, data, message):
    response = login(impl.inspector).post(f"/inspections/projects/{impl.project.pk}/patrols/new/", data)
    assert response.status_code == 200 and message in response.content.decode()
    assert not Patrol.objects.exists()


def test_patrol_in_wrong_phase_shows_the_reason(world, login):
    response = login(world.inspector).post(f"/inspections/projects/{world.project.pk}/patrols/new/",
                                           {"content": "x", "patrolled_on": timezone.localdate().isoformat()})
    assert response.status_code == 200 and "implementation or acceptance" in response.content.decode()


@pytest.mark.parametrize("who, status", [("pm", 403), ("operator", 403), ("acceptance", 403)])
def test_wrong_role_cannot_open_the_forms(impl, login, who, status):
    client = login(getattr(impl, who))
    pid = impl.project.pk
    for url in [f"/inspections/projects/{pid}/patrols/new/", f"/inspections/projects/{pid}/key-nodes/new/",
                f"/inspections/projects/{pid}/catalogue/check-items/add/"]:
        assert client.get(url).status_code == status, url


def test_regulator_cannot_write(impl, login):
    client = login(impl.regulator)
    response = client.post(f"/inspections/projects/{impl.project.pk}/patrols/new/",
                           {"content": "x", "patrolled_on": timezone.localdate().isoformat()})
    assert response.status_code == 403 and not Patrol.objects.exists()


def test_patrol_correction_page_and_stale_version(impl, login):
    p = services.patrol_create(project=impl.project, user=impl.inspector, patrolled_on=timezone.localdate(),
                               content="巡查")
    client = login(impl.lead)
    url = f"/inspections/patrols/{p.pk}/edit/"
    assert client.get(url).status_code == 200
    data = {"patrolled_on": p.patrolled_on.isoformat(), "content": "巡查（更正）", "version": "1"}
    assert client.post(url, data).status_code == 302
    response = client.post(url, {**data, "content": "再改"})  # version 1 is stale now
    assert response.status_code == 200 and "Someone else changed this record" in response.content.decode()
    assert Patrol.objects.get().content == "巡查（更正）" and LedgerEntry.objects.get().content == "巡查（更正）"
    assert client.post(url, {**data, "version": "junk"}).status_code == 200


def test_key_node_page_with_free_node(impl, login):
    client = login(impl.inspector)
    url = f"/inspections/projects/{impl.project.pk}/key-nodes/new/"
    assert client.get(url).status_code == 200
    response = client.post(url, {"node_choice": "__other__", "node_other": "成果移交", "content": "核对",
                                 "checked_on": timezone.localdate().isoformat(), "result": "conforming"})
    assert response.status_code == 302
    response = client.post(url, {"node_choice": "", "node_other": "", "content": "核对",
                                 "checked_on": timezone.localdate().isoformat(), "result": "conforming"})
    assert response.status_code == 200 and "Name the key node" in response.content.decode()
    response = client.post(url, {"node_choice": "__other__", "node_other": "移交", "content": "核对",
                                 "checked_on": timezone.localdate().isoformat(), "result": "nonconforming"})
    assert response.status_code == 200 and "problems found and the rectification" in response.content.decode()


def test_catalogue_edit_by_the_lead(impl, login):
    client = login(impl.lead)
    body = client.get(f"/inspections/projects/{impl.project.pk}/catalogue/").content.decode()
    assert "图像分辨率" in body and "≥300dpi（或按合同约定）" in body and "缺页漏扫" in body
    item = CheckItem.objects.get(project=impl.project, code="DIG-01")
    url = f"/inspections/check-items/{item.pk}/edit/"
    data = {"name": "图像分辨率", "requirement": "≥400dpi", "method": "逐件/抽检", "metric": "dpi", "min_value": "400",
            "unit": "dpi", "active": "on", "version": "1"}
    assert client.post(url, data).status_code == 302
    assert CheckItem.objects.get(pk=item.pk).min_value == 400
    response = client.post(url, {**data, "version": "2", "min_value": "500", "max_value": "100"})
    assert response.status_code == 200 and "greater than the maximum" in response.content.decode()
    assert login(impl.inspector).get(url).status_code == 403


def test_add_custom_items_through_the_pages(impl, login):
    client = login(impl.lead)
    pid = impl.project.pk
    r = client.post(f"/inspections/projects/{pid}/catalogue/check-items/add/", {
        "service_type": "digitization", "code": "DIG-X1", "name": "双层PDF", "requirement": "可检索", "method": "程序校验"})
    assert r.status_code == 302
    r = client.post(f"/inspections/projects/{pid}/catalogue/defect-types/add/", {
        "service_type": "digitization", "code": "DIG-X1", "name": "文字层缺失", "grade": "general"})
    assert r.status_code == 302
    r = client.post(f"/inspections/projects/{pid}/catalogue/defect-types/add/", {
        "service_type": "digitization", "code": "DIG-X1", "name": "重复", "grade": "general"})
    assert r.status_code == 200 and "already used" in r.content.decode()
    r = client.post(f"/inspections/projects/{pid}/catalogue/defect-types/add/", {
        "service_type": "storage", "code": "Z", "name": "z", "grade": "general"})
    assert r.status_code == 200


def _entries(world, n):
    now = timezone.now()
    LedgerEntry.objects.bulk_create([
        LedgerEntry(project=world.project, kind="sampling", occurred_at=now - dt.timedelta(minutes=i),
                    inspector=world.inspector, inspector_name="李秀英", content=f"=抽检{i}",
                    problems="黑边超标" if i % 2 else "", has_problems=bool(i % 2)) for i in range(n)])


def test_ledger_filters_and_pagination(impl, login):
    _entries(impl, 120)
    client = login(impl.pm)
    url = f"/inspections/projects/{impl.project.pk}/ledger/"
    body = client.get(url).content.decode()
    assert "120" in body and "page=2" in body
    body = client.get(url, {"problems": "1", "kind": "sampling", "q": "抽检1"}).content.decode()
    assert "黑边超标" in body
    for bad in [{"kind": "x"}, {"date_from": "2026-13-01"}, {"inspector": "abc"}, {"batch": "-1"},
                {"date_from": "2026-11-10", "date_to": "2026-11-01"}, {"page": "zz"}, {"q": "a\x00b"}]:
        assert client.get(url, bad).status_code == 200, bad


def test_ledger_export(impl, login):
    _entries(impl, 30)
    response = login(impl.inspector).get(f"/inspections/projects/{impl.project.pk}/ledger.xlsx", {"problems": "1"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    wb = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    rows = list(wb.active.values)
    assert rows[1][:3] == ("序号", "检查类型", "检查时间") and len(rows) == 2 + 15
    assert rows[2][5].startswith("'=")  # formula neutralised


def test_ledger_export_refuses_bad_filters_and_too_many_rows(impl, login, monkeypatch):
    from apps.inspections import views

    client = login(impl.inspector)
    url = f"/inspections/projects/{impl.project.pk}/ledger.xlsx"
    assert client.get(url, {"kind": "nope"}).status_code == 302
    monkeypatch.setattr(views, "LEDGER_EXPORT_MAX", 5)
    _entries(impl, 6)
    assert client.get(url).status_code == 302


def test_annex_b_pdf(impl, login):
    def counter(project):
        return {("digitization", "fatal"): 2, ("digitization", "general"): 11}

    saved = list(ledger._defect_counters)
    services.register_defect_counter(counter)
    try:
        response = login(impl.regulator).get(f"/reports/forms/annex_b/{impl.project.pk}/")
    finally:
        ledger._defect_counters[:] = saved
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = _pdf_text(response.content)
    for expected in ["质量缺陷分级细则", "表B.1", impl.project.name, "致命缺陷",
                     "导致档案实体丢失、严重损毁、数据泄露、数据篡改，或造成无法挽回损失、无法正常开展后续工作的严重问题",
                     "缺页漏扫导致核心信息丢失", "档案排架个别错位", "档案数字化加工", "7.2.1", "缺页漏扫"]:
        assert expected in text, expected
    assert "档案数字化加工7.2.120" in text.replace(" ", "")  # fatal 2, serious 0
    assert "1113" in text  # general 11, total 13
