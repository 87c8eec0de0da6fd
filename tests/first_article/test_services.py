from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from apps.accounts.enums import Party
from apps.core.errors import DomainError, PermissionDenied
from apps.deadlines.models import Deadline
from apps.first_article import services
from apps.first_article.enums import ContactSheetState, VerificationStatus
from apps.first_article.models import FirstArticleVerification, RectificationSheet, WorkContactSheet
from apps.first_article.selectors import baseline_of, first_article_passed
from apps.notifications.models import Notification
from apps.projects.gates import BATCH_SUBMISSION
from apps.projects.services import gates_require

from .builders import sign, sign_both, submit, verify_fail, verify_pass

pytestmark = pytest.mark.django_db


# ---------------------------------------------------------------- happy path and gate

def test_happy_path_opens_batch_production(world):
    with pytest.raises(DomainError) as exc:
        gates_require(project=world.project, target=BATCH_SUBMISSION)
    assert "first_article_passed" in exc.value.details

    v = submit(world)
    assert v.status == VerificationStatus.SUBMITTED and v.round_no == 1
    assert Notification.objects.filter(recipient=world.inspector, key=f"first_article:{v.pk}:submitted").exists()

    v = verify_pass(v, world.inspector)
    assert v.status == VerificationStatus.PASSED and v.is_baseline
    assert baseline_of(world.project) == v
    assert not first_article_passed(world.project)  # not signed yet

    sign(v, world.inspector, Party.CLIENT)
    assert not first_article_passed(world.project)  # contractor missing
    sign(v, world.pm, Party.CONTRACTOR)
    assert first_article_passed(world.project)
    gates_require(project=world.project, target=BATCH_SUBMISSION)  # no error


def test_history_rows_carry_user_and_reason(world):
    v = verify_pass(submit(world), world.lead)
    rows = list(FirstArticleVerification.history.filter(id=v.pk).order_by("history_date"))
    assert [r.history_user for r in rows] == [world.special, world.lead]
    assert "round 1" in rows[0].history_change_reason
    assert "passed" in rows[1].history_change_reason


def test_broken_signature_closes_the_gate_again(world):
    v = verify_pass(submit(world), world.inspector)
    sign_both(v, world)
    assert first_article_passed(world.project)
    # Tampering outside the services (e.g. SQL) breaks the signatures and the gate.
    FirstArticleVerification.objects.filter(pk=v.pk).update(quantity=9999)
    assert not first_article_passed(world.project)
    with pytest.raises(DomainError):
        gates_require(project=world.project, target=BATCH_SUBMISSION)


def test_gate_evidence_links_to_the_latest_round(world):
    from apps.projects.gates import registry

    v = submit(world)
    result = next(r for r in registry.evaluate(world.project, BATCH_SUBMISSION) if r.gate.code == "first_article_passed")
    assert not result.met and result.evidence[1] == f"/first-article/{v.pk}/"


def test_gate_evidence_names_the_missing_signatures(world):
    from apps.first_article.selectors import first_article_evidence

    v = verify_pass(submit(world), world.inspector)
    assert "awaiting the signature of: client、contractor" in first_article_evidence(world.project)[0]
    sign(v, world.inspector, Party.CLIENT)
    assert first_article_evidence(world.project)[0].endswith("awaiting the signature of: contractor")
    sign(v, world.pm, Party.CONTRACTOR)
    assert first_article_evidence(world.project)[0].endswith(": passed")
    FirstArticleVerification.objects.filter(pk=v.pk).update(quantity=9999)
    assert "no longer valid" in first_article_evidence(world.project)[0]


# ---------------------------------------------------------------- fail loop

def test_fail_loop_until_pass(world):
    first = verify_fail(submit(world), world.inspector)
    assert first.status == VerificationStatus.FAILED and not first.is_baseline
    sheet = first.contact_sheet
    assert sheet.state == ContactSheetState.OPEN
    assert "质量达标情况：3页黑边超标" in sheet.problem
    deadline = Deadline.objects.get(object_id=sheet.pk, kind="rectification")
    assert deadline.responsible_org == world.contractor and deadline.responsible_user == world.special
    assert deadline.due_date == first.rectification_due == sheet.due_date
    assert Notification.objects.filter(recipient=world.pm, key=f"first_article:{first.pk}:failed").exists()

    # The contractor cannot resubmit before answering the sheet.
    with pytest.raises(DomainError, match="rectification sheet"):
        submit(world)

    answer = services.contact_sheet_answer(contact_sheet=sheet, user=world.pm, measures="重扫4页", result="全部合格")
    sheet.refresh_from_db()
    deadline.refresh_from_db()
    assert answer.contact_sheet == sheet and sheet.state == ContactSheetState.ANSWERED
    assert deadline.state == "met"

    second = submit(world, batch_no="SJ-001R")
    assert second.round_no == 2 and second.follows == sheet
    second = verify_pass(second, world.lead)
    sheet.refresh_from_db()
    assert sheet.state == ContactSheetState.CLOSED and sheet.closed_at
    sign_both(second, world)
    assert first_article_passed(world.project)
    gates_require(project=world.project, target=BATCH_SUBMISSION)


def test_second_failure_opens_a_second_sheet(world):
    first = verify_fail(submit(world), world.inspector)
    services.contact_sheet_answer(contact_sheet=first.contact_sheet, user=world.special, measures="m", result="r")
    second = verify_fail(submit(world), world.inspector, safety_passed=False, safety_reason="未锁柜")
    first.contact_sheet.refresh_from_db()
    assert first.contact_sheet.state == ContactSheetState.CLOSED
    assert second.contact_sheet.state == ContactSheetState.OPEN
    assert "安全措施落实：未锁柜" in second.contact_sheet.problem
    assert not first_article_passed(world.project)


def test_a_signed_failed_round_does_not_open_the_gate(world):
    v = verify_fail(submit(world), world.inspector)
    sign_both(v, world)
    assert not first_article_passed(world.project)


# ---------------------------------------------------------------- illegal transitions

def test_verifying_twice_is_refused(world):
    v = verify_pass(submit(world), world.inspector)
    with pytest.raises(DomainError, match="already been verified") as exc:
        verify_fail(v, world.lead)
    assert exc.value.code == "illegal_transition"
    v.refresh_from_db()
    assert v.status == VerificationStatus.PASSED and not WorkContactSheet.objects.exists()


def test_answering_an_answered_or_closed_sheet_is_refused(world):
    first = verify_fail(submit(world), world.inspector)
    sheet = first.contact_sheet
    services.contact_sheet_answer(contact_sheet=sheet, user=world.pm, measures="m", result="r")
    with pytest.raises(DomainError, match="already been answered"):
        services.contact_sheet_answer(contact_sheet=sheet, user=world.pm, measures="m2", result="r2")
    verify_pass(submit(world), world.inspector)
    sheet.refresh_from_db()
    assert sheet.state == ContactSheetState.CLOSED
    with pytest.raises(DomainError, match="already been answered"):
        services.contact_sheet_answer(contact_sheet=sheet, user=world.pm, measures="m3", result="r3")
    assert RectificationSheet.objects.count() == 1


def test_cannot_submit_while_a_round_awaits_verification(world):
    submit(world)
    with pytest.raises(DomainError, match="awaiting"):
        submit(world)
    assert FirstArticleVerification.objects.count() == 1


def test_cannot_submit_after_the_batch_passed(world):
    verify_pass(submit(world), world.inspector)
    with pytest.raises(DomainError, match="already passed"):
        submit(world)


def test_cannot_sign_before_verification(world):
    v = submit(world)
    with pytest.raises(DomainError, match="verify the first batch before"):
        sign(v, world.pm, Party.CONTRACTOR)


def test_cannot_submit_in_a_suspended_project(world):
    from apps.projects.services import project_suspend
    from tests.factories import suspension_ground

    suspension_ground(world.project)
    project_suspend(project=world.project, user=world.lead, reason="停工检查")
    world.project.refresh_from_db()
    with pytest.raises(DomainError, match="preparation or implementation"):
        submit(world)


# ---------------------------------------------------------------- wrong role

@pytest.mark.parametrize("who", ["lead", "inspector", "operator", "security", "regulator", "outsider"])
def test_only_contractor_pm_or_special_inspector_submits(world, who):
    with pytest.raises(PermissionDenied):
        submit(world, user=getattr(world, who))
    assert not FirstArticleVerification.objects.exists()


def test_pm_may_submit(world):
    assert submit(world, user=world.pm).submitted_by == world.pm


@pytest.mark.parametrize("who", ["pm", "special", "acceptance", "regulator", "outsider"])
def test_contractor_and_others_cannot_verify(world, who):
    v = submit(world)
    with pytest.raises(PermissionDenied):
        verify_pass(v, getattr(world, who))
    v.refresh_from_db()
    assert v.status == VerificationStatus.SUBMITTED


@pytest.mark.parametrize("who", ["lead", "inspector", "operator", "regulator", "outsider"])
def test_only_contractor_answers_the_sheet(world, who):
    sheet = verify_fail(submit(world), world.inspector).contact_sheet
    with pytest.raises(PermissionDenied):
        services.contact_sheet_answer(contact_sheet=sheet, user=getattr(world, who), measures="m", result="r")
    sheet.refresh_from_db()
    assert sheet.state == ContactSheetState.OPEN


def test_contractor_cannot_sign_for_the_client(world):
    v = verify_pass(submit(world), world.inspector)
    with pytest.raises(PermissionDenied):
        sign(v, world.pm, Party.CLIENT)


# ---------------------------------------------------------------- bad input

def test_failed_check_needs_a_reason(world):
    v = submit(world)
    with pytest.raises(DomainError, match="reason") as exc:
        verify_fail(v, world.inspector, quality_reason="  ")
    assert exc.value.field == "quality_reason"
    v.refresh_from_db()
    assert v.status == VerificationStatus.SUBMITTED


def test_fail_needs_a_deadline(world):
    v = submit(world)
    with pytest.raises(DomainError) as exc:
        verify_fail(v, world.inspector, rectification_due=None)
    assert exc.value.field == "rectification_due"
    assert not WorkContactSheet.objects.exists() and not Deadline.objects.filter(kind="rectification").exists()


@pytest.mark.parametrize("due", [dt.date(2020, 1, 1), "2027-01-01", None])
def test_fail_deadline_must_be_a_future_date(world, due):
    if due is None:
        due = timezone.localdate()
    with pytest.raises(DomainError) as exc:
        verify_fail(submit(world), world.inspector, rectification_due=due)
    assert exc.value.field == "rectification_due"


def test_fail_needs_a_requirement(world):
    with pytest.raises(DomainError) as exc:
        verify_fail(submit(world), world.inspector, requirement="")
    assert exc.value.field == "requirement"


def test_conclusion_must_agree_with_the_checks(world):
    v = submit(world)
    with pytest.raises(DomainError, match="cannot pass"):
        verify_pass(v, world.inspector, safety_passed=False, safety_reason="未落实")
    with pytest.raises(DomainError, match="mark the check"):
        verify_fail(v, world.inspector, quality_passed=True)
    with pytest.raises(DomainError):
        verify_pass(v, world.inspector, conclusion="maybe")
    with pytest.raises(DomainError):
        verify_pass(v, world.inspector, operation_passed="yes")


def test_verification_date_cannot_be_future(world):
    with pytest.raises(DomainError) as exc:
        verify_pass(submit(world), world.inspector, verified_on=timezone.localdate() + dt.timedelta(days=1))
    assert exc.value.field == "verified_on"


@pytest.mark.parametrize("field,value", [
    ("quantity", 0), ("quantity", -5), ("quantity", "12"), ("quantity", True), ("quantity", 10**9),
    ("unit", "kg"), ("batch_description", ""), ("batch_description", "x" * 201), ("self_check_result", " "),
    ("batch_date", "2026-01-01"), ("batch_date", dt.date(2999, 1, 1)), ("self_check_result", "a\x00b"),
])
def test_bad_submission_input(world, field, value):
    with pytest.raises(DomainError) as exc:
        submit(world, **{field: value})
    assert exc.value.field == field
    assert not FirstArticleVerification.objects.exists()


def test_rectification_needs_measures_and_result(world):
    sheet = verify_fail(submit(world), world.inspector).contact_sheet
    with pytest.raises(DomainError) as exc:
        services.contact_sheet_answer(contact_sheet=sheet, user=world.pm, measures="", result="r")
    assert exc.value.field == "measures"
    with pytest.raises(DomainError) as exc:
        services.contact_sheet_answer(contact_sheet=sheet, user=world.pm, measures="m", result="x" * 2001)
    assert exc.value.field == "result"
    sheet.refresh_from_db()
    assert sheet.state == ContactSheetState.OPEN


def test_database_refuses_a_failed_check_without_reason(world):
    from django.db import IntegrityError, transaction

    v = verify_fail(submit(world), world.inspector)
    with pytest.raises(IntegrityError), transaction.atomic():
        FirstArticleVerification.objects.filter(pk=v.pk).update(quality_reason="")


# ---------------------------------------------------------------- attachments (rules)

def _attachers(record, world) -> set[str]:
    from apps.attachments.registry import may_add_to

    people = ["lead", "inspector", "pm", "special", "operator", "security", "regulator", "outsider"]
    return {name for name in people if may_add_to(getattr(world, name), record)}


def test_round_takes_files_from_submitters_and_verifiers_until_signed(world):
    v = verify_pass(submit(world), world.inspector)
    assert _attachers(v, world) == {"lead", "inspector", "pm", "special"}
    sign(v, world.inspector, Party.CLIENT)
    assert _attachers(v, world) == set()
