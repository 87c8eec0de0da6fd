"""The warranty follow-up page (warranty:project), reporting a problem, responding on the ticket,
concluding; Annex A 质保服务; Annex D of a warranty problem."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from pypdf import PdfReader

from apps.projects.enums import TaskStatus
from apps.projects.selectors import annex_a_rows
from apps.rectification.enums import TicketSource
from apps.rectification.models import RectificationTicket
from apps.rectification.printing import annex_d_sources
from apps.warranty.models import WarrantyConclusion

from .builders import ACCEPTED, accept, close, on, report, respond

pytestmark = pytest.mark.django_db


def pdf_text(data: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


@pytest.fixture
def w(world):
    accept(world, ACCEPTED)
    return world


def page(w):
    return f"/warranty/projects/{w.project.pk}/"


@pytest.mark.parametrize("who", ["lead", "inspector", "pm", "special", "regulator"])
def test_the_follow_up_page_in_chinese_for_the_project_people(w, login, who):
    with on(dt.date(2027, 9, 10)):
        ticket = respond(report(w), w)
        response = login(getattr(w, who)).get(page(w))
    assert response.status_code == 200
    body = response.content.decode()
    assert "部分图像无法打开" in body and "项目" in body and "2028-08-31" in body
    assert f"/problems/{ticket.pk}/" in body


@pytest.mark.parametrize("who", ["outsider", "other_regulator"])
def test_outsiders_get_404(w, login, who):
    client = login(getattr(w, who))
    for url in (page(w), f"/warranty/projects/{w.project.pk}/report/"):
        assert client.get(url).status_code == 404
    assert client.post(f"/warranty/projects/{w.project.pk}/conclude/", {"assessment": "x"}).status_code in (403, 404)


def test_the_report_button_shows_only_to_the_client_staff_in_the_period(w, login):
    url = f"/warranty/projects/{w.project.pk}/report/"
    with on(dt.date(2027, 9, 10)):
        assert url in login(w.inspector).get(page(w)).content.decode()
        assert url not in login(w.pm).get(page(w)).content.decode()
    with on(dt.date(2028, 9, 10)):
        assert url not in login(w.inspector).get(page(w)).content.decode()


def test_reporting_through_the_page(w, login):
    with on(dt.date(2027, 9, 10)):
        client = login(w.inspector)
        assert client.get(f"/warranty/projects/{w.project.pk}/report/").status_code == 200
        response = client.post(f"/warranty/projects/{w.project.pk}/report/", {
            "found_on": "2027-09-09", "severity": "general", "title": "目录错漏",
            "description": "第3卷目录与图像不一致。", "requirement": "核对并更正目录。"})
    assert response.status_code == 302
    ticket = RectificationTicket.objects.get(project=w.project)
    assert ticket.source == TicketSource.WARRANTY and response["Location"] == f"/problems/{ticket.pk}/"


def test_reporting_outside_the_period_is_refused_with_the_reason(w, login):
    """After the warranty's end the form is not offered: 403 with the sentence saying when it is."""
    with on(dt.date(2028, 9, 10)):
        client = login(w.lead)
        page = client.get(f"/warranty/projects/{w.project.pk}/report/")
        response = client.post(f"/warranty/projects/{w.project.pk}/report/", {
            "found_on": "2028-09-09", "severity": "general", "title": "目录错漏",
            "description": "第3卷目录与图像不一致。", "requirement": "核对并更正目录。"})
    assert page.status_code == 403 and "质保期" in page.content.decode()
    assert response.status_code == 403
    assert not RectificationTicket.objects.exists()


def test_the_contractor_cannot_open_the_report_page(w, login):
    with on(dt.date(2027, 9, 10)):
        assert login(w.pm).get(f"/warranty/projects/{w.project.pk}/report/").status_code == 403


def test_the_contractor_responds_on_the_ticket_page(w, login):
    with on(dt.date(2027, 9, 10)):
        ticket = report(w)
        client = login(w.pm)
        body = client.get(f"/problems/{ticket.pk}/").content.decode()
        assert f"/problems/{ticket.pk}/respond/" in body and f"/problems/{ticket.pk}/answer/" not in body
        assert client.get(f"/problems/{ticket.pk}/respond/").status_code == 200
        response = client.post(f"/problems/{ticket.pk}/respond/", {"plan": "明日到场重扫。", "version": ticket.version})
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.responded_by == w.pm
    assert login(w.lead).post(f"/problems/{ticket.pk}/respond/", {"plan": "x"}).status_code == 403


def test_the_client_lead_concludes_through_the_page(w, login):
    with on(dt.date(2027, 9, 10)):
        close(report(w), w)
    with on(dt.date(2028, 8, 20)):
        client = login(w.lead)
        assert f"/warranty/projects/{w.project.pk}/conclude/" in client.get(page(w)).content.decode()
        assert client.post(f"/warranty/projects/{w.project.pk}/conclude/", {"assessment": ""}).status_code == 302
        assert not WarrantyConclusion.objects.exists()
        response = client.post(f"/warranty/projects/{w.project.pk}/conclude/", {"assessment": "响应及时，处置到位。"})
        assert response.status_code == 302
        assert "响应及时，处置到位。" in client.get(page(w)).content.decode()
    assert WarrantyConclusion.objects.get().concluded_by == w.lead
    assert login(w.inspector).post(f"/warranty/projects/{w.project.pk}/conclude/", {"assessment": "x"}).status_code \
        == 403


# ---------------------------------------------------------------- Annex A and Annex D

def _row(project, today):
    return next(r for r in annex_a_rows(project, today=today) if r["step"].code == "warranty_service")


def test_annex_a_reads_the_follow_up(w):
    from apps.projects.models import Project

    Project.objects.filter(pk=w.project.pk).update(phase="warranty")
    w.project.refresh_from_db()
    assert _row(w.project, dt.date(2027, 9, 10))["status"] == TaskStatus.ONGOING
    with on(dt.date(2027, 9, 10)):
        ticket = report(w)
    assert _row(w.project, dt.date(2027, 9, 13))["status"] == TaskStatus.DUE
    assert _row(w.project, dt.date(2027, 9, 15))["status"] == TaskStatus.OVERDUE  # no response by the 14th
    with on(dt.date(2027, 9, 13)):
        close(ticket, w)
    assert _row(w.project, dt.date(2027, 9, 15))["status"] == TaskStatus.ONGOING
    assert _row(w.project, dt.date(2028, 9, 5))["status"] == TaskStatus.OVERDUE  # ended, not concluded
    from apps.warranty.services import warranty_conclude

    with on(dt.date(2028, 8, 20)):
        warranty_conclude(project=w.project, user=w.lead, assessment="好")
    row = _row(w.project, dt.date(2028, 9, 5))
    assert row["status"] == TaskStatus.DONE and row["evidence_url"] == page(w)


def test_annex_d_ticks_other_and_names_the_warranty(w, login):
    with on(dt.date(2027, 9, 10)):
        ticket = respond(report(w), w)
    boxes = annex_d_sources(ticket)
    assert [printed for _code, printed, _ticked in boxes] == ["巡查", "抽检", "验收", "投诉", "其他（质保）"]
    assert [ticked for *_rest, ticked in boxes] == [False, False, False, False, True]
    text = pdf_text(login(w.lead).get(f"/problems/{ticket.pk}/annex-d.pdf").content).replace(" ", "")
    assert "✓其他（质保）" in text and "质保响应" in text and "响应期限：2027年9月14日前" in text
    assert "陈志强于2027年9月10日10:00响应" in text and "计划措施：2个工作日内到场重扫" in text


def test_annex_d_of_an_ordinary_ticket_is_unchanged(w):
    from tests.rectification.builders import raise_ticket

    ticket = raise_ticket(w)
    boxes = annex_d_sources(ticket)
    assert [printed for _c, printed, _t in boxes] == ["巡查", "抽检", "验收", "投诉", "其他"]
    assert [t for *_r, t in boxes] == [True, False, False, False, False]


def test_the_client_lead_sets_the_warranty_terms_on_the_problem_page(w, login):
    from apps.rectification.selectors import settings_of

    client = login(w.lead)
    assert 'name="warranty_response_days"' in client.get(f"/problems/projects/{w.project.pk}/").content.decode()
    client.post(f"/problems/projects/{w.project.pk}/settings/", {
        "review_limit": "2", "default_days": "10", "warranty_response_days": "3", "warranty_fix_days": "15"})
    terms = settings_of(w.project)
    assert (terms.warranty_response_days, terms.warranty_fix_days) == (3, 15)
    client.post(f"/problems/projects/{w.project.pk}/settings/", {
        "review_limit": "2", "default_days": "10", "warranty_response_days": "31", "warranty_fix_days": "15"})
    assert settings_of(w.project).warranty_response_days == 3
    assert login(w.inspector).post(f"/problems/projects/{w.project.pk}/settings/", {
        "review_limit": "2", "default_days": "10", "warranty_response_days": "1"}).status_code == 403
    assert settings_of(w.project).warranty_response_days == 3
