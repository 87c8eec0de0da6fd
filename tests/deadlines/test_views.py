import datetime as dt

import pytest
from django.urls import reverse

from apps.deadlines.enums import DeadlineState
from apps.deadlines.models import Deadline

from .builders import make_deadline


def _url(world):
    return reverse("deadlines:project_deadlines", args=[world.project.pk])


@pytest.mark.parametrize("who", ["lead", "pm", "operator", "regulator"])
def test_project_people_and_regulator_see_the_deadlines(world, login, who):
    d = make_deadline(world, due=dt.date(2020, 1, 2))
    response = login(getattr(world, who)).get(_url(world))
    assert response.status_code == 200
    body = response.content.decode()
    assert d.title in body and f'id="deadline-{d.pk}"' in body
    assert "table-danger" in body  # overdue rows are flagged
    assert (f"/deadlines/{d.pk}/waive/" in body) == (who == "lead")


@pytest.mark.parametrize("who", ["outsider", "other_regulator"])
def test_outsiders_get_404(world, login, who):
    make_deadline(world, due=dt.date(2026, 11, 20))
    assert login(getattr(world, who)).get(_url(world)).status_code == 404


def test_closed_tab_shows_closed_deadlines(world, login):
    d = make_deadline(world, due=dt.date(2026, 11, 20))
    from apps.deadlines.services import deadline_waive

    deadline_waive(deadline=d, user=world.lead, reason="合同变更")
    client = login(world.lead)
    assert "合同变更" not in client.get(_url(world)).content.decode()
    assert "合同变更" in client.get(_url(world) + "?show=closed").content.decode()


def test_lead_waives_from_the_page(world, login):
    d = make_deadline(world, due=dt.date(2026, 11, 20))
    response = login(world.lead).post(reverse("deadlines:deadline_waive", args=[d.pk]), {"reason": "合同变更"})
    assert response.status_code == 302
    d.refresh_from_db()
    assert d.state == DeadlineState.WAIVED and d.waive_reason == "合同变更"


def test_waive_without_reason_changes_nothing(world, login):
    d = make_deadline(world, due=dt.date(2026, 11, 20))
    response = login(world.lead).post(reverse("deadlines:deadline_waive", args=[d.pk]), {"reason": " "},
                                      follow=True)
    assert response.status_code == 200
    assert "Give a reason" in response.content.decode()
    assert Deadline.objects.get(pk=d.pk).state == DeadlineState.OPEN


def test_waive_twice_shows_a_message(world, login):
    d = make_deadline(world, due=dt.date(2026, 11, 20))
    client = login(world.lead)
    client.post(reverse("deadlines:deadline_waive", args=[d.pk]), {"reason": "一"})
    response = client.post(reverse("deadlines:deadline_waive", args=[d.pk]), {"reason": "二"}, follow=True)
    assert "already closed" in response.content.decode()
    assert Deadline.objects.get(pk=d.pk).waive_reason == "一"


@pytest.mark.parametrize("who, status", [("pm", 403), ("inspector", 403), ("regulator", 403), ("outsider", 404)])
def test_others_cannot_waive(world, login, who, status):
    d = make_deadline(world, due=dt.date(2026, 11, 20))
    response = login(getattr(world, who)).post(reverse("deadlines:deadline_waive", args=[d.pk]), {"reason": "x"})
    assert response.status_code == status
    assert Deadline.objects.get(pk=d.pk).state == DeadlineState.OPEN


def test_unknown_deadline_is_404(world, login):
    assert login(world.lead).post(reverse("deadlines:deadline_waive", args=[999999]), {"reason": "x"}).status_code \
        == 404


def test_waive_is_post_only_and_a_wrong_role_reads_why(world, login):
    d = make_deadline(world, due=dt.date(2026, 11, 20))
    assert login(world.lead).get(reverse("deadlines:deadline_waive", args=[d.pk])).status_code == 405
    response = login(world.pm).post(reverse("deadlines:deadline_waive", args=[d.pk]), {"reason": "x"})
    assert response.status_code == 403
    assert "Only the client project lead can waive a deadline." in response.content.decode()
