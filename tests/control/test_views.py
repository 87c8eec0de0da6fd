"""Pages: every tab renders for members and the regulator, outsiders get 404, the regulator and
wrong roles cannot write, forms call the services."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from apps.control import services
from apps.control.enums import ChangeState, ReportState
from apps.control.models import ChangeRequest, RiskPoint
from tests.conftest import PASSWORD

from .builders import change, improvement, meeting, point, report, stage, today

pytestmark = pytest.mark.django_db

TABS = ["project", "risks", "changes", "meetings", "reports", "progress", "improvements"]


def _records(w):
    p = point(w)
    cr = change(w)
    m = meeting(w)
    item = services.action_item_add(meeting=m, user=w.lead, description="提交校准记录", owner_party="contractor",
                                    owner=w.pm, due_date=today() + dt.timedelta(days=3))
    r = services.quality_report_submit(quality_report=report(w), user=w.pm)
    s = stage(w)
    plan = services.improvement_plan_submit(improvement_plan=improvement(w), user=w.pm)
    return {"risk": p, "change": cr, "meeting": m, "item": item, "report": r, "stage": s, "plan": plan}


def _detail_urls(rec):
    return [reverse("control:change_detail", args=[rec["change"].pk]),
            reverse("control:meeting_detail", args=[rec["meeting"].pk]),
            reverse("control:report_detail", args=[rec["report"].pk]),
            reverse("control:improvement_detail", args=[rec["plan"].pk])]


@pytest.mark.parametrize("who", ["lead", "pm", "operator", "regulator"])
def test_every_tab_and_detail_renders(w, login, who):
    rec = _records(w)
    client = login(getattr(w, who))
    for tab in TABS:
        response = client.get(reverse(f"control:{tab}", args=[w.project.pk]))
        assert response.status_code == 200, tab
    for url in _detail_urls(rec):
        assert client.get(url).status_code == 200, url


def test_outsider_gets_404_everywhere(w, login):
    rec = _records(w)
    client = login(w.outsider)
    urls = [reverse(f"control:{tab}", args=[w.project.pk]) for tab in TABS] + _detail_urls(rec) + [
        reverse("control:risk_edit", args=[rec["risk"].pk]), reverse("control:change_approve", args=[rec["change"].pk]),
        reverse("control:action_complete", args=[rec["item"].pk]),
        reverse("control:stage_start", args=[rec["stage"].pk]), reverse("control:change_add", args=[w.project.pk])]
    for url in urls:
        assert client.get(url).status_code == 404, url
        assert client.post(url, {}).status_code == 404, url
    other = login(w.other_regulator)
    assert other.get(reverse("control:project", args=[w.project.pk])).status_code == 404


def test_regulator_reads_but_cannot_write(w, login):
    rec = _records(w)
    client = login(w.regulator)
    assert client.get(reverse("control:change_add", args=[w.project.pk])).status_code == 403
    assert client.get(reverse("control:change_approve", args=[rec["change"].pk])).status_code == 403
    response = client.post(reverse("control:risk_add", args=[w.project.pk]),
                           {"category": "quality", "description": "x"})
    assert response.status_code == 403
    assert RiskPoint.objects.count() == 1


def test_wrong_role_gets_403(w, login):
    rec = _records(w)
    assert login(w.pm).get(reverse("control:change_approve", args=[rec["change"].pk])).status_code == 403
    assert login(w.lead).get(reverse("control:change_add", args=[w.project.pk])).status_code == 403
    assert login(w.operator).post(reverse("control:report_add", args=[w.project.pk]), {}).status_code == 403


def test_drafts_are_the_contractors_own(w, login):
    r = report(w, period_start=today() - dt.timedelta(days=20), period_end=today() - dt.timedelta(days=14))
    assert login(w.lead).get(reverse("control:report_detail", args=[r.pk])).status_code == 404
    assert login(w.pm).get(reverse("control:report_detail", args=[r.pk])).status_code == 200


def test_change_request_through_the_pages(w, login):
    pm = login(w.pm)
    response = pm.post(reverse("control:change_add", args=[w.project.pk]), {
        "category": "schedule", "title": "延期一周", "description": "第二阶段延期一周", "reason": "设备维修",
        "quality_impact": "不影响质量"})
    cr = ChangeRequest.objects.get()
    assert response.status_code == 302 and response.url == cr.get_absolute_url()
    lead = login(w.lead)
    url = reverse("control:change_approve", args=[cr.pk])
    response = lead.post(url, {"opinion": "同意", "password": "wrong"})
    assert response.status_code == 200 and "Wrong password" in response.content.decode()
    cr.refresh_from_db()
    assert cr.state == ChangeState.SUBMITTED
    response = lead.post(url, {"opinion": "同意", "password": PASSWORD})
    assert response.status_code == 302
    cr.refresh_from_db()
    assert cr.state == ChangeState.APPROVED
    # a repeated action is told, not approved twice
    response = lead.get(url, follow=True)
    assert "no longer awaiting a decision" in response.content.decode()


def test_report_acknowledged_through_the_pages(w, login):
    r = services.quality_report_submit(quality_report=report(w), user=w.pm)
    response = login(w.inspector).post(reverse("control:report_acknowledge", args=[r.pk]),
                                       {"comment": "已阅", "next_report_due": ""})
    assert response.status_code == 302
    r.refresh_from_db()
    assert r.state == ReportState.ACKNOWLEDGED


def test_form_errors_are_shown_and_nothing_changes(w, login):
    response = login(w.lead).post(reverse("control:assess", args=[w.project.pk]), {"conclusion": "评估"})
    assert response.status_code == 200 and "Record the project" in response.content.decode()


def test_hold_for_quality_through_the_pages(w, login):
    s = stage(w)
    response = login(w.lead).post(reverse("control:stage_hold", args=[s.pk]), {"reason": "质量优先"})
    assert response.status_code == 302
    s.refresh_from_db()
    assert s.state == "held_for_quality"


def test_control_pages_do_not_run_a_query_per_row(w, login):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    c = login(w.lead)
    tabs = ("", "risks/", "changes/", "meetings/", "reports/", "progress/", "improvements/")

    def counts():
        result = []
        for tab in tabs:
            with CaptureQueriesContext(connection) as ctx:
                assert c.get(f"/control/projects/{w.project.pk}/{tab}").status_code == 200
            result.append(len(ctx))
        return result

    def add_rows(i):
        point(w, description=f"风险{i}")
        change(w, title=f"变更{i}")
        meeting(w)
        services.quality_report_submit(quality_report=report(w, period_start=today() - dt.timedelta(days=7 * i + 6),
                                                     period_end=today() - dt.timedelta(days=7 * i)), user=w.pm)
        stage(w, name=f"阶段{i}")
        services.improvement_plan_submit(improvement_plan=improvement(w), user=w.pm)

    add_rows(1)
    few = counts()
    for i in range(2, 5):
        add_rows(i)
    assert counts() == few
