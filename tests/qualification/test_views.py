"""Pages: each role sees its actions; outsiders 404; regulators read only; bad input."""

import pytest

from apps.qualification.enums import ReviewStatus
from apps.qualification.models import QualificationDocument, QualificationReview

from .builders import DOCS, accept_all, approved_round, open_round, submitted_round

pytestmark = pytest.mark.django_db


def doc_post(d):
    data = {k: v for k, v in d.items() if k not in ("service_types", "valid_until", "valid_from")}
    data["valid_from"] = d["valid_from"].isoformat()
    data["valid_until"] = d["valid_until"].isoformat() if d["valid_until"] else ""
    data["service_types"] = d["service_types"]
    return data


def test_contractor_flow_through_pages(world, login):
    c = login(world.pm)
    page = c.get(f"/qualification/projects/{world.project.pk}/")
    assert page.status_code == 200 and "open the first round" in page.content.decode()
    response = c.post(f"/qualification/projects/{world.project.pk}/rounds/open/")
    review = QualificationReview.objects.get(project=world.project)
    assert response.url == f"/qualification/reviews/{review.pk}/"
    for d in DOCS:
        r = c.post(f"/qualification/reviews/{review.pk}/documents/add/", doc_post(d))
        assert r.status_code == 302, r.content.decode()[:2000]
    assert review.documents.count() == 4
    page = c.get(f"/qualification/reviews/{review.pk}/").content.decode()
    assert "Submit to the client for review" in page and "Approve and sign" not in page
    c.post(f"/qualification/reviews/{review.pk}/submit/")
    review.refresh_from_db()
    assert review.status == ReviewStatus.SUBMITTED


def test_bad_document_input_is_a_form_error(world, login):
    review = open_round(world)
    c = login(world.pm)
    bad = doc_post(DOCS[1]) | {"valid_from": "2030-02-31", "kind": "nonsense", "number": "x" * 500}
    response = c.post(f"/qualification/reviews/{review.pk}/documents/add/", bad)
    assert response.status_code == 200
    assert review.documents.count() == 0


def test_client_checks_and_approval_goes_to_signing(world, login):
    review = submitted_round(world)
    doc = review.documents.first()
    c = login(world.inspector)
    page = c.get(f"/qualification/reviews/{review.pk}/").content.decode()
    assert "Record check" in page and "Approve and sign" not in page and "Reject with reasons" in page
    c.post(f"/qualification/documents/{doc.pk}/check/", {"is_authentic": "yes", "in_date": "yes",
                                                          "scope_matches": "maybe"})
    doc.refresh_from_db()
    assert doc.result == "pending"  # bad choice: nothing changed
    accept_all(world, review)
    lead = login(world.lead)
    assert "Approve and sign" in lead.get(f"/qualification/reviews/{review.pk}/").content.decode()
    response = lead.post(f"/qualification/reviews/{review.pk}/approve/", {"reason": "同意"})
    assert response.status_code == 302 and response.url.startswith("/signatures/sign/")
    review.refresh_from_db()
    assert review.status == ReviewStatus.APPROVED


def test_contractor_cannot_approve_through_the_page(world, login):
    review = submitted_round(world)
    accept_all(world, review)
    response = login(world.pm).post(f"/qualification/reviews/{review.pk}/approve/", {"reason": ""})
    assert response.status_code == 403
    review.refresh_from_db()
    assert review.status == ReviewStatus.SUBMITTED


def test_regulator_reads_but_cannot_write(world, login):
    review = approved_round(world)
    c = login(world.regulator)
    assert c.get(f"/qualification/projects/{world.project.pk}/").status_code == 200
    page = c.get(f"/qualification/reviews/{review.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Add document" not in html and "Record check" not in html and "Reject with reasons" not in html
    assert c.post(f"/qualification/projects/{world.project.pk}/rounds/open/").status_code == 403


@pytest.mark.parametrize("who", ["outsider", "other_regulator"])
def test_outsiders_get_404_everywhere(world, login, who):
    review = submitted_round(world)
    doc = review.documents.first()
    c = login(getattr(world, who))
    for url in [f"/qualification/projects/{world.project.pk}/", f"/qualification/reviews/{review.pk}/",
                f"/qualification/documents/{doc.pk}/edit/"]:
        assert c.get(url).status_code == 404
    for url in [f"/qualification/reviews/{review.pk}/approve/", f"/qualification/documents/{doc.pk}/check/"]:
        assert c.post(url, {}).status_code in (403, 404)
    assert QualificationDocument.objects.get(pk=doc.pk).result == "pending"
