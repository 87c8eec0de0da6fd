"""API: evaluations, breaches (project prefix) and the read-only contractor performance record;
same rules as the pages, outsiders 404, regulator read-only."""

from __future__ import annotations

import pytest
from django.utils import timezone

from apps.evaluation.enums import EvaluationState
from apps.evaluation.models import Breach, QualityEvaluation
from tests.conftest import PASSWORD

from .builders import TEXTS, accepted, answered, breach, issued, score_missing

pytestmark = pytest.mark.django_db


def base(world):
    return f"/api/v1/projects/{world.project.pk}"


def test_the_client_reads_the_draft_the_contractor_does_not(world, api):
    evaluation = accepted(world)
    listing = api(world.lead).get(f"{base(world)}/evaluations/")
    assert listing.status_code == 200 and [e["id"] for e in listing.json()["results"]] == [evaluation.pk]
    body = api(world.lead).get(f"{base(world)}/evaluations/{evaluation.pk}/").json()
    assert body["state"] == "draft" and "sampling" in body["figures"] and body["sheet"]["rows"]
    assert api(world.pm).get(f"{base(world)}/evaluations/").json()["results"] == []
    assert api(world.pm).get(f"{base(world)}/evaluations/{evaluation.pk}/").status_code == 404


@pytest.mark.parametrize("who", ["outsider", "other_regulator"])
def test_outsiders_get_404(world, api, who):
    evaluation = issued(world)
    client = api(getattr(world, who))
    assert client.get(f"{base(world)}/evaluations/").status_code == 404
    assert client.get(f"{base(world)}/evaluations/{evaluation.pk}/").status_code == 404
    # A regulator's write is refused before any view (403, apps.accounts middleware); others learn nothing.
    assert client.post(f"{base(world)}/evaluations/{evaluation.pk}/answer/", {}).status_code == (
        403 if who == "other_regulator" else 404)
    assert client.get(f"{base(world)}/breaches/").status_code == 404


def test_the_whole_flow_through_the_api(world, api):
    accepted(world)
    QualityEvaluation.objects.all().delete()
    lead = api(world.lead)
    created = lead.post(f"{base(world)}/evaluations/", {})
    assert created.status_code == 201
    pk = created.json()["id"]
    edited = lead.post(f"{base(world)}/evaluations/{pk}/edit/", {**TEXTS, "version": created.json()["version"]})
    assert edited.status_code == 200 and edited.json()["lessons"] == TEXTS["lessons"]
    stale = lead.post(f"{base(world)}/evaluations/{pk}/edit/", {**TEXTS, "problems": "改", "version": 1})
    assert stale.status_code == 409
    bad = lead.post(f"{base(world)}/evaluations/{pk}/score/", {"indicator": "cooperation", "score": "120",
                                                              "comment": "x"})
    assert bad.status_code == 400
    scored = lead.post(f"{base(world)}/evaluations/{pk}/score/", {"indicator": "cooperation", "score": "85",
                                                                 "comment": "良好。"})
    assert scored.status_code == 200
    score_missing(world, QualityEvaluation.objects.get(pk=pk))
    wrong = lead.post(f"{base(world)}/evaluations/{pk}/issue/", {"password": "wrong"})
    assert wrong.status_code == 400 and wrong.json()["field"] == "password"
    done = lead.post(f"{base(world)}/evaluations/{pk}/issue/", {"password": PASSWORD})
    assert done.status_code == 200 and done.json()["state"] == "issued" and done.json()["total_score"]
    pm = api(world.pm)
    assert pm.get(f"{base(world)}/evaluations/{pk}/").status_code == 200
    answer = pm.post(f"{base(world)}/evaluations/{pk}/answer/", {"contractor_weaknesses": "短板。",
                                                                  "improvement_direction": "方向。"})
    assert answer.status_code == 200 and answer.json()["state"] == "answered"
    returned = lead.post(f"{base(world)}/evaluations/{pk}/return/", {"reason": "请补充。"})
    assert returned.status_code == 200 and returned.json()["state"] == "issued"
    pm.post(f"{base(world)}/evaluations/{pk}/answer/", {"contractor_weaknesses": "短板。",
                                                         "improvement_direction": "方向。"})
    acknowledged = lead.post(f"{base(world)}/evaluations/{pk}/acknowledge/", {"comment": "备案。"})
    assert acknowledged.status_code == 200 and acknowledged.json()["state"] == "acknowledged"
    again = lead.post(f"{base(world)}/evaluations/{pk}/acknowledge/", {})
    assert again.status_code == 400 and again.json()["code"] == "illegal_transition"


def test_wrong_roles_get_403_and_nothing_changes(world, api):
    evaluation = issued(world)
    assert api(world.lead).post(f"{base(world)}/evaluations/{evaluation.pk}/answer/", {
        "contractor_weaknesses": "x", "improvement_direction": "y"}).status_code == 403
    assert api(world.regulator).post(f"{base(world)}/evaluations/{evaluation.pk}/answer/", {
        "contractor_weaknesses": "x", "improvement_direction": "y"}).status_code == 403
    assert api(world.pm).post(f"{base(world)}/evaluations/", {}).status_code == 403
    evaluation = answered(world, evaluation)
    assert api(world.pm).post(f"{base(world)}/evaluations/{evaluation.pk}/acknowledge/", {}).status_code == 403
    evaluation.refresh_from_db()
    assert evaluation.state == EvaluationState.ANSWERED


def test_breaches_through_the_api(world, api):
    accepted(world)
    lead = api(world.lead)
    bad = lead.post(f"{base(world)}/breaches/", {"ground": "nonsense", "description": "x",
                                                 "occurred_on": timezone.localdate().isoformat()})
    assert bad.status_code == 400
    created = lead.post(f"{base(world)}/breaches/", {"ground": "overdue_rectification", "description": "逾期。",
                                                     "occurred_on": timezone.localdate().isoformat()})
    assert created.status_code == 201 and created.json()["contractor"] == world.contractor.pk
    pk = created.json()["id"]
    assert api(world.pm).get(f"{base(world)}/breaches/{pk}/").json()["ground"] == "overdue_rectification"
    assert api(world.pm).post(f"{base(world)}/breaches/", {"ground": "other", "description": "x",
                                                           "occurred_on": "2026-11-01"}).status_code == 403
    assert api(world.regulator).post(f"{base(world)}/breaches/{pk}/withdraw/", {"reason": "x"}).status_code == 403
    assert lead.post(f"{base(world)}/breaches/{pk}/withdraw/", {}).status_code == 400
    withdrawn = lead.post(f"{base(world)}/breaches/{pk}/withdraw/", {"reason": "误录。"})
    assert withdrawn.status_code == 200 and withdrawn.json()["state"] == "withdrawn"
    assert Breach.objects.get().state == "withdrawn"


def test_contractor_performance_is_read_only_and_scoped(world, api):
    issued(world)
    breach(world)
    listing = api(world.lead).get("/api/v1/contractor-performance/")
    assert listing.status_code == 200
    (row,) = listing.json()["results"]
    assert row["contractor"] == world.contractor.pk and row["breaches"] == 1 and row["evaluations"] == 1
    one = api(world.regulator).get(f"/api/v1/contractor-performance/{world.contractor.pk}/")
    assert one.status_code == 200 and one.json()["latest_score"]
    assert api(world.pm).get(f"/api/v1/contractor-performance/{world.contractor.pk}/").status_code == 200
    assert api(world.outsider).get(f"/api/v1/contractor-performance/{world.contractor.pk}/").status_code == 404
    assert api(world.other_regulator).get(f"/api/v1/contractor-performance/{world.contractor.pk}/").status_code == 404
    assert api(world.lead).post("/api/v1/contractor-performance/", {}).status_code == 405
