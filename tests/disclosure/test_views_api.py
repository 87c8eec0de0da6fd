from django.urls import reverse
from django.utils import timezone

from apps.disclosure.models import TechnicalDisclosure


def test_pages_scoping_and_actions(world, login, ready):
    project_url = reverse("disclosure:project", args=[world.project.pk])
    assert login(world.outsider).get(project_url).status_code == 404
    assert login(world.outsider).get(ready.get_absolute_url()).status_code == 404
    page = login(world.pm).get(ready.get_absolute_url())
    assert page.status_code == 200 and reverse("disclosure:attendance", args=[ready.pk]) not in page.text
    page = login(world.lead).get(ready.get_absolute_url())
    assert reverse("disclosure:attendance", args=[ready.pk]) in page.text
    assert login(world.regulator).get(ready.get_absolute_url()).status_code == 200
    assert login(world.pm).post(reverse("disclosure:edit", args=[ready.pk]),
                                {"meeting_date": "2026-01-01", "place": "x"}).status_code == 403
    assert login(world.regulator).post(reverse("disclosure:edit", args=[ready.pk]),
                                       {"meeting_date": "2026-01-01", "place": "x"}).status_code == 403


def test_missing_attendee_is_shown(world, login, disclosure):
    page = login(world.lead).get(disclosure.get_absolute_url())
    assert "missing-attendees" in page.text and "孙伟" in page.text


def test_create_through_page_and_bad_input(world, login):
    url = reverse("disclosure:project", args=[world.project.pk])
    assert login(world.pm).post(url, {"meeting_date": "2026-10-10", "place": "会议室"}).status_code == 403
    response = login(world.lead).post(url, {"meeting_date": "not a date", "place": "会议室"})
    assert response.status_code == 200 and not TechnicalDisclosure.objects.exists()
    response = login(world.lead).post(url, {"meeting_date": timezone.localdate().isoformat(), "place": "会议室"})
    assert response.status_code == 302 and TechnicalDisclosure.objects.count() == 1


def test_api(world, login, disclosure):
    url = f"/api/v1/projects/{world.project.pk}/disclosures/"
    assert login(world.outsider).get(url).status_code == 404
    data = login(world.regulator).get(f"{url}{disclosure.pk}/").json()
    assert [m["name"] for m in data["missing_attendees"]] == sorted(m["name"] for m in data["missing_attendees"])
    assert len(data["items"]) == 5 and data["signed_by_both"] is False and data["signing_problems"]
    assert login(world.regulator).post(f"{url}{disclosure.pk}/items/", {"topic": "security", "text": "x"},
                                       content_type="application/json").status_code == 403
    assert login(world.pm).post(f"{url}{disclosure.pk}/items/", {"topic": "security", "text": "x"},
                                content_type="application/json").status_code == 403
    bad = login(world.lead).post(f"{url}{disclosure.pk}/items/", {"topic": "nonsense", "text": "x"},
                                 content_type="application/json")
    assert bad.status_code == 400
    ok = login(world.lead).post(f"{url}{disclosure.pk}/items/", {"topic": "security", "text": "断网、禁用USB"},
                                content_type="application/json")
    assert ok.status_code == 200
    assert next(i for i in ok.json()["items"] if i["topic"] == "security")["text"] == "断网、禁用USB"
    ok = login(world.lead).post(f"{url}{disclosure.pk}/attendance/", {"attendees": [world.pm.pk, world.lead.pk]},
                                content_type="application/json")
    assert ok.status_code == 200 and len(ok.json()["attendees"]) == 2
    created = login(world.lead).post(url, {"meeting_date": "2026-10-10", "place": "会议室"},
                                     content_type="application/json")
    assert created.status_code == 400 and created.json()["code"] == "illegal_transition"
