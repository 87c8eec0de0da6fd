"""The handover pages (handover:project and the transitions) and the PDF of the list."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from apps.handover.enums import HandoverState, LineStatus
from apps.handover.models import Handover
from apps.signatures.models import Signature
from tests.conftest import PASSWORD

from .builders import accept, confirmed, draft, handed_over, submitted

pytestmark = pytest.mark.django_db


def pdf_text(data: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


@pytest.fixture
def w(world):
    accept(world)
    return world


def page(w):
    return f"/handover/projects/{w.project.pk}/"


@pytest.mark.parametrize("who", ["lead", "inspector", "acceptance", "pm", "special", "operator", "regulator"])
def test_the_page_shows_the_list_in_chinese_to_everyone_of_the_project(w, login, who):
    confirmed(w)
    response = login(getattr(w, who)).get(page(w))
    assert response.status_code == 200
    body = response.content.decode()
    assert "民国档案数字化图像（TIFF 与 PDF）" in body and "项目" in body and "成果" in body


@pytest.mark.parametrize("who", ["outsider", "other_regulator"])
def test_outsiders_get_404_everywhere(w, login, who):
    handover = submitted(w)
    line = handover.lines.first()
    client = login(getattr(w, who))
    for url in [page(w), f"/handover/{handover.pk}/lines/add/", f"/reports/forms/handover_list/{handover.pk}/",
                f"/handover/lines/{line.pk}/edit/"]:
        assert client.get(url).status_code == 404, url
    for url in [f"/handover/projects/{w.project.pk}/create/", f"/handover/{handover.pk}/submit/",
                f"/handover/{handover.pk}/sign/", f"/handover/lines/{line.pk}/confirm/"]:
        assert client.post(url, {}).status_code in (403, 404), url
    assert Handover.objects.get(pk=handover.pk).state == HandoverState.SUBMITTED


def test_before_the_acceptance_the_page_says_so_and_offers_nothing(world, login):
    body = login(world.pm).get(f"/handover/projects/{world.project.pk}/").content.decode()
    assert f"/handover/projects/{world.project.pk}/create/" not in body


def test_the_contractor_pm_draws_up_and_submits_through_the_pages(w, login):
    client = login(w.pm)
    assert f"/handover/projects/{w.project.pk}/create/" in client.get(page(w)).content.decode()
    response = client.post(f"/handover/projects/{w.project.pk}/create/", {"note": "随清单交付"})
    assert response.status_code == 302
    handover = Handover.objects.get(project=w.project)
    assert client.get(f"/handover/{handover.pk}/lines/add/").status_code == 200
    for kind, description in [("results", "数字化图像"), ("quality_records", "检验记录"),
                              ("process_documents", "交接登记簿")]:
        response = client.post(f"/handover/{handover.pk}/lines/add/", {
            "kind": kind, "description": description, "quantity": "3", "unit": "卷", "medium": "paper"})
        assert response.status_code == 302, response.content.decode()[:2000]
    assert handover.lines.count() == 3
    handover.refresh_from_db()
    response = client.post(f"/handover/{handover.pk}/submit/", {"version": handover.version})
    assert response.status_code == 302
    handover.refresh_from_db()
    assert handover.state == HandoverState.SUBMITTED


def test_a_bad_item_is_a_form_error_and_nothing_is_saved(w, login):
    handover = draft(w)
    response = login(w.pm).post(f"/handover/{handover.pk}/lines/add/", {
        "kind": "results", "description": "图像", "quantity": "0", "unit": "卷", "medium": "paper"})
    assert response.status_code == 200
    assert 'class="invalid-feedback' in response.content.decode()
    assert handover.lines.count() == 5


def test_the_client_confirms_and_refuses_items_and_both_sign_through_the_page(w, login):
    handover = submitted(w)
    inspector = login(w.inspector)
    lines = list(handover.lines.order_by("position"))
    assert f"/handover/lines/{lines[0].pk}/confirm/" in inspector.get(page(w)).content.decode()
    assert inspector.post(f"/handover/lines/{lines[0].pk}/refuse/", {"reason": ""}).status_code == 302
    lines[0].refresh_from_db()
    assert lines[0].status == LineStatus.PENDING  # no reason, nothing refused
    for item in lines:
        assert inspector.post(f"/handover/lines/{item.pk}/confirm/", {"version": item.version}).status_code == 302
    handover.refresh_from_db()
    assert handover.state == HandoverState.CONFIRMED

    lead = login(w.lead)
    assert f"/handover/{handover.pk}/sign/" in lead.get(page(w)).content.decode()
    lead.post(f"/handover/{handover.pk}/sign/", {"password": "wrong"})
    assert not Signature.objects.for_record(handover).exists()
    assert lead.post(f"/handover/{handover.pk}/sign/", {"password": PASSWORD}).status_code == 302
    pm = login(w.pm)
    assert pm.post(f"/handover/{handover.pk}/sign/", {"password": PASSWORD}).status_code == 302
    handover.refresh_from_db()
    assert handover.state == HandoverState.SIGNED


@pytest.mark.parametrize("who, url_of, data", [
    ("lead", lambda h, line: f"/handover/{h.pk}/submit/", {}),
    ("inspector", lambda h, line: f"/handover/lines/{line.pk}/remove/", {}),
    ("pm", lambda h, line: f"/handover/lines/{line.pk}/confirm/", {}),
    ("special", lambda h, line: f"/handover/lines/{line.pk}/refuse/", {"reason": "不符"}),
    ("inspector", lambda h, line: f"/handover/{h.pk}/sign/", {"password": PASSWORD}),
])
def test_wrong_roles_get_403_with_the_rules_sentence_and_nothing_changes(w, login, who, url_of, data):
    handover = submitted(w)
    line = handover.lines.first()
    response = login(getattr(w, who)).post(url_of(handover, line), data)
    assert response.status_code == 403
    handover.refresh_from_db()
    line.refresh_from_db()
    assert handover.state == HandoverState.SUBMITTED and line.status == LineStatus.PENDING


def test_the_regulator_reads_but_cannot_write(w, login):
    handover = submitted(w)
    client = login(w.regulator)
    assert client.get(page(w)).status_code == 200
    assert client.post(f"/handover/lines/{handover.lines.first().pk}/confirm/", {}).status_code == 403


def test_the_pdf_prints_the_list_with_its_items_and_signatures(w, login):
    handover = handed_over(w)
    response = login(w.lead).get(f"/reports/forms/handover_list/{handover.pk}/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    for expected in ("成果移交清单", "民国档案数字化", "HZ-2026-001", "民国档案数字化图像", "移动硬盘", "质量记录",
                     "过程资料", "项目文件", "已确认", "王建国", "陈志强", "已完成移交", "验收后7个工作日内"):
        assert expected in text, expected


def test_the_pdf_of_a_list_in_progress_shows_what_is_still_open(w, login):
    handover = submitted(w)
    text = pdf_text(login(w.regulator).get(f"/reports/forms/handover_list/{handover.pk}/").content)
    assert "待确认" in text and "未签字" in text and "未完成移交" in text
