"""The acceptance pages: who sees them, who gets the buttons, the forms posting to the services,
the PDF of the report and the overview of common problems."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.utils import timezone
from pypdf import PdfReader

from apps.acceptance import services
from apps.acceptance.enums import ApplicationState, RoundState
from apps.acceptance.models import AcceptanceApplication, AcceptanceRound, TeamMember
from apps.projects.enums import Phase

from .builders import (
    expert_of,
    fail_round,
    into_acceptance,
    name_team,
    pass_acceptance,
    ready_to_apply,
)

pytestmark = pytest.mark.django_db

VIEWERS = ["lead", "inspector", "acceptance", "pm", "special", "regulator"]


def pdf_text(data: bytes) -> str:
    return "".join("".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(data)).pages)


@pytest.mark.parametrize("who", VIEWERS)
def test_the_project_page_shows_the_acceptance_to_everyone_on_the_project(w, login, who):
    fail_round(w)
    response = login(getattr(w, who)).get(f"/acceptance/projects/{w.project.pk}/")
    assert response.status_code == 200
    body = response.content.decode()
    assert w.project.name in body and "数字化图像 120 件" in body and "吴教授" in body


def test_the_expert_sees_the_project_page_and_the_round(w, login):
    acceptance_round = fail_round(w)
    client = login(w.expert)
    assert client.get(f"/acceptance/projects/{w.project.pk}/").status_code == 200
    assert client.get(f"/acceptance/rounds/{acceptance_round.pk}/").status_code == 200


@pytest.mark.parametrize("who", ["outsider", "other_regulator"])
def test_outsiders_get_404(w, login, who):
    acceptance_round = fail_round(w)
    client = login(getattr(w, who))
    application = AcceptanceApplication.objects.get()
    for url in (f"/acceptance/projects/{w.project.pk}/", f"/acceptance/rounds/{acceptance_round.pk}/",
                f"/acceptance/rounds/{acceptance_round.pk}/report/", f"/acceptance/applications/{application.pk}/review/",
                f"/reports/forms/acceptance_report/{acceptance_round.pk}/"):
        assert client.get(url).status_code == 404, url
    # A regulator's write is refused before any view runs (read-only middleware); an outsider's is 404.
    expected = 403 if who == "other_regulator" else 404
    assert client.post(f"/acceptance/projects/{w.project.pk}/rounds/start/").status_code == expected


@pytest.mark.parametrize("who", VIEWERS)
def test_the_round_page_for_each_viewer(w, login, who):
    acceptance_round = fail_round(w)
    response = login(getattr(w, who)).get(f"/acceptance/rounds/{acceptance_round.pk}/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "部分图像偏斜" in body and "验收组意见" in body


def test_buttons_show_only_where_the_rule_allows(w, login):
    ready_to_apply(w)
    url = f"/acceptance/projects/{w.project.pk}/"
    assert f"/acceptance/projects/{w.project.pk}/apply/" in login(w.pm).get(url).content.decode()
    for who in ("lead", "inspector", "regulator"):
        assert "/apply/" not in login(getattr(w, who)).get(url).content.decode()


def test_the_pm_applies_and_the_lead_returns_then_accepts_through_the_pages(w, login):
    ready_to_apply(w)
    pm = login(w.pm)
    assert pm.get(f"/acceptance/projects/{w.project.pk}/apply/").status_code == 200
    response = pm.post(f"/acceptance/projects/{w.project.pk}/apply/", {"results": "图像 60 件", "note": ""})
    assert response.status_code == 302
    application = AcceptanceApplication.objects.get()
    for line in application.lines.filter(record_ref=""):
        response = pm.post(f"/acceptance/lines/{line.pk}/edit/", {
            "kind": line.kind, "title": line.title, "required": "on", "record_ref": "control", "reference": "",
            "version": line.version})
        assert response.status_code == 302
    assert pm.post(f"/acceptance/applications/{application.pk}/submit/",
                   {"version": application.version}).status_code == 302
    application.refresh_from_db()
    assert application.state == ApplicationState.SUBMITTED

    lead = login(w.lead)
    page = lead.get(f"/acceptance/applications/{application.pk}/review/")
    assert page.status_code == 200
    first = application.lines.order_by("order").first()
    response = lead.post(f"/acceptance/applications/{application.pk}/review/", {
        "complete": "no", f"missing_{first.pk}": "缺数量", "note": "", "version": application.version})
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.state == ApplicationState.RETURNED
    pm = login(w.pm)  # one test client: log in again as the contractor
    pm.post(f"/acceptance/applications/{application.pk}/submit/", {"version": application.version})
    application.refresh_from_db()
    lead = login(w.lead)
    response = lead.post(f"/acceptance/applications/{application.pk}/review/", {
        "complete": "yes", "note": "齐全", "version": application.version})
    assert response.status_code == 302, response.content.decode()[-3000:]
    w.project.refresh_from_db()
    assert w.project.phase == Phase.ACCEPTANCE


def test_bad_input_is_a_form_error_and_nothing_is_saved(w, login):
    into_acceptance(w)
    name_team(w)
    acceptance_round = services.round_start(project=w.project, user=w.lead)
    response = login(w.lead).post(f"/acceptance/rounds/{acceptance_round.pk}/plan/", {
        "plan_content": "内容", "rate_digitization": "3", "version": acceptance_round.version})
    assert response.status_code == 200
    assert "invalid-feedback" in response.content.decode()
    acceptance_round.refresh_from_db()
    assert acceptance_round.plan_content == "" and acceptance_round.version == 1


@pytest.mark.parametrize("who", ["pm", "acceptance", "inspector"])
def test_wrong_roles_get_403_on_the_transition_pages(w, login, who):
    into_acceptance(w)
    name_team(w)
    acceptance_round = services.round_start(project=w.project, user=w.lead)
    client = login(getattr(w, who))
    for url in (f"/acceptance/rounds/{acceptance_round.pk}/plan/", f"/acceptance/projects/{w.project.pk}/team/add/"):
        assert client.get(url).status_code == 403, url
    assert client.post(f"/acceptance/rounds/{acceptance_round.pk}/approve/").status_code == 403
    acceptance_round.refresh_from_db()
    assert acceptance_round.state == RoundState.PLANNING


def test_the_regulator_reads_and_is_refused_every_write(w, login):
    into_acceptance(w)
    client = login(w.regulator)
    assert client.get(f"/acceptance/projects/{w.project.pk}/").status_code == 200
    assert client.post(f"/acceptance/projects/{w.project.pk}/rounds/start/").status_code == 403
    assert not AcceptanceRound.objects.exists()


def test_the_lead_runs_a_round_through_the_pages(w, login):
    into_acceptance(w)
    lead = login(w.lead)
    expert = expert_of(w)
    assert lead.get(f"/acceptance/projects/{w.project.pk}/team/add/").status_code == 200
    for person, leader in ((w.lead, "on"), (w.acceptance, ""), (expert, "")):
        assert lead.post(f"/acceptance/projects/{w.project.pk}/team/add/",
                         {"person": person.pk, "is_leader": leader}).status_code == 302
    assert TeamMember.objects.count() == 3
    response = lead.post(f"/acceptance/projects/{w.project.pk}/rounds/start/", {"override_reason": ""})
    acceptance_round = AcceptanceRound.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/acceptance/rounds/{acceptance_round.pk}/"
    assert lead.get(f"/acceptance/rounds/{acceptance_round.pk}/plan/").status_code == 200
    item = w.project.check_items.filter(service_type="digitization").first()
    today = timezone.localdate()
    response = lead.post(f"/acceptance/rounds/{acceptance_round.pk}/plan/", {
        "plan_content": "核查数字化成果", "standards": [item.pk], "rate_digitization": "8",
        "schedule_start": today.isoformat(), "schedule_end": (today + dt.timedelta(days=2)).isoformat(),
        "version": acceptance_round.version})
    assert response.status_code == 302
    acceptance_round.refresh_from_db()
    lead.post(f"/acceptance/rounds/{acceptance_round.pk}/approve/", {"version": acceptance_round.version})
    acceptance_round.refresh_from_db()
    assert acceptance_round.state == RoundState.PLANNED
    lead.post(f"/acceptance/rounds/{acceptance_round.pk}/inspection/", {"version": acceptance_round.version})
    acceptance_round.refresh_from_db()
    assert acceptance_round.state == RoundState.INSPECTING
    page = lead.get(f"/acceptance/rounds/{acceptance_round.pk}/").content.decode()
    assert acceptance_round.samplings.get().inspection.get_absolute_url() in page


def test_the_report_pdf_has_the_inspection_summary_and_the_signatures(w, login):
    acceptance_round = pass_acceptance(w)
    response = login(w.pm).get(f"/reports/forms/acceptance_report/{acceptance_round.pk}/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    row = acceptance_round.figures[0]
    for expected in ["档案服务外包项目验收报告", w.project.name, "第1轮验收", "抽检情况", "档案数字化加工",
                     f"{row['lot_size']}{row['sample_size']}", "验收组意见", "王建国", "张明", "吴教授", "陈志强",
                     "组长", "验收专家"]:
        assert expected in text, expected


def test_the_pdf_of_a_failed_round_prints_the_deadline(w, login):
    acceptance_round = fail_round(w)
    text = pdf_text(login(w.lead).get(f"/reports/forms/acceptance_report/{acceptance_round.pk}/").content)
    assert "部分图像偏斜" in text and "整改期限" in text
    assert f"{acceptance_round.rectification_due:%Y}年" in text


@pytest.mark.parametrize("who", ["lead", "regulator", "pm"])
def test_the_overview_of_common_problems(w, login, who):
    into_acceptance(w)
    name_team(w)
    acceptance_round = services.round_start(project=w.project, user=w.lead)
    services.common_problem_record(acceptance_round=acceptance_round, user=w.lead, category="security",
                                   description="交接登记不完整", suggested_control="双人交接")
    body = login(getattr(w, who)).get("/acceptance/common-problems/?category=security").content.decode()
    assert "交接登记不完整" in body and "双人交接" in body


def test_the_overview_shows_outsiders_nothing(w, login):
    into_acceptance(w)
    name_team(w)
    acceptance_round = services.round_start(project=w.project, user=w.lead)
    services.common_problem_record(acceptance_round=acceptance_round, user=w.lead, category="security",
                                   description="交接登记不完整", suggested_control="双人交接")
    for who in ("outsider", "other_regulator"):
        response = login(getattr(w, who)).get("/acceptance/common-problems/?project=abc&category=zzz")
        assert response.status_code == 200 and "交接登记不完整" not in response.content.decode()


def test_the_project_tabs_show_the_acceptance_history_and_annex_a(w, login):
    pass_acceptance(w)
    client = login(w.lead)
    history = client.get(f"/projects/{w.project.pk}/?tab=history")
    assert history.status_code == 200
    body = history.content.decode()
    assert "Acceptance plan approved" in body and "Named to the acceptance team" in body
    for tab in ("gates", "annex_a", "overview"):
        assert client.get(f"/projects/{w.project.pk}/?tab={tab}").status_code == 200
    from apps.projects.selectors import annex_a_rows

    rows = {r["step"].code: r for r in annex_a_rows(w.project)}
    assert rows["acceptance_organisation"]["status"] == "done"
    assert rows["acceptance_implementation"]["status"] == "done"
    pdf = client.get(f"/reports/forms/annex_a/{w.project.pk}/")
    assert pdf.status_code == 200
