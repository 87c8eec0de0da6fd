"""API: same rules and scoping as the pages."""

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from apps.qualification.enums import ReviewStatus
from apps.qualification.models import QualificationReview

from .builders import DOCS, accept_all, open_round, submitted_round

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    def _client(user, token=False):
        client = APIClient()
        client.default_format = "json"
        if token:
            client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=user)[0].key}")
        else:
            client.force_login(user)
        return client
    return _client


def url(w, suffix=""):
    return f"/api/v1/projects/{w.project.pk}/{suffix}"


def doc_json(d):
    return {**d, "valid_from": d["valid_from"].isoformat(),
            "valid_until": d["valid_until"].isoformat() if d["valid_until"] else None}


def test_happy_path_over_the_api(world, api):
    pm = api(world.pm)
    r = pm.post(url(world, "qualification-reviews/"))
    assert r.status_code == 201, r.json()
    review_id = r.json()["id"]
    for d in DOCS:
        r = pm.post(url(world, "qualification-documents/"), {"review": review_id, **doc_json(d)})
        assert r.status_code == 201, r.json()
    assert pm.post(url(world, f"qualification-reviews/{review_id}/submit/")).json()["status"] == "submitted"
    inspector = api(world.inspector, token=True)
    for doc in pm.get(url(world, f"qualification-reviews/{review_id}/")).json()["documents"]:
        r = inspector.post(url(world, f"qualification-documents/{doc['id']}/check/"),
                           {"is_authentic": True, "in_date": True, "scope_matches": True})
        assert r.status_code == 200 and r.json()["result"] == "accepted"
    r = api(world.lead).post(url(world, f"qualification-reviews/{review_id}/approve/"), {"reason": "同意"})
    assert r.status_code == 200 and r.json()["status"] == "approved" and r.json()["approval_signed"] is False


def test_illegal_transition_and_wrong_role(world, api):
    review = open_round(world)
    r = api(world.lead).post(url(world, f"qualification-reviews/{review.pk}/approve/"))
    assert r.status_code == 403  # approving a draft: the rule includes the state
    r = api(world.pm).post(url(world, f"qualification-reviews/{review.pk}/submit/"))
    assert r.status_code == 400 and r.json()["code"] == "incomplete"
    r = api(world.inspector).post(url(world, "qualification-reviews/"))
    assert r.status_code == 403


def test_bad_input_is_400(world, api):
    review = open_round(world)
    bad = doc_json(DOCS[0]) | {"review": review.pk, "valid_from": "2024-13-01", "kind": "x"}
    r = api(world.pm).post(url(world, "qualification-documents/"), bad)
    assert r.status_code == 400
    r = api(world.pm).post(url(world, "qualification-documents/"), {"review": "abc"})
    assert r.status_code == 400 and r.json()["field"] == "review"  # not an id
    r = api(world.pm).post(url(world, "qualification-documents/"), {"review": 2_000_000_000})
    assert r.status_code == 404  # no such round in this project
    assert review.documents.count() == 0


@pytest.mark.parametrize("token", [False, True])
def test_regulator_reads_and_writes_are_403(world, api, token):
    review = submitted_round(world)
    accept_all(world, review)
    c = api(world.regulator, token=token)
    assert c.get(url(world, "qualification-reviews/")).status_code == 200
    assert c.post(url(world, f"qualification-reviews/{review.pk}/approve/")).status_code == 403
    assert QualificationReview.objects.get(pk=review.pk).status == ReviewStatus.SUBMITTED


def test_outsider_gets_404(world, api):
    review = submitted_round(world)
    c = api(world.outsider, token=True)
    assert c.get(url(world, "qualification-reviews/")).status_code == 404
    assert c.get(url(world, f"qualification-reviews/{review.pk}/")).status_code == 404
    assert c.post(url(world, f"qualification-reviews/{review.pk}/reject/"), {"reason": "x"}).status_code == 404
