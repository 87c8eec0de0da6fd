import datetime as dt

import pytest
import time_machine
from django.contrib.contenttypes.models import ContentType

from apps.core.calendar import add_working_days
from apps.core.errors import DomainError, PermissionDenied
from apps.deadlines import selectors, services
from apps.deadlines.enums import Counting, DeadlineState
from apps.deadlines.models import Deadline

from .builders import make_deadline

NOW = dt.datetime(2026, 11, 16, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))  # a Monday


def _create(world, **kw):
    kwargs = {"record": world.project, "project": world.project, "kind": "qualification_review",
              "title": "资质审查", "base_date": dt.date(2026, 9, 25), "amount": 5, "counting": Counting.WORKING_DAYS,
              "responsible_org": world.client_org, "user": world.lead}
    kwargs.update(kw)
    return services.deadline_create(**kwargs)


def test_create_counts_working_days_on_the_official_calendar(world):
    d = _create(world)
    # Signed 25 Sep 2026; 28–30 Sep are working days, 1–7 Oct is the National Day holiday:
    # the 5th working day is 9 Oct 2026 (a plain Mon–Fri count would give 2 Oct).
    assert d.due_date == add_working_days(dt.date(2026, 9, 25), 5) == dt.date(2026, 10, 9)
    assert (d.counting, d.base_date, d.amount, d.state) == (Counting.WORKING_DAYS, dt.date(2026, 9, 25), 5, "open")
    assert d.record == world.project
    assert d.content_type == ContentType.objects.get_for_model(world.project)
    row = d.history.get()
    assert row.history_user == world.lead and row.history_change_reason == "Deadline set"


def test_create_counts_calendar_days_and_months(world):
    assert _create(world, counting=Counting.CALENDAR_DAYS, amount=7).due_date == dt.date(2026, 10, 2)
    assert _create(world, counting=Counting.MONTHS, amount=3, base_date=dt.date(2026, 11, 30)).due_date \
        == dt.date(2027, 2, 28)


def test_contractor_member_can_create_with_responsible_person(world):
    d = _create(world, user=world.pm, responsible_org=world.contractor, responsible_user=world.operator)
    assert d.responsible_user == world.operator


@pytest.mark.parametrize("who", ["outsider", "regulator", "other_regulator"])
def test_non_members_cannot_create_deadlines(world, who):
    with pytest.raises(PermissionDenied):
        _create(world, user=getattr(world, who))
    assert Deadline.objects.count() == 0


@pytest.mark.parametrize("kwargs", [
    {"amount": -1}, {"amount": 4000}, {"amount": "5"}, {"counting": "weeks"}, {"base_date": "2026-09-25"},
    {"kind": "Bad Kind"}, {"kind": ""}, {"title": ""}, {"title": "x" * 201},
])
def test_bad_input_is_a_domain_error(world, kwargs):
    with pytest.raises(DomainError):
        _create(world, **kwargs)
    assert Deadline.objects.count() == 0


def test_responsible_org_must_be_a_party_of_the_project(world):
    with pytest.raises(DomainError) as exc:
        _create(world, responsible_org=world.other_contractor)
    assert exc.value.field == "responsible_org"


def test_responsible_person_must_be_a_member_of_the_responsible_org(world):
    with pytest.raises(DomainError):
        _create(world, responsible_org=world.contractor, responsible_user=world.inspector)
    with pytest.raises(DomainError):
        _create(world, responsible_org=world.other_contractor, responsible_user=world.outsider)


def test_unsaved_record_is_refused(world):
    from apps.projects.models import Project

    with pytest.raises(DomainError):
        _create(world, record=Project())


def test_meet_before_due_date_is_met(world):
    d = make_deadline(world, due=dt.date(2026, 11, 20))
    with time_machine.travel(NOW, tick=False):
        d = services.deadline_meet(deadline=d, user=world.pm)
    assert d.state == DeadlineState.MET and d.closed_by == world.pm and d.closed_at is not None


def test_meet_after_due_date_is_recorded_as_missed(world):
    d = make_deadline(world, due=dt.date(2026, 11, 13))
    with time_machine.travel(NOW, tick=False):
        d = services.deadline_meet(deadline=d, user=world.pm)
    assert d.state == DeadlineState.MISSED
    assert d.history.latest("history_id").history_change_reason == "Deadline met late"


def test_meet_twice_is_an_illegal_transition(world):
    d = make_deadline(world, due=dt.date(2026, 11, 20))
    services.deadline_meet(deadline=d, user=world.pm)
    with pytest.raises(DomainError) as exc:
        services.deadline_meet(deadline=d, user=world.pm)
    assert exc.value.code == "illegal_transition"


def test_outsider_cannot_meet(world):
    d = make_deadline(world, due=dt.date(2026, 11, 20))
    with pytest.raises(PermissionDenied):
        services.deadline_meet(deadline=d, user=world.outsider)


def test_close_for_record_meets_every_open_deadline_of_the_record(world):
    a = make_deadline(world, due=dt.date(2026, 11, 20), kind="rectification")
    b = make_deadline(world, due=dt.date(2026, 11, 20), kind="weekly_patrol")
    closed = services.deadlines_close_for_record(record=world.project, user=world.pm, kinds=["rectification"])
    assert [d.pk for d in closed] == [a.pk]
    b.refresh_from_db()
    assert b.state == DeadlineState.OPEN
    assert list(selectors.deadlines_for_record(world.project).order_by("pk")) == [a, b]


def test_lead_waives_with_reason(world):
    d = make_deadline(world, due=dt.date(2026, 11, 20))
    d = services.deadline_waive(deadline=d, user=world.lead, reason="合同变更，不再需要")
    assert d.state == DeadlineState.WAIVED and d.waive_reason == "合同变更，不再需要"
    row = d.history.latest("history_id")
    assert row.history_user == world.lead and "合同变更" in row.history_change_reason


@pytest.mark.parametrize("reason", ["", "   ", None, "x" * 2001])
def test_waive_requires_a_reason(world, reason):
    d = make_deadline(world, due=dt.date(2026, 11, 20))
    with pytest.raises(DomainError) as exc:
        services.deadline_waive(deadline=d, user=world.lead, reason=reason)
    assert exc.value.field == "reason"
    d.refresh_from_db()
    assert d.state == DeadlineState.OPEN


@pytest.mark.parametrize("who", ["inspector", "pm", "regulator", "outsider"])
def test_only_the_client_lead_waives(world, who):
    d = make_deadline(world, due=dt.date(2026, 11, 20))
    with pytest.raises(PermissionDenied):
        services.deadline_waive(deadline=d, user=getattr(world, who), reason="不需要")
    d.refresh_from_db()
    assert d.state == DeadlineState.OPEN


def test_closed_deadline_cannot_be_waived(world):
    d = make_deadline(world, due=dt.date(2026, 11, 20))
    services.deadline_meet(deadline=d, user=world.pm)
    d.refresh_from_db()
    with pytest.raises(DomainError):
        services.deadline_waive(deadline=d, user=world.lead, reason="晚了")


def test_stale_open_copy_cannot_be_waived_after_meet(world):
    d = make_deadline(world, due=dt.date(2026, 11, 20))
    services.deadline_meet(deadline=Deadline.objects.get(pk=d.pk), user=world.pm)
    with pytest.raises(DomainError) as exc:  # d still says "open" in memory; the locked row does not
        services.deadline_waive(deadline=d, user=world.lead, reason="晚了")
    assert exc.value.code == "illegal_transition"


def test_lead_reschedules_and_the_due_date_is_recomputed(world):
    d = _create(world)
    d = services.deadline_reschedule(deadline=d, user=world.lead, reason="对方申请延期", amount=10)
    assert d.due_date == add_working_days(dt.date(2026, 9, 25), 10)
    assert "对方申请延期" in d.history.latest("history_id").history_change_reason


def test_reschedule_needs_reason_role_change_and_valid_rule(world):
    d = _create(world)
    with pytest.raises(DomainError):
        services.deadline_reschedule(deadline=d, user=world.lead, reason="", amount=10)
    with pytest.raises(PermissionDenied):
        services.deadline_reschedule(deadline=d, user=world.pm, reason="延期", amount=10)
    with pytest.raises(DomainError):
        services.deadline_reschedule(deadline=d, user=world.lead, reason="延期", amount=-3)
    with pytest.raises(DomainError):
        services.deadline_reschedule(deadline=d, user=world.lead, reason="延期")
    d.refresh_from_db()
    assert d.amount == 5


def test_database_refuses_waived_without_reason(world):
    from django.db import IntegrityError, transaction
    from django.utils import timezone

    d = make_deadline(world, due=dt.date(2026, 11, 20))
    d.state, d.closed_at = DeadlineState.WAIVED, timezone.now()
    with pytest.raises(IntegrityError), transaction.atomic():
        d.save()


def test_waive_for_record_lets_every_open_deadline_of_the_record_go(world):
    a = make_deadline(world, due=dt.date(2026, 11, 20), kind="rectification")
    b = make_deadline(world, due=dt.date(2026, 11, 20), kind="weekly_patrol")
    services.deadline_meet(deadline=b, user=world.pm)
    with pytest.raises(PermissionDenied):
        services.deadlines_waive_for_record(record=world.project, user=world.pm, reason="x")
    waived = services.deadlines_waive_for_record(record=world.project, user=world.lead, reason="整改通知撤回")
    assert [d.pk for d in waived] == [a.pk]
    a.refresh_from_db()
    assert a.state == DeadlineState.WAIVED and a.waive_reason == "整改通知撤回"


def test_refusals_say_the_rules_sentence(world):
    d = make_deadline(world, due=dt.date(2026, 11, 20))
    with pytest.raises(PermissionDenied, match="Only the client project lead can waive a deadline."):
        services.deadline_waive(deadline=d, user=world.pm, reason="不需要")
    with pytest.raises(PermissionDenied, match="Only active members of the project can set deadlines on it."):
        _create(world, user=world.outsider)


def test_a_deadline_title_is_one_line(world):
    with pytest.raises(DomainError) as exc:
        _create(world, title="资质\n审查")
    assert exc.value.field == "title"
