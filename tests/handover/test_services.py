"""The handover list (§6.5.2): drawn up by the contractor, confirmed item by item by the client,
signed by both; each transition legal and illegal, each wrong role."""

from __future__ import annotations

import pytest

from apps.core.errors import DomainError, PermissionDenied
from apps.deadlines.enums import DeadlineKind, DeadlineState
from apps.deadlines.selectors import deadlines_for_record
from apps.handover import selectors, services
from apps.handover.enums import HandoverState, LineKind, LineStatus, Medium
from apps.handover.models import Handover, HandoverLine
from apps.notifications.models import Notification
from apps.projects.enums import Phase
from apps.projects.gates import registry
from apps.projects.models import Project
from apps.signatures.models import Signature, SignatureAttempt

from .builders import LINES, accept, confirmed, draft, handed_over, sign, submitted

pytestmark = pytest.mark.django_db


@pytest.fixture
def w(world):
    accept(world)
    return world


def line(handover, position):
    return handover.lines.get(position=position)


def add(handover, user, **overrides):
    data = dict(kind=LineKind.RESULTS, description="补充图像", quantity=10, unit="卷", medium=Medium.REMOVABLE_DISK)
    data.update(overrides)
    return services.handover_line_add(handover=handover, user=user, **data)


# ---------------------------------------------------------------- happy path

def test_the_list_is_drawn_up_confirmed_item_by_item_and_signed_by_both(w):
    handover = handed_over(w)
    assert handover.state == HandoverState.SIGNED and handover.signed_at
    assert set(handover.lines.values_list("status", flat=True)) == {LineStatus.CONFIRMED}
    assert selectors.is_handed_over(handover)
    assert registry.get("handover_confirmed").check(w.project) is True
    parties = {s.party for s in Signature.objects.for_record(handover)}
    assert parties == {"client", "contractor"}


def test_the_gate_is_not_met_before_both_signed(w):
    gate = registry.get("handover_confirmed")
    assert gate.check(w.project) is False
    handover = confirmed(w)
    assert handover.state == HandoverState.CONFIRMED
    assert gate.check(w.project) is False
    sign(handover, w.lead)
    handover.refresh_from_db()
    assert handover.state == HandoverState.CONFIRMED
    assert gate.check(w.project) is False
    label, url = gate.evidence(w.project)
    assert url.endswith(f"/handover/projects/{w.project.pk}/")


def test_the_second_signature_meets_the_handover_deadline(w):
    deadline = deadlines_for_record(w.project).get(kind=DeadlineKind.HANDOVER)
    assert deadline.state == DeadlineState.OPEN
    handed_over(w)
    deadline.refresh_from_db()
    assert deadline.state == DeadlineState.MET


def test_each_step_tells_the_other_party(w):
    handover = submitted(w)
    assert Notification.objects.filter(recipient=w.inspector, key__startswith=f"handover:{handover.pk}:submitted")
    for item in handover.lines.all():
        services.handover_line_confirm(line=item, user=w.inspector)
    assert Notification.objects.filter(recipient=w.pm, key__startswith=f"handover:{handover.pk}:confirmed")
    handover.refresh_from_db()
    sign(handover, w.pm)
    assert Notification.objects.filter(recipient=w.lead, key=f"handover:{handover.pk}:signed:contractor")
    handover.refresh_from_db()
    sign(handover, w.lead)
    assert Notification.objects.filter(recipient=w.pm, key=f"handover:{handover.pk}:handed_over")


def test_a_refused_item_returns_the_list_once_every_item_is_checked(w):
    handover = submitted(w)
    services.handover_line_refuse(line=line(handover, 1), user=w.inspector, reason="移动硬盘缺少第1100至1200卷。")
    handover.refresh_from_db()
    assert handover.state == HandoverState.SUBMITTED  # other items still to check
    for position in range(2, len(LINES) + 1):
        services.handover_line_confirm(line=line(handover, position), user=w.lead)
    handover.refresh_from_db()
    assert handover.state == HandoverState.RETURNED
    assert Notification.objects.filter(recipient=w.pm, key__startswith=f"handover:{handover.pk}:returned")

    # The contractor corrects the refused item: it awaits confirmation again; the others stay confirmed.
    refused = line(handover, 1)
    services.handover_line_update(line=refused, user=w.pm, kind=refused.kind, description=refused.description,
                                  quantity=1200, unit="卷", medium=Medium.REMOVABLE_DISK, note="已补齐第1100至1200卷")
    refused.refresh_from_db()
    assert refused.status == LineStatus.PENDING and refused.refusal_reason == ""
    handover = services.handover_submit(handover=handover, user=w.pm)
    assert handover.state == HandoverState.SUBMITTED and handover.submissions == 2
    assert selectors.line_counts(handover) == {"total": 5, "pending": 1, "confirmed": 4, "refused": 0}
    services.handover_line_confirm(line=line(handover, 1), user=w.inspector)
    handover.refresh_from_db()
    assert handover.state == HandoverState.CONFIRMED


def test_a_returned_list_is_not_resubmitted_with_the_refused_item_unchanged(w):
    handover = submitted(w)
    services.handover_line_refuse(line=line(handover, 1), user=w.inspector, reason="数量不符。")
    for position in range(2, len(LINES) + 1):
        services.handover_line_confirm(line=line(handover, position), user=w.inspector)
    handover.refresh_from_db()
    with pytest.raises(DomainError) as exc:
        services.handover_submit(handover=handover, user=w.pm)
    assert exc.value.code == "illegal_transition"
    # Removing the refused item answers it too: the rest was confirmed, the list awaits signatures.
    services.handover_line_remove(line=line(handover, 1), user=w.pm)
    handover.refresh_from_db()
    handover = services.handover_submit(handover=handover, user=w.pm)
    assert handover.state == HandoverState.CONFIRMED
    assert not HandoverLine.objects.filter(handover=handover, position=1).exists()
    assert HandoverLine.history.filter(handover_id=handover.pk, position=1, history_type="-").exists()


def test_the_client_lead_sends_a_confirmed_list_back_before_anyone_signs(w):
    handover = confirmed(w)
    handover = services.handover_return(handover=handover, user=w.lead, reason="光盘需按卷分装，请重新整理。")
    assert handover.state == HandoverState.RETURNED and handover.return_reason
    assert set(handover.lines.values_list("status", flat=True)) == {LineStatus.PENDING}
    handover = services.handover_submit(handover=handover, user=w.pm)
    assert handover.state == HandoverState.SUBMITTED


def test_every_write_leaves_history_with_a_reason_and_the_person(w):
    handover = confirmed(w)
    rows = list(Handover.history.filter(id=handover.pk))
    line_rows = list(HandoverLine.history.filter(handover_id=handover.pk))
    assert len(rows) == 1 + len(LINES) + 1 + 1  # created, each item added, submitted, confirmed
    assert all(r.history_change_reason for r in rows + line_rows)
    assert {r.history_user_id for r in rows} == {w.pm.pk, w.inspector.pk}
    assert {r.history_user_id for r in line_rows if r.history_type == "~"} == {w.inspector.pk}
    from apps.projects.selectors import project_history

    assert any(e.model_label and "Item confirmed" in (e.reason or "") or "移交项已确认" in (e.reason or "")
               for e in project_history(w.project))


# ---------------------------------------------------------------- illegal transitions

def test_no_list_before_the_acceptance(world):
    with pytest.raises(DomainError) as exc:
        services.handover_create(project=world.project, user=world.pm)
    assert exc.value.code == "illegal_transition"


def test_one_list_per_project(w):
    draft(w)
    with pytest.raises(DomainError) as exc:
        services.handover_create(project=w.project, user=w.pm)
    assert exc.value.code == "illegal_transition"


def test_no_list_on_a_closed_project(w):
    Project.objects.filter(pk=w.project.pk).update(phase=Phase.CLOSED)
    w.project.refresh_from_db()
    with pytest.raises(DomainError) as exc:
        services.handover_create(project=w.project, user=w.pm)
    assert exc.value.code == "illegal_transition"


def test_submission_needs_results_quality_records_and_process_documents(w):
    handover = draft(w, lines=[LINES[0], LINES[2]])
    with pytest.raises(DomainError) as exc:
        services.handover_submit(handover=handover, user=w.pm)
    assert exc.value.code == "illegal_transition"
    assert "Process documents" in exc.value.message or "过程资料" in exc.value.message
    empty = Handover.objects.get(pk=handover.pk)
    HandoverLine.objects.filter(handover=empty).delete()
    with pytest.raises(DomainError):
        services.handover_submit(handover=empty, user=w.pm)


def test_a_submitted_list_cannot_be_changed_or_submitted_again(w):
    handover = submitted(w)
    for call in (lambda: add(handover, w.pm),
                 lambda: services.handover_submit(handover=handover, user=w.pm),
                 lambda: services.handover_update(handover=handover, user=w.pm, note="改"),
                 lambda: services.handover_line_remove(line=line(handover, 1), user=w.pm)):
        with pytest.raises(DomainError) as exc:
            call()
        assert exc.value.code == "illegal_transition"


def test_an_item_is_checked_once_and_only_on_a_submitted_list(w):
    handover = draft(w)
    with pytest.raises(DomainError) as exc:
        services.handover_line_confirm(line=line(handover, 1), user=w.inspector)
    assert exc.value.code == "illegal_transition"
    handover = services.handover_submit(handover=handover, user=w.pm)
    services.handover_line_confirm(line=line(handover, 1), user=w.inspector)
    with pytest.raises(DomainError) as exc:
        services.handover_line_refuse(line=line(handover, 1), user=w.inspector, reason="再看")
    assert exc.value.code == "illegal_transition"


def test_signing_before_every_item_is_confirmed_is_refused(w):
    handover = submitted(w)
    with pytest.raises(DomainError) as exc:
        sign(handover, w.lead)
    assert exc.value.code == "illegal_transition"
    assert not Signature.objects.for_record(handover).exists()


def test_a_signed_list_cannot_be_sent_back_or_signed_twice(w):
    handover = confirmed(w)
    sign(handover, w.lead)
    handover.refresh_from_db()
    with pytest.raises(DomainError):
        services.handover_return(handover=handover, user=w.lead, reason="改")
    with pytest.raises(DomainError):
        sign(handover, w.lead)
    handover = handed_over_after(w, handover)
    with pytest.raises(DomainError) as exc:
        sign(handover, w.pm)
    assert exc.value.code == "illegal_transition"


def handed_over_after(w, handover):
    sign(handover, w.pm)
    handover.refresh_from_db()
    assert handover.state == HandoverState.SIGNED
    return handover


def test_a_wrong_password_signs_nothing_and_is_recorded(w):
    handover = confirmed(w)
    with pytest.raises(DomainError) as exc:
        services.handover_sign(handover=handover, user=w.pm, password="wrong")
    assert exc.value.code == "bad_password"
    assert not Signature.objects.for_record(handover).exists()
    assert SignatureAttempt.objects.filter(user=w.pm).count() == 1


def test_the_generic_signing_page_cannot_leave_the_handover_half_done(w):
    from apps.signatures.services import signature_sign
    from tests.conftest import PASSWORD

    handover = confirmed(w)
    with pytest.raises(DomainError) as exc:
        signature_sign(record=handover, user=w.lead, password=PASSWORD, party="client", meaning="confirm")
    assert exc.value.code == "not_signable_now"


def test_a_stale_version_is_refused(w):
    handover = draft(w)
    stale = handover.version
    add(handover, w.pm)
    with pytest.raises(DomainError) as exc:
        services.handover_submit(handover=handover, user=w.pm, expected_version=stale)
    assert exc.value.code == "stale"


# ---------------------------------------------------------------- bad input

@pytest.mark.parametrize("field, overrides", [
    ("quantity", {"quantity": 0}), ("quantity", {"quantity": "many"}), ("kind", {"kind": "gold"}),
    ("medium", {"medium": "floppy"}), ("description", {"description": ""}), ("unit", {"unit": "卷\n件"}),
    ("note", {"medium": Medium.OTHER, "note": ""}),
])
def test_bad_items_are_refused_naming_the_field(w, field, overrides):
    handover = draft(w)
    with pytest.raises(DomainError) as exc:
        add(handover, w.pm, **overrides)
    assert exc.value.field == field
    assert handover.lines.count() == len(LINES)


def test_refusing_needs_a_reason(w):
    handover = submitted(w)
    with pytest.raises(DomainError) as exc:
        services.handover_line_refuse(line=line(handover, 1), user=w.inspector, reason="  ")
    assert exc.value.field == "reason"


# ---------------------------------------------------------------- wrong roles

@pytest.mark.parametrize("who", ["lead", "inspector", "special", "operator", "regulator", "outsider"])
def test_only_the_contractor_pm_draws_up_the_list(w, who):
    with pytest.raises(PermissionDenied):
        services.handover_create(project=w.project, user=getattr(w, who))
    assert not Handover.objects.exists()


@pytest.mark.parametrize("who", ["lead", "inspector", "special", "regulator", "outsider"])
def test_only_the_contractor_pm_adds_and_submits(w, who):
    handover = draft(w)
    with pytest.raises(PermissionDenied):
        add(handover, getattr(w, who))
    with pytest.raises(PermissionDenied):
        services.handover_submit(handover=handover, user=getattr(w, who))
    handover.refresh_from_db()
    assert handover.state == HandoverState.DRAFT and handover.lines.count() == len(LINES)


@pytest.mark.parametrize("who", ["pm", "special", "operator", "acceptance", "regulator", "outsider"])
def test_only_the_client_lead_or_inspector_checks_items(w, who):
    handover = submitted(w)
    with pytest.raises(PermissionDenied):
        services.handover_line_confirm(line=line(handover, 1), user=getattr(w, who))
    with pytest.raises(PermissionDenied):
        services.handover_line_refuse(line=line(handover, 1), user=getattr(w, who), reason="不符")
    assert line(handover, 1).status == LineStatus.PENDING


@pytest.mark.parametrize("who", ["inspector", "pm", "regulator"])
def test_only_the_client_lead_sends_the_list_back(w, who):
    handover = confirmed(w)
    with pytest.raises(PermissionDenied):
        services.handover_return(handover=handover, user=getattr(w, who), reason="改")
    handover.refresh_from_db()
    assert handover.state == HandoverState.CONFIRMED


@pytest.mark.parametrize("who", ["inspector", "special", "acceptance", "regulator", "outsider"])
def test_only_the_client_lead_and_the_contractor_pm_sign(w, who):
    from tests.conftest import PASSWORD

    handover = confirmed(w)
    with pytest.raises(PermissionDenied):
        services.handover_sign(handover=handover, user=getattr(w, who), password=PASSWORD)
    assert not Signature.objects.for_record(handover).exists()


# ---------------------------------------------------------------- what the document archive reads

def test_handover_lines_reads_the_list_by_kind(w):
    handover = confirmed(w)
    docs = selectors.handover_lines(w.project, kind=LineKind.PROJECT_DOCUMENTS)
    assert [x.description for x in docs] == ["实施方案、质量保障子方案及变更记录"]
    assert selectors.handover_lines(w.project, confirmed_only=True).count() == len(LINES)
    assert list(selectors.handover_lines(w.project).values_list("position", flat=True)) == [1, 2, 3, 4, 5]
    assert all(x.handover_id == handover.pk for x in selectors.handover_lines(w.project))
