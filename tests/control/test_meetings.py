"""Meetings, minutes and action items (§8.2.3)."""

from __future__ import annotations

import datetime as dt

import pytest

from apps.accounts.enums import Party
from apps.control import services
from apps.control.enums import ActionState
from apps.core.errors import DomainError, PermissionDenied
from apps.deadlines.models import Deadline
from apps.signatures.enums import SignatureMeaning
from apps.signatures.services import signature_sign
from tests.conftest import PASSWORD

from .builders import meeting, today

pytestmark = pytest.mark.django_db


def _item(w, m, **kw):
    kwargs = dict(description="提交设备校准记录", owner_party="contractor", owner=w.pm,
                  due_date=today() + dt.timedelta(days=5))
    kwargs.update(kw)
    return services.action_item_add(meeting=m, user=w.lead, **kwargs)


def test_record_meeting_with_action_item_and_deadline(w):
    m = meeting(w)
    assert m.number == 1
    item = _item(w, m)
    d = Deadline.objects.get(project=w.project, kind="action_item")
    assert d.due_date == item.due_date and d.responsible_org == w.contractor and d.responsible_user == w.pm
    item = services.action_item_complete(action_item=item, user=w.pm, result="已提交")
    d.refresh_from_db()
    assert item.state == ActionState.DONE and d.state == "met"
    with pytest.raises(DomainError):
        services.action_item_complete(action_item=item, user=w.pm, result="again")


def test_cancel_waives_the_deadline(w):
    item = _item(w, meeting(w))
    with pytest.raises(PermissionDenied):
        services.action_item_cancel(action_item=item, user=w.pm, reason="x")
    item = services.action_item_cancel(action_item=item, user=w.lead, reason="会议决定取消")
    assert item.state == ActionState.CANCELLED
    assert Deadline.objects.get(kind="action_item").state == "waived"


def test_only_the_owner_side_closes(w):
    item = _item(w, meeting(w), owner_party="client", owner=w.inspector)
    with pytest.raises(PermissionDenied):
        services.action_item_complete(action_item=item, user=w.pm, result="x")
    assert services.action_item_complete(action_item=item, user=w.inspector, result="已提供").state == ActionState.DONE


@pytest.mark.parametrize("who", ["pm", "special", "regulator", "outsider"])
def test_only_the_client_records_meetings(w, who):
    with pytest.raises(PermissionDenied):
        meeting(w, user=getattr(w, who))


def test_signed_minutes_are_frozen(w):
    m = meeting(w)
    signature_sign(record=m, user=w.pm, password=PASSWORD, party=Party.CONTRACTOR, meaning=SignatureMeaning.CONFIRM)
    with pytest.raises(DomainError):
        services.meeting_update(meeting=m, user=w.lead, kind="regular", held_on=m.held_on, chair="x",
                                attendees="x", agenda="x", minutes="改过")
    with pytest.raises(DomainError):
        _item(w, m)


def test_bad_input(w):
    with pytest.raises(DomainError):
        meeting(w, held_on=today() + dt.timedelta(days=1))
    with pytest.raises(DomainError):
        meeting(w, minutes="")
    m = meeting(w)
    for kw in (dict(owner_party="both"), dict(due_date=today() - dt.timedelta(days=1)),
               dict(owner=w.lead), dict(owner=w.outsider), dict(description="")):
        with pytest.raises(DomainError):
            _item(w, m, **kw)
    assert not m.action_items.exists()
