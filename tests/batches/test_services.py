from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from apps.batches import services
from apps.batches.enums import BatchStatus
from apps.batches.models import Batch, BatchItem, MutualCheck, SelfCheck, SpecialInspection
from apps.core.errors import DomainError, PermissionDenied
from apps.projects.enums import Phase
from apps.projects.models import Project

from .builders import (
    ROWS,
    add_operator,
    draft,
    not_accepted,
    special_pass,
    submitted,
    under_inspection,
)

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


# ---------------------------------------------------------------- happy path

def test_full_lifecycle(ready):
    w = ready
    batch = draft(w)
    assert batch.number == 1 and batch.status == BatchStatus.DRAFT and batch.quantity == len(ROWS)
    assert list(batch.items.values_list("position", flat=True)) == list(range(1, 11))
    special_pass(batch, w)
    batch = services.batch_submit(batch=batch, user=w.pm)
    assert batch.status == BatchStatus.SUBMITTED and batch.submitted_by == w.pm and batch.submitted_at
    batch = services.batch_inspection_start(batch=batch, user=w.inspector)
    assert batch.status == BatchStatus.UNDER_INSPECTION
    batch = services.batch_decision_record(batch=batch, accepted=True, user=w.lead)
    assert batch.status == BatchStatus.ACCEPTED and batch.decided_by == w.lead
    reasons = list(Batch.history.filter(id=batch.pk).values_list("history_change_reason", flat=True))
    assert any("submitted" in r for r in reasons) and any("accepted" in r.lower() for r in reasons)


def test_numbers_are_a_per_project_sequence(ready):
    assert [draft(ready, items=False).number for _ in range(3)] == [1, 2, 3]


def test_not_accepted_then_resubmitted(ready):
    w = ready
    old = not_accepted(w)
    assert old.status == BatchStatus.NOT_ACCEPTED
    new = services.batch_resubmit(batch=old, user=w.pm)
    old.refresh_from_db()
    assert old.status == BatchStatus.RESUBMITTED
    assert new.status == BatchStatus.DRAFT and new.resubmission_of == old and new.number == old.number + 1
    assert new.quantity == old.quantity
    assert list(new.items.values_list("archive_code", flat=True)) == [r["archive_code"] for r in ROWS]
    # The new draft needs its own special inspection.
    with pytest.raises(DomainError, match="special inspection"):
        services.batch_submit(batch=new, user=w.pm)
    special_pass(new, w)
    assert services.batch_submit(batch=new, user=w.pm).status == BatchStatus.SUBMITTED
    with pytest.raises(DomainError, match="not accepted can be resubmitted"):
        services.batch_resubmit(batch=old, user=w.pm)


# ---------------------------------------------------------------- submission refusals

def test_submission_refused_without_first_article(world):
    from .builders import file_staff

    Project.objects.filter(pk=world.project.pk).update(phase=Phase.IMPLEMENTATION)
    world.project.refresh_from_db()
    file_staff(world)
    batch = draft(world)
    special_pass(batch, world)
    with pytest.raises(DomainError) as exc:
        services.batch_submit(batch=batch, user=world.pm)
    assert "First article" in exc.value.message or "first" in exc.value.message.lower()
    batch.refresh_from_db()
    assert batch.status == BatchStatus.DRAFT


def test_submission_refused_when_suspended(ready):
    from apps.projects.services import project_suspend
    from tests.factories import suspension_ground

    batch = draft(ready)
    special_pass(batch, ready)
    suspension_ground(ready.project)
    project_suspend(project=ready.project, user=ready.lead, reason="停工检查")
    batch.refresh_from_db()
    with pytest.raises(DomainError, match="implementation"):
        services.batch_submit(batch=batch, user=ready.pm)


def test_submission_refused_without_special_inspection(ready):
    batch = draft(ready)
    with pytest.raises(DomainError, match="special inspection"):
        services.batch_submit(batch=batch, user=ready.pm)


def test_submission_refused_after_failed_special_inspection(ready):
    batch = draft(ready)
    special_pass(batch, ready)
    special_pass(batch, ready, conclusion="failed", findings="3件漏扫", nonconforming_count=3)
    with pytest.raises(DomainError, match="special inspection"):
        services.batch_submit(batch=batch, user=ready.pm)


def test_special_inspection_before_content_change_does_not_count(ready):
    batch = draft(ready)
    special_pass(batch, ready)
    services.batch_items_replace(batch=batch, user=ready.pm, rows=[dict(r) for r in ROWS[:5]])
    batch.refresh_from_db()
    with pytest.raises(DomainError, match="special inspection"):
        services.batch_submit(batch=batch, user=ready.pm)


def test_submission_refused_when_empty(ready):
    batch = draft(ready, items=False)
    with pytest.raises(DomainError, match="empty") as exc:
        services.batch_submit(batch=batch, user=ready.pm)
    assert len(exc.value.details) >= 2  # empty and no special inspection, each named


def test_submit_twice_refused(ready):
    batch = submitted(ready)
    with pytest.raises(DomainError, match="already been submitted"):
        services.batch_submit(batch=batch, user=ready.pm)


# ---------------------------------------------------------------- transitions for lot_inspection

def test_illegal_transitions(ready):
    batch = draft(ready)
    with pytest.raises(DomainError, match="submitted batch"):
        services.batch_inspection_start(batch=batch, user=ready.inspector)
    with pytest.raises(DomainError, match="under inspection"):
        services.batch_decision_record(batch=batch, accepted=True, user=ready.inspector)
    batch = submitted(ready)
    with pytest.raises(DomainError, match="under inspection"):
        services.batch_decision_record(batch=batch, accepted=True, user=ready.inspector)
    with pytest.raises(DomainError, match="not accepted"):
        services.batch_resubmit(batch=batch, user=ready.pm)
    batch = services.batch_inspection_start(batch=batch, user=ready.inspector)
    with pytest.raises(DomainError, match="submitted batch"):
        services.batch_inspection_start(batch=batch, user=ready.inspector)
    batch = services.batch_decision_record(batch=batch, accepted=True, user=ready.inspector)
    with pytest.raises(DomainError, match="under inspection"):
        services.batch_decision_record(batch=batch, accepted=False, user=ready.inspector)
    with pytest.raises(DomainError, match="not accepted"):
        services.batch_resubmit(batch=batch, user=ready.pm)


def test_decision_needs_a_bool(ready):
    batch = under_inspection(ready)
    with pytest.raises(DomainError):
        services.batch_decision_record(batch=batch, accepted="yes", user=ready.inspector)


# ---------------------------------------------------------------- wrong role

@pytest.mark.parametrize("who", ["lead", "inspector", "operator", "security", "regulator", "outsider"])
def test_only_pm_or_special_creates(ready, who):
    with pytest.raises(PermissionDenied):
        draft(ready, user=getattr(ready, who))
    assert not Batch.objects.exists()


@pytest.mark.parametrize("who", ["special", "lead", "inspector", "operator", "regulator", "outsider"])
def test_only_pm_submits(ready, who):
    batch = draft(ready)
    special_pass(batch, ready)
    with pytest.raises(PermissionDenied):
        services.batch_submit(batch=batch, user=getattr(ready, who))


@pytest.mark.parametrize("who", ["pm", "special", "operator", "acceptance", "regulator", "outsider"])
def test_only_client_inspectors_start_and_decide(ready, who):
    batch = submitted(ready)
    with pytest.raises(PermissionDenied):
        services.batch_inspection_start(batch=batch, user=getattr(ready, who))
    batch = services.batch_inspection_start(batch=batch, user=ready.inspector)
    with pytest.raises(PermissionDenied):
        services.batch_decision_record(batch=batch, accepted=True, user=getattr(ready, who))


@pytest.mark.parametrize("who", ["special", "lead", "inspector", "operator", "regulator"])
def test_only_pm_resubmits(ready, who):
    batch = not_accepted(ready)
    with pytest.raises(PermissionDenied):
        services.batch_resubmit(batch=batch, user=getattr(ready, who))


# ---------------------------------------------------------------- drafts

def test_quantity_follows_the_item_list(ready):
    batch = draft(ready)
    with pytest.raises(DomainError, match="item list"):
        services.batch_update(batch=batch, user=ready.pm, quantity=99)
    batch = draft(ready, items=False, quantity=5)
    batch = services.batch_update(batch=batch, user=ready.pm, quantity=7, description="第2盒")
    assert (batch.quantity, batch.description, batch.version) == (7, "第2盒", 2)


def test_update_stale_version_refused(ready):
    batch = draft(ready, items=False, quantity=5)
    with pytest.raises(DomainError) as exc:
        services.batch_update(batch=batch, user=ready.pm, expected_version=99, quantity=6)
    assert exc.value.code == "stale"


def test_bad_draft_input(ready):
    with pytest.raises(DomainError):
        services.batch_create(project=ready.project, user=ready.pm, service_type="nonsense")
    with pytest.raises(DomainError, match="contract does not include"):
        services.batch_create(project=ready.project, user=ready.pm, service_type="storage")
    with pytest.raises(DomainError):
        services.batch_create(project=ready.project, user=ready.pm, service_type="digitization", unit="kg")
    with pytest.raises(DomainError):
        services.batch_create(project=ready.project, user=ready.pm, service_type="digitization", quantity=-1)
    with pytest.raises(DomainError):
        services.batch_create(project=ready.project, user=ready.pm, service_type="digitization",
                              description="x" * 501)
    assert not Batch.objects.exists()


def test_submitted_batch_cannot_be_changed(ready):
    batch = submitted(ready)
    with pytest.raises(DomainError, match="draft"):
        services.batch_update(batch=batch, user=ready.pm, description="改")
    with pytest.raises(DomainError, match="submitted batch"):
        services.batch_items_replace(batch=batch, user=ready.pm, rows=[dict(r) for r in ROWS])


def test_replace_items_all_or_nothing(ready):
    batch = draft(ready)
    rows = [dict(r) for r in ROWS] + [{"archive_code": ROWS[0]["archive_code"], "pages": "x"}]
    with pytest.raises(DomainError) as exc:
        services.batch_items_replace(batch=batch, user=ready.pm, rows=rows)
    assert exc.value.details and "Row 11" in exc.value.details[0]
    assert batch.items.count() == len(ROWS)
    assert BatchItem.history.filter(batch_id=batch.pk, history_type="+").count() == len(ROWS)


# ---------------------------------------------------------------- special inspection

def test_special_inspection_marks_items(ready):
    batch = draft(ready)
    special_pass(batch, ready, conclusion="failed", findings="2件图像缺页", nonconforming_count=2,
                 nonconforming_positions=[2, 5])
    assert set(batch.items.filter(contractor_passed=False).values_list("position", flat=True)) == {2, 5}
    special_pass(batch, ready, nonconforming_count=1, nonconforming_positions=[5])
    assert set(batch.items.filter(contractor_passed=False).values_list("position", flat=True)) == {5}
    assert BatchItem.history.filter(batch_id=batch.pk, history_type="~").count() == 3


def test_special_inspection_bad_input(ready):
    batch = draft(ready)
    cases = [
        dict(conclusion="maybe"),
        dict(conclusion="failed", findings=""),
        dict(checked_count=0),
        dict(checked_count=11),
        dict(nonconforming_count=20, checked_count=10),
        dict(nonconforming_count=1, nonconforming_positions=[99]),
        dict(nonconforming_count=1, nonconforming_positions=["a"]),
        dict(nonconforming_count=1, nonconforming_positions=[1, 2]),
        dict(date=TODAY() + dt.timedelta(days=1)),
    ]
    for case in cases:
        with pytest.raises(DomainError):
            special_pass(batch, ready, **case)
    assert not SpecialInspection.objects.exists()


def test_special_inspector_must_hold_the_role(ready):
    batch = draft(ready)
    with pytest.raises(DomainError, match="special inspector"):
        special_pass(batch, ready, inspector=ready.operator)


def test_special_inspection_only_on_drafts(ready):
    batch = submitted(ready)
    with pytest.raises(DomainError, match="before the batch is submitted"):
        special_pass(batch, ready)


# ---------------------------------------------------------------- self and mutual checks

def _self(w, user=None, **overrides):
    kwargs = dict(operator=w.operator, date=TODAY(), process_step="扫描", output_count=300,
                  self_checked_count=300, nonconforming_count=2)
    kwargs.update(overrides)
    return services.self_check_record(project=w.project, user=user or w.operator, **kwargs)


def test_self_check_and_incomplete_days(ready):
    from apps.batches.selectors import incomplete_self_checks

    full = _self(ready)
    partial = _self(ready, self_checked_count=250)
    assert not full.incomplete and partial.incomplete
    assert list(incomplete_self_checks(ready.project)) == [partial]


def test_self_check_rules(ready):
    with pytest.raises(PermissionDenied):
        _self(ready, user=ready.operator, operator=ready.special)  # an operator records their own only
    assert _self(ready, user=ready.pm).recorded_by == ready.pm
    with pytest.raises(DomainError, match="staff filing"):
        _self(ready, user=ready.pm, operator=ready.security)  # not filed
    for bad in [dict(self_checked_count=301), dict(nonconforming_count=301), dict(output_count=-1),
                dict(process_step=""), dict(date=TODAY() + dt.timedelta(days=1)), dict(date="2026-01-01"),
                dict(output_count="many")]:
        with pytest.raises(DomainError):
            _self(ready, **bad)
    for who in ["lead", "inspector", "security", "regulator", "outsider"]:
        with pytest.raises(PermissionDenied):
            _self(ready, user=getattr(ready, who))
    assert SelfCheck.objects.count() == 1


def _mutual(w, user=None, **overrides):
    kwargs = dict(producer=w.operator, checker=w.special, date=TODAY(), process_step="图像处理",
                  checked_count=120, nonconforming_count=1, findings="1页偏斜")
    kwargs.update(overrides)
    return services.mutual_check_record(project=w.project, user=user or w.special, **kwargs)


def test_mutual_check(ready):
    second = add_operator(ready)
    assert _mutual(ready).checker == ready.special
    assert _mutual(ready, user=second, checker=second).producer == ready.operator
    with pytest.raises(DomainError, match="must not be the producer"):
        _mutual(ready, producer=ready.special)
    with pytest.raises(PermissionDenied):
        _mutual(ready, user=second, checker=ready.special)
    with pytest.raises(DomainError):
        _mutual(ready, nonconforming_count=121)
    with pytest.raises(DomainError):
        _mutual(ready, checked_count=0)
    assert MutualCheck.objects.count() == 2


def test_mutual_check_db_constraint(ready):
    with pytest.raises(IntegrityError), transaction.atomic():
        MutualCheck.objects.create(project=ready.project, producer=ready.operator, checker=ready.operator,
                                   date=TODAY(), process_step="扫描", checked_count=1, recorded_by=ready.pm)


def test_checker_is_not_producer_is_one_rule(ready):
    """The form, the service (and so the API) and the model constraint say the same sentence."""
    from apps.batches.forms import MutualCheckForm
    from apps.batches.selectors import filed_staff
    from apps.batches.validators import CHECKER_NOT_PRODUCER

    sentence = str(CHECKER_NOT_PRODUCER)
    with pytest.raises(DomainError) as exc:
        _mutual(ready, producer=ready.special)
    assert exc.value.message == sentence and exc.value.field == "checker"
    form = MutualCheckForm({"producer": ready.special.pk, "checker": ready.special.pk, "date": TODAY().isoformat(),
                            "process_step": "扫描", "checked_count": "5"},
                           staff=filed_staff(ready.project), batches=Batch.objects.none())
    assert not form.is_valid() and form.errors["checker"] == [sentence]
    constraint = next(c for c in MutualCheck._meta.constraints if c.name == "mutualcheck_checker_not_producer")
    assert str(constraint.violation_error_message) == sentence


def test_self_check_db_constraint(ready):
    with pytest.raises(IntegrityError), transaction.atomic():
        SelfCheck.objects.create(project=ready.project, operator=ready.operator, date=TODAY(), process_step="扫描",
                                 output_count=5, self_checked_count=6, recorded_by=ready.pm)


def test_batch_constraints(ready):
    batch = draft(ready)
    with pytest.raises(IntegrityError), transaction.atomic():
        Batch.objects.filter(pk=batch.pk).update(status=BatchStatus.SUBMITTED)  # no submission recorded
    with pytest.raises(IntegrityError), transaction.atomic():
        BatchItem.objects.create(batch=batch, position=1, archive_code="dup")
    with pytest.raises(IntegrityError), transaction.atomic():
        BatchItem.objects.create(batch=batch, position=99, archive_code=ROWS[0]["archive_code"])


def test_checks_refused_outside_working_phases(ready):
    Project.objects.filter(pk=ready.project.pk).update(phase=Phase.ACCEPTANCE)
    ready.project.refresh_from_db()
    with pytest.raises(DomainError, match="preparation or implementation"):
        _self(ready)
