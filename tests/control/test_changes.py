"""Change requests (§6.4.2, §8.2.3): written request, written approval, plan version, re-assessment."""

from __future__ import annotations

import pytest

from apps.accounts.enums import Party
from apps.control import selectors, services
from apps.control.enums import AssessmentTrigger, ChangeState
from apps.control.models import ChangeRequest
from apps.core.errors import DomainError, PermissionDenied
from apps.plans.enums import PlanStatus
from apps.signatures.enums import SignatureMeaning
from apps.signatures.models import SignatureAttempt
from apps.signatures.selectors import signatures_for
from tests.plans import builders as plans

from .builders import approve, change

pytestmark = pytest.mark.django_db


def test_submit_numbers_and_notifies_the_lead(w):
    from apps.notifications.models import Notification

    a, b = change(w), change(w, title="第二项")
    assert (a.number, b.number, a.state) == (1, 2, ChangeState.SUBMITTED)
    assert Notification.objects.filter(recipient=w.lead, key=f"control:change:{a.pk}:submitted").exists()


def test_approval_is_signed_in_writing(w):
    cr = approve(w, change(w))
    assert cr.state == ChangeState.APPROVED and cr.decided_by == w.lead
    sigs = signatures_for(cr)
    assert [(s.party, s.meaning, s.is_valid) for s in sigs] == [(Party.CLIENT, SignatureMeaning.APPROVE, True)]


def test_wrong_password_approves_nothing_and_is_logged(w):
    cr = change(w)
    with pytest.raises(DomainError) as exc:
        approve(w, cr, password="wrong")
    assert exc.value.field == "password"
    cr.refresh_from_db()
    assert cr.state == ChangeState.SUBMITTED and not signatures_for(cr)
    assert SignatureAttempt.objects.filter(user=w.lead).count() == 1
    with pytest.raises(DomainError):
        approve(w, cr, password="")


def test_approved_change_touching_the_plan_opens_a_new_version(w):
    in_force = plans.approved(w)
    cr = approve(w, change(w, touches_plan=True))
    assert cr.plan_version is not None and cr.plan_version.number == in_force.number + 1
    assert cr.plan_version.status == PlanStatus.DRAFT and "No. 1" in cr.plan_version.change_reason
    # Implementation is confirmed only after the new version is approved (§8.2.3: 修订方案并确认实施).
    with pytest.raises(DomainError) as exc:
        services.change_request_confirm(change_request=cr, user=w.pm, note="已执行")
    assert exc.value.code == "plan_not_approved"


def test_change_touching_the_plan_without_plan_in_force_is_noted(w):
    cr = approve(w, change(w, touches_plan=True))
    assert cr.state == ChangeState.APPROVED and cr.plan_version is None and "No new plan version" in cr.plan_note


def test_major_change_asks_for_a_reassessment(w):
    cr = approve(w, change(w), is_major=True)
    req = selectors.open_reassessment_requests(w.project).get(trigger=AssessmentTrigger.MAJOR_CHANGE)
    assert req.source_url == cr.get_absolute_url()
    minor = approve(w, change(w, title="小改动"))
    assert not minor.is_major
    assert selectors.open_reassessment_requests(w.project).filter(trigger=AssessmentTrigger.MAJOR_CHANGE).count() == 1


def test_reject_withdraw_confirm(w):
    a = services.change_request_reject(change_request=change(w), user=w.lead, opinion="影响验收指标")
    assert a.state == ChangeState.REJECTED
    b = services.change_request_withdraw(change_request=change(w), user=w.pm, reason="不再需要")
    assert b.state == ChangeState.WITHDRAWN
    c = approve(w, change(w))
    c = services.change_request_confirm(change_request=c, user=w.pm, note="已按400dpi执行")
    assert c.state == ChangeState.IMPLEMENTED
    # the approval signature stays valid after the confirmation
    assert all(s.is_valid for s in signatures_for(c))


def test_illegal_transitions(w):
    cr = services.change_request_reject(change_request=change(w), user=w.lead, opinion="不同意")
    for call in (lambda: approve(w, cr), lambda: services.change_request_reject(change_request=cr, user=w.lead,
                                                                                 opinion="x"),
                 lambda: services.change_request_withdraw(change_request=cr, user=w.pm, reason="x"),
                 lambda: services.change_request_confirm(change_request=cr, user=w.pm, note="x")):
        with pytest.raises(DomainError) as exc:
            call()
        assert exc.value.code == "illegal_transition"
    approved = approve(w, change(w))
    with pytest.raises(DomainError):
        approve(w, approved)


@pytest.mark.parametrize("who", ["lead", "inspector", "special", "operator", "regulator", "outsider"])
def test_only_the_contractor_pm_requests(w, who):
    with pytest.raises(PermissionDenied):
        change(w, user=getattr(w, who))


@pytest.mark.parametrize("who", ["inspector", "pm", "regulator", "outsider"])
def test_only_the_client_lead_decides(w, who):
    cr = change(w)
    with pytest.raises(PermissionDenied):
        services.change_request_approve(change_request=cr, user=getattr(w, who), password="correct-horse-battery")
    with pytest.raises(PermissionDenied):
        services.change_request_reject(change_request=cr, user=getattr(w, who), opinion="x")
    assert ChangeRequest.objects.get(pk=cr.pk).state == ChangeState.SUBMITTED


def test_bad_input_changes_nothing(w):
    for kwargs in (dict(category="x"), dict(reason=""), dict(quality_impact="  "), dict(title="t" * 201),
                   dict(touches_plan="yes")):
        with pytest.raises(DomainError):
            change(w, **kwargs)
    assert not ChangeRequest.objects.exists()
    cr = change(w)
    with pytest.raises(DomainError):
        services.change_request_reject(change_request=cr, user=w.lead, opinion="")
