from __future__ import annotations

import datetime as dt
import io

import pytest
from django.utils import timezone

from apps.accounts.enums import Party
from apps.projects.enums import Phase
from apps.rectification import services
from apps.rectification.enums import TicketState
from apps.rectification.models import Incident, RectificationTicket

from .builders import answer, raise_ticket, review, reviewed, sign

pytestmark = pytest.mark.django_db


def _form(**overrides):
    today = timezone.localdate()
    data = {"source": "patrol", "found_on": today.isoformat(), "severity": "serious", "title": "档案出入未登记",
            "description": "3卷档案未登记出入。", "requirement": "补登记并核对。",
            "due_date": (today + dt.timedelta(days=5)).isoformat(), "responsible_unit": "", "note": ""}
    data.update(overrides)
    return data


def test_client_issues_a_notice_through_the_page(w, login):
    c = login(w.inspector)
    assert c.get(f"/problems/projects/{w.project.pk}/new/").status_code == 200
    response = c.post(f"/problems/projects/{w.project.pk}/new/", _form())
    ticket = RectificationTicket.objects.get()
    assert response.status_code == 302 and response["Location"] == ticket.get_absolute_url()
    page = c.get(ticket.get_absolute_url()).content.decode()
    assert "档案出入未登记" in page and "HZ-2026-001-ZG-001" in page


@pytest.mark.parametrize("overrides", [{"title": ""}, {"due_date": "2020-01-01"}, {"due_date": "not-a-date"},
                                       {"source": "rumour"}, {"found_on": "2099-01-01"}])
def test_bad_notice_shows_the_form_again_and_changes_nothing(w, login, overrides):
    response = login(w.inspector).post(f"/problems/projects/{w.project.pk}/new/", _form(**overrides))
    assert response.status_code == 200 and "invalid-feedback" in response.content.decode()
    assert not RectificationTicket.objects.exists()


def test_contractor_cannot_open_the_notice_form(w, login):
    assert login(w.pm).get(f"/problems/projects/{w.project.pk}/new/").status_code == 403
    assert login(w.pm).post(f"/problems/projects/{w.project.pk}/new/", _form()).status_code == 403
    assert not RectificationTicket.objects.exists()


def test_outsiders_get_404_everywhere(w, login):
    ticket = raise_ticket(w)
    incident = services.incident_report(project=w.project, user=w.pm, category="security", title="t",
                                        occurred_at=timezone.now(), description="d", scale="s", remedial_action="r")
    for user in (w.outsider, w.other_regulator):
        c = login(user)
        for url in (f"/problems/projects/{w.project.pk}/", ticket.get_absolute_url(),
                    f"/problems/{ticket.pk}/annex-d.pdf", incident.get_absolute_url(),
                    f"/problems/projects/{w.project.pk}/new/", f"/problems/{ticket.pk}/answer/"):
            assert c.get(url).status_code == 404, url
        # The read-only middleware refuses any write of a regulator before the look-up (403).
        assert c.post(f"/problems/{ticket.pk}/answer/", {"measures": "m", "result": "r"}).status_code in (
            {404} if user == w.outsider else {403})
    assert login(w.outsider).get("/problems/").status_code == 200


def test_regulator_reads_but_cannot_write(w, login):
    ticket = raise_ticket(w)
    c = login(w.regulator)
    assert c.get(f"/problems/projects/{w.project.pk}/").status_code == 200
    assert c.get(ticket.get_absolute_url()).status_code == 200
    assert c.post(f"/problems/{ticket.pk}/review/", {"verdict": "pass", "opinion": "x"}).status_code == 403
    assert c.post(f"/problems/projects/{w.project.pk}/new/", _form()).status_code == 403
    assert RectificationTicket.objects.count() == 1


def test_regulator_sees_the_cases_reported_in_its_jurisdiction(w, login):
    ticket = services.ticket_refuse(ticket=raise_ticket(w), user=w.pm, reason="不同意整改")
    services.project_suspend(project=w.project, user=w.lead, reason="拒不整改", report_to_regulator=True)
    body = login(w.regulator).get("/problems/").content.decode()
    assert w.project.name in body and "拒不整改" in body
    assert w.project.name not in login(w.other_regulator).get("/problems/").content.decode()
    assert ticket.suspensions.exists()


def test_worklists_order_by_age_for_the_client_and_by_deadline_for_the_contractor(w, login):
    today = timezone.localdate()
    older = raise_ticket(w, title="旧问题", found_on=today - dt.timedelta(days=9), due_date=today + dt.timedelta(days=9))
    sooner = raise_ticket(w, title="急问题", found_on=today - dt.timedelta(days=1), due_date=today + dt.timedelta(days=1),
                          severity="fatal")
    client_page = login(w.lead).get("/problems/").content.decode()
    assert client_page.index("旧问题") < client_page.index("急问题")
    contractor_page = login(w.pm).get("/problems/").content.decode()
    assert contractor_page.index("急问题") < contractor_page.index("旧问题")
    answer(sooner, w)
    contractor_page = login(w.pm).get("/problems/").content.decode()
    assert "急问题" not in contractor_page and "旧问题" in contractor_page
    assert older.pk


def test_whole_loop_through_the_pages(w, login):
    ticket = raise_ticket(w)
    pm = login(w.pm)
    response = pm.post(f"/problems/{ticket.pk}/answer/", {"measures": "逐页纠偏", "result": "已完成",
                                                          "version": ticket.version})
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.state == TicketState.SUBMITTED
    # A second answer is refused with a message, not an error.
    response = pm.get(f"/problems/{ticket.pk}/answer/", follow=True)
    assert response.status_code == 200
    inspector = login(w.inspector)
    response = inspector.post(f"/problems/{ticket.pk}/review/", {"verdict": "fail", "opinion": "仍有问题",
                                                                 "version": ticket.version})
    assert response.status_code == 200 and "deadline" in response.content.decode().lower()
    ticket.refresh_from_db()
    assert ticket.state == TicketState.SUBMITTED
    response = inspector.post(f"/problems/{ticket.pk}/review/", {"verdict": "pass", "opinion": "合格",
                                                                 "version": ticket.version})
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.state == TicketState.REVIEWED
    sign(ticket, w.inspector, Party.CLIENT)
    sign(ticket, w.pm, Party.CONTRACTOR)
    assert login(w.inspector).post(f"/problems/{ticket.pk}/close/").status_code == 403
    response = login(w.lead).post(f"/problems/{ticket.pk}/close/", follow=True)
    assert response.status_code == 200
    ticket.refresh_from_db()
    assert ticket.state == TicketState.CLOSED


def test_close_without_signatures_says_why(w, login):
    ticket = reviewed(w)
    response = login(w.lead).post(f"/problems/{ticket.pk}/close/", follow=True)
    assert "both parties" in response.content.decode()
    ticket.refresh_from_db()
    assert ticket.state == TicketState.REVIEWED


def test_suspend_and_resume_through_the_page(w, login):
    c = login(w.lead)
    response = c.post(f"/problems/projects/{w.project.pk}/suspend/", {"reason": "停工", "version": w.project.version},
                      follow=True)
    assert "no ground" in response.content.decode()
    w.project.refresh_from_db()
    assert w.project.phase == Phase.IMPLEMENTATION
    services.ticket_refuse(ticket=raise_ticket(w), user=w.pm, reason="不整改")
    page = c.get(f"/problems/projects/{w.project.pk}/").content.decode()
    assert "Suspend the project" in page
    c.post(f"/problems/projects/{w.project.pk}/suspend/", {"reason": "拒不整改", "version": w.project.version})
    w.project.refresh_from_db()
    assert w.project.phase == Phase.SUSPENDED
    response = c.post(f"/problems/projects/{w.project.pk}/resume/", {"reason": "恢复", "version": w.project.version},
                      follow=True)
    assert "not all closed" in response.content.decode()
    w.project.refresh_from_db()
    assert w.project.phase == Phase.SUSPENDED


def test_contractor_reports_an_incident_and_client_stops_work(w, login):
    response = login(w.operator).post(f"/problems/projects/{w.project.pk}/incidents/new/", {
        "category": "security", "title": "档案遗失", "occurred_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "description": "少一卷", "scale": "1卷", "remedial_action": "封存现场"})
    incident = Incident.objects.get()
    assert response.status_code == 302 and response["Location"] == incident.get_absolute_url()
    assert login(w.lead).get(incident.get_absolute_url()).status_code == 200
    response = login(w.lead).post(f"/problems/incidents/{incident.pk}/stop-work/", {
        "reason": "事故停工", "version": w.project.version})
    w.project.refresh_from_db()
    assert w.project.phase == Phase.SUSPENDED
    assert login(w.pm).post(f"/problems/incidents/{incident.pk}/close/", {"closing_note": "x"}).status_code == 403
    login(w.lead).post(f"/problems/incidents/{incident.pk}/close/", {"closing_note": "已找回"})
    incident.refresh_from_db()
    assert incident.state == "closed"


def test_incident_form_bad_input(w, login):
    response = login(w.pm).post(f"/problems/projects/{w.project.pk}/incidents/new/", {
        "category": "security", "title": "", "occurred_at": "yesterday", "description": "", "scale": "",
        "remedial_action": ""})
    assert response.status_code == 200 and not Incident.objects.exists()


def test_annex_d_pdf_has_every_field_and_both_signatures(w, login):
    from pypdf import PdfReader

    from apps.accounts.models import User

    User.objects.filter(pk=w.pm.pk).update(name="刘䶮")
    w.pm.refresh_from_db()
    ticket = review(answer(raise_ticket(w, title="缺页漏扫", description="第5卷缺第12页"), w), w)
    sign(ticket, w.inspector, Party.CLIENT)
    sign(ticket, w.pm, Party.CONTRACTOR)
    services.ticket_close(ticket=ticket, user=w.lead)
    response = login(w.pm).get(f"/problems/{ticket.pk}/annex-d.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    text = text.replace(" ", "").replace("\n", "")
    for expected in ("整改闭环单", "表D.1", w.project.name, w.project.contract_no, "问题来源", "巡查", "缺页漏扫",
                     "第5卷缺第12页", "重新纠偏并全检同卷图像", "逐页纠偏", "复核合格", "李秀英", "刘䶮",
                     w.contractor.name, "已闭环"):
        assert expected in text, expected


def test_settings_form(w, login):
    c = login(w.lead)
    c.post(f"/problems/projects/{w.project.pk}/settings/", {"review_limit": "3", "default_days": "12"})
    from apps.rectification.selectors import settings_of

    assert settings_of(w.project).review_limit == 3
    response = c.post(f"/problems/projects/{w.project.pk}/settings/", {"review_limit": "99", "default_days": "12"},
                      follow=True)
    assert response.status_code == 200 and settings_of(w.project).review_limit == 3
    assert login(w.pm).post(f"/problems/projects/{w.project.pk}/settings/",
                            {"review_limit": "5", "default_days": "12"}).status_code == 403


def test_pages_render_in_chinese_by_default(w, client):
    from django.utils import translation

    raise_ticket(w)
    client.cookies.pop("django_language", None)
    client.force_login(w.lead)
    with translation.override("zh-hans"):
        body = client.get(f"/problems/projects/{w.project.pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "问题处置" in body and "整改" in body


def test_notice_raised_from_a_patrol_is_prefilled_and_linked(w, login):
    from apps.inspections.models import LedgerEntry
    from apps.inspections.services import patrol_create

    patrol = patrol_create(project=w.project, user=w.inspector, patrolled_on=timezone.localdate(),
                           content="检查扫描工位", findings="扫描件未按顺序编号", requirements="重新编号并复核")
    c = login(w.inspector)
    page = c.get(f"/problems/projects/{w.project.pk}/new/?from=patrol:{patrol.pk}").content.decode()
    assert "扫描件未按顺序编号" in page and "重新编号并复核" in page
    assert "rectification:new" not in page
    detail = c.get(patrol.get_absolute_url()).content.decode()
    assert f"?from=patrol:{patrol.pk}" in detail
    c.post(f"/problems/projects/{w.project.pk}/new/?from=patrol:{patrol.pk}",
           _form(description="扫描件未按顺序编号", requirement="重新编号并复核"))
    ticket = RectificationTicket.objects.get()
    assert ticket.source_record() == patrol and ticket.source == "patrol"
    # A ledger row of an acceptance check raises a ticket of source 验收.
    entry = LedgerEntry.objects.create(project=w.project, kind="acceptance", occurred_at=timezone.now(),
                                       content="验收检查", problems="目录不全", requirements="补全目录")
    page = c.get(f"/problems/projects/{w.project.pk}/new/?from=ledger:{entry.pk}").content.decode()
    assert 'value="acceptance" selected' in page and "目录不全" in page
    # Someone else's record is ignored, not an error.
    assert c.get(f"/problems/projects/{w.project.pk}/new/?from=patrol:999999").status_code == 200


def test_pages_do_not_run_a_query_per_row(w, login):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    today = timezone.localdate()
    c = login(w.lead)

    def counts():
        result = []
        for url in (f"/problems/projects/{w.project.pk}/", "/problems/"):
            with CaptureQueriesContext(connection) as ctx:
                assert c.get(url).status_code == 200
            result.append(len(ctx))
        return result

    def add_rows():
        raise_ticket(w)
        services.complaint_register(project=w.project, user=w.lead, complainant="利用者", received_on=today,
                                    content="图像模糊", requirement="重新扫描", due_date=today + dt.timedelta(days=3))
        services.incident_report(project=w.project, user=w.pm, category="quality", title="t",
                                 occurred_at=timezone.now(), description="d", scale="s", remedial_action="r")

    add_rows()
    few = counts()
    for _ in range(4):
        add_rows()
    assert counts() == few


def test_a_step_no_longer_possible_goes_back_to_the_ticket_with_the_rules_sentence(w, login):
    ticket = answer(raise_ticket(w), w)
    response = login(w.pm).get(f"/problems/{ticket.pk}/answer/")
    assert response.status_code == 302 and response["Location"] == ticket.get_absolute_url()
    page = login(w.pm).get(f"/problems/{ticket.pk}/answer/", follow=True).content.decode()
    assert "not waiting for the contractor&#x27;s answer" in page
    # A button whose step is refused by the service: the service's sentence, on the ticket.
    response = login(w.pm).post(f"/problems/{ticket.pk}/refuse/", {"reason": "不同意"}, follow=True)
    assert "that step is not possible now" in response.content.decode()


def test_buttons_are_post_only_and_a_missing_reason_is_a_message(w, login):
    ticket = raise_ticket(w)
    c = login(w.pm)
    assert c.get(f"/problems/{ticket.pk}/refuse/").status_code == 405
    response = c.post(f"/problems/{ticket.pk}/refuse/", {"reason": " "}, follow=True)
    assert "Give a reason." in response.content.decode()
    ticket.refresh_from_db()
    assert ticket.state == TicketState.OPEN
    response = c.post(f"/problems/{ticket.pk}/refuse/", {"reason": "费用未约定"})
    assert response.status_code == 302 and response["Location"] == ticket.get_absolute_url()
    ticket.refresh_from_db()
    assert ticket.state == TicketState.REFUSED
    c.post(f"/problems/{ticket.pk}/withdraw-refusal/")
    ticket.refresh_from_db()
    assert ticket.state == TicketState.OPEN


def test_wrong_role_sees_the_rules_sentence_on_the_403_page(w, login):
    ticket = raise_ticket(w)
    response = login(w.inspector).post(f"/problems/{ticket.pk}/cancel/", {"reason": "误报"})
    assert response.status_code == 403
    assert "Only the client project lead can withdraw a notice." in response.content.decode()
    assert login(w.pm).get(f"/problems/{ticket.pk}/report/").status_code == 403
    c = login(w.lead)
    assert c.get(f"/problems/{ticket.pk}/report/").status_code == 200
    response = c.post(f"/problems/{ticket.pk}/report/", {"summary": "重大质量问题"})
    assert response.status_code == 302 and ticket.regulator_reports.count() == 1


def test_incident_steps_from_its_page(w, login):
    incident = services.incident_report(project=w.project, user=w.pm, category="quality", title="数据丢失",
                                        occurred_at=timezone.now(), description="d", scale="s", remedial_action="r")
    c = login(w.inspector)
    response = c.post(f"/problems/incidents/{incident.pk}/acknowledge/", {"instructions": " "}, follow=True)
    assert "Give the client&#x27;s instructions." in response.content.decode()
    response = c.post(f"/problems/incidents/{incident.pk}/acknowledge/", {"instructions": "恢复数据"})
    assert response.status_code == 302 and response["Location"] == incident.get_absolute_url()
    incident.refresh_from_db()
    assert incident.state == "acknowledged"
    assert c.post(f"/problems/incidents/{incident.pk}/stop-work/", {"reason": "停工"}).status_code == 403
