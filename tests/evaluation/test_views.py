"""Pages: the project's evaluation for each role (a draft only for the client), the transition
pages (404 outsiders, 403 wrong role, form errors, nothing saved), breaches, the scheme."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from apps.evaluation.enums import BreachState, EvaluationState
from apps.evaluation.models import Breach, EvaluationScheme, QualityEvaluation, ScoreAdjustment
from tests.conftest import PASSWORD

from .builders import TEXTS, accepted, answered, breach, issued, score_missing, written

pytestmark = pytest.mark.django_db


def url(world, suffix=""):
    return f"/evaluation/projects/{world.project.pk}/{suffix}"


@pytest.mark.parametrize("who", ["lead", "inspector", "acceptance", "pm", "special", "regulator"])
def test_the_page_opens_for_every_role_in_chinese(world, login, who):
    accepted(world)
    page = login(getattr(world, who)).get(url(world))
    assert page.status_code == 200
    text = page.content.decode()
    assert "质量评估" in text and world.project.name in text


@pytest.mark.parametrize("who", ["outsider", "other_regulator"])
def test_outsiders_get_404(world, login, who):
    evaluation = issued(world)
    found = breach(world)
    client = login(getattr(world, who))
    for path in (url(world), f"/evaluation/evaluations/{evaluation.pk}/answer/", f"/evaluation/breaches/{found.pk}/",
                 f"/reports/forms/evaluation_report/{evaluation.pk}/"):
        assert client.get(path).status_code == 404


def test_a_draft_is_the_clients_own(world, login):
    evaluation = written(world)
    lead_page = login(world.lead).get(url(world)).content.decode()
    assert TEXTS["problems"] in lead_page
    for who in ("pm", "regulator"):
        client = login(getattr(world, who))
        page = client.get(url(world)).content.decode()
        assert TEXTS["problems"] not in page and "评估报告" in page
        assert client.get(f"/evaluation/evaluations/{evaluation.pk}/edit/").status_code == 404
        assert client.get(f"/reports/forms/evaluation_report/{evaluation.pk}/").status_code == 404


def test_lead_writes_scores_and_issues_through_the_pages(world, login):
    evaluation = accepted(world)
    client = login(world.lead)
    assert client.get(f"/evaluation/evaluations/{evaluation.pk}/edit/").status_code == 200
    response = client.post(f"/evaluation/evaluations/{evaluation.pk}/edit/", {**TEXTS, "version": evaluation.version})
    assert response.status_code == 302
    evaluation.refresh_from_db()
    assert evaluation.lessons == TEXTS["lessons"]
    score_url = f"/evaluation/evaluations/{evaluation.pk}/score/cooperation/"
    assert client.get(score_url).status_code == 200
    assert client.post(score_url, {"score": "101", "comment": "x"}).status_code == 200
    assert not ScoreAdjustment.objects.exists()
    assert client.post(score_url, {"score": "88", "comment": "配合良好。"}).status_code == 302
    assert ScoreAdjustment.objects.get().comment == "配合良好。"
    evaluation = score_missing(world, evaluation)
    issue_url = f"/evaluation/evaluations/{evaluation.pk}/issue/"
    wrong = client.post(issue_url, {"password": "wrong"})
    assert wrong.status_code == 200 and "password" in wrong.context["form"].errors
    evaluation.refresh_from_db()
    assert evaluation.state == EvaluationState.DRAFT
    assert client.post(issue_url, {"password": PASSWORD}).status_code == 302
    evaluation.refresh_from_db()
    assert evaluation.state == EvaluationState.ISSUED
    page = client.get(url(world)).content.decode()
    assert str(evaluation.total_score) in page


def test_an_unknown_indicator_is_404(world, login):
    evaluation = accepted(world)
    assert login(world.lead).get(f"/evaluation/evaluations/{evaluation.pk}/score/nonsense/").status_code == 404


@pytest.mark.parametrize("who", ["pm", "inspector"])
def test_issue_page_refuses_other_roles_with_the_rules_sentence(world, login, who):
    evaluation = score_missing(world, written(world))
    if who == "pm":
        evaluation = issued(world, evaluation)  # the contractor sees it only once issued
    response = login(getattr(world, who)).post(f"/evaluation/evaluations/{evaluation.pk}/issue/",
                                               {"password": PASSWORD})
    assert response.status_code == 403


def test_regulator_is_read_only(world, login):
    evaluation = issued(world)
    response = login(world.regulator).post(f"/evaluation/evaluations/{evaluation.pk}/answer/",
                                           {"contractor_weaknesses": "x", "improvement_direction": "y"})
    assert response.status_code == 403
    evaluation.refresh_from_db()
    assert evaluation.state == EvaluationState.ISSUED


def test_contractor_answers_and_client_acknowledges_through_the_pages(world, login):
    evaluation = issued(world)
    pm = login(world.pm)
    assert pm.get(url(world)).status_code == 200
    form = pm.get(f"/evaluation/evaluations/{evaluation.pk}/answer/")
    assert form.status_code == 200
    empty = pm.post(f"/evaluation/evaluations/{evaluation.pk}/answer/", {"contractor_weaknesses": "",
                                                                         "improvement_direction": "y"})
    assert empty.status_code == 200 and "contractor_weaknesses" in empty.context["form"].errors
    done = pm.post(f"/evaluation/evaluations/{evaluation.pk}/answer/",
                   {"contractor_weaknesses": "专检不足。", "improvement_direction": "加强专检。",
                    "version": evaluation.version})
    assert done.status_code == 302
    lead = login(world.lead)
    assert lead.post(f"/evaluation/evaluations/{evaluation.pk}/acknowledge/", {"comment": "备案。"}).status_code == 302
    evaluation.refresh_from_db()
    assert evaluation.state == EvaluationState.ACKNOWLEDGED
    assert "专检不足。" in login(world.regulator).get(url(world)).content.decode()


def test_a_repeated_transition_goes_back_with_the_states_sentence(world, login):
    evaluation = answered(world)
    client = login(world.lead)
    client.post(f"/evaluation/evaluations/{evaluation.pk}/acknowledge/", {})
    again = client.get(f"/evaluation/evaluations/{evaluation.pk}/acknowledge/")
    assert again.status_code == 302


def test_lead_starts_the_evaluation_from_the_page(world, login):
    accepted(world)
    QualityEvaluation.objects.all().delete()
    client = login(world.lead)
    assert client.post(url(world, "start/")).status_code == 302
    assert QualityEvaluation.objects.filter(project=world.project).exists()
    assert login(world.pm).post(url(world, "start/")).status_code == 403


def test_breach_pages(world, login):
    accepted(world)
    client = login(world.lead)
    assert client.get(url(world, "breaches/add/")).status_code == 200
    bad = client.post(url(world, "breaches/add/"), {"ground": "other", "description": "", "occurred_on": "2026-13-01"})
    assert bad.status_code == 200 and not Breach.objects.exists()
    pdf = SimpleUploadedFile("证据.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    response = client.post(url(world, "breaches/add/"), {
        "ground": "fourth_round", "description": "第4轮验收。", "occurred_on": timezone.localdate().isoformat(),
        "files": [pdf]})
    found = Breach.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/evaluation/breaches/{found.pk}/"
    page = login(world.pm).get(f"/evaluation/breaches/{found.pk}/")
    assert page.status_code == 200 and "第4轮验收。" in page.content.decode()
    assert login(world.pm).post(f"/evaluation/breaches/{found.pk}/withdraw/", {"reason": "x"}).status_code == 403
    assert login(world.pm).post(url(world, "breaches/add/"), {}).status_code == 403
    client = login(world.lead)
    assert client.post(f"/evaluation/breaches/{found.pk}/withdraw/", {"reason": "误录。"}).status_code == 302
    found.refresh_from_db()
    assert found.state == BreachState.WITHDRAWN


def test_scheme_pages(world, login):
    lead = login(world.lead)
    page = lead.get(f"/evaluation/schemes/{world.client_org.pk}/")
    assert page.status_code == 200 and "抽检合格率" in page.content.decode()
    assert lead.get(f"/evaluation/schemes/{world.client_org.pk}/edit/").status_code == 200
    data = {f"w_{code}": weight for code, weight in
            [("sampling_pass_rate", 30), ("defects", 20), ("rectification_on_time", 20), ("acceptance", 20),
             ("cooperation", 20)]}
    data.update(excellent_from=90, good_from=80, pass_from=60)
    bad = lead.post(f"/evaluation/schemes/{world.client_org.pk}/edit/", data)
    assert bad.status_code == 200 and bad.context["form"].non_field_errors()
    assert not EvaluationScheme.objects.exists()
    data["w_cooperation"] = 10
    assert lead.post(f"/evaluation/schemes/{world.client_org.pk}/edit/", data).status_code == 302
    assert EvaluationScheme.objects.get().weights["sampling_pass_rate"] == 30
    assert login(world.inspector).get(f"/evaluation/schemes/{world.client_org.pk}/").status_code == 200
    assert login(world.inspector).post(f"/evaluation/schemes/{world.client_org.pk}/edit/", data).status_code == 403
    for who in ("pm", "regulator", "outsider"):
        assert login(getattr(world, who)).get(f"/evaluation/schemes/{world.client_org.pk}/").status_code == 404
