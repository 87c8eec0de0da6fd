"""The rules of project control: one sentence per rule (what the service, the page and the API
say), control going on while the project is suspended, and the attachment rules of its records."""

from __future__ import annotations

import pytest
import rules
from django.urls import reverse
from django.utils.html import escape

from apps.attachments import registry
from apps.control import services
from apps.core.errors import PermissionDenied
from apps.core.permissions import GENERIC_REFUSAL, allowed, refusal_message
from apps.projects.enums import Phase
from apps.projects.models import Project

from .builders import change, improvement, meeting, report, stage, today

pytestmark = pytest.mark.django_db


def test_every_control_rule_has_its_own_sentence():
    names = [n for n in rules.rulesets.default_rules if n.startswith("control.")]
    assert len(names) > 40
    assert [n for n in names if refusal_message(n) == str(GENERIC_REFUSAL)] == []


def test_the_service_refuses_with_the_rules_sentence(w):
    with pytest.raises(PermissionDenied) as exc:
        change(w, user=w.lead)
    assert exc.value.message == refusal_message("control.may_request_change")
    assert "contractor's project manager" in exc.value.message


def test_control_goes_on_while_suspended_not_once_closed(w):
    Project.objects.filter(pk=w.project.pk).update(phase=Phase.SUSPENDED, resume_phase=Phase.IMPLEMENTATION)
    w.project.refresh_from_db()
    assert w.project.phase == Phase.SUSPENDED
    assert allowed("control.may_request_change", w.pm, w.project)
    cr = change(w)
    assert allowed("control.can_decide_change", w.lead, cr)
    cr.project.phase = Phase.CLOSED  # what the rules read
    assert not allowed("control.may_request_change", w.pm, cr.project)
    assert not allowed("control.can_decide_change", w.lead, cr)


def test_regulator_never_writes(w):
    for name in ("control.may_add_risk_point", "control.may_record_meeting", "control.may_acknowledge_report"):
        assert not allowed(name, w.regulator, w.project)


def test_change_request_takes_files_while_awaiting_a_decision(w):
    cr = change(w)
    assert registry.may_add_to(w.pm, cr) and registry.may_add_to(w.lead, cr)
    assert not registry.may_add_to(w.inspector, cr)
    cr = services.change_request_reject(change_request=cr, user=w.lead, opinion="不同意")
    assert not registry.may_add_to(w.pm, cr)


def test_minutes_take_files_from_the_client_staff(w):
    m = meeting(w)
    assert registry.may_add_to(w.lead, m) and registry.may_add_to(w.inspector, m)
    assert not registry.may_add_to(w.pm, m)


def test_report_files_follow_the_draft(w):
    r = report(w)
    assert registry.may_add_to(w.pm, r) and not registry.may_add_to(w.lead, r)
    assert registry.may_download_from(w.pm, r) and not registry.may_download_from(w.lead, r)
    r = services.quality_report_submit(quality_report=r, user=w.pm)
    assert not registry.may_add_to(w.pm, r)
    assert registry.may_download_from(w.lead, r)


def test_improvement_files_until_verified(w):
    p = improvement(w)
    assert registry.may_add_to(w.pm, p) and registry.may_add_to(w.inspector, p)
    assert not registry.may_download_from(w.lead, p) and registry.may_download_from(w.pm, p)
    p = services.improvement_plan_submit(improvement_plan=p, user=w.pm)
    p = services.improvement_plan_file(improvement_plan=p, user=w.lead)
    p = services.improvement_plan_complete(improvement_plan=p, user=w.pm, completion_report="完成")
    p = services.improvement_plan_verify(improvement_plan=p, user=w.lead, effective=True, verification_record="有效")
    assert not registry.may_add_to(w.pm, p) and not registry.may_add_to(w.lead, p)
    assert registry.may_download_from(w.lead, p)


def test_a_transition_page_refused_by_the_state_goes_back_with_the_sentence(w, login):
    s = stage(w)
    response = login(w.pm).get(reverse("control:stage_complete", args=[s.pk]), follow=True)
    assert refusal_message("control.can_complete_milestone") in response.content.decode()
    s = services.milestone_start(milestone=s, user=w.pm, actual_start=today())
    response = login(w.pm).get(reverse("control:stage_complete", args=[s.pk]))
    assert response.status_code == 200 and "Project control" in response.content.decode()


def test_a_transition_page_refused_by_the_role_is_403_with_the_sentence(w, login):
    cr = change(w)
    response = login(w.pm).get(reverse("control:change_approve", args=[cr.pk]))
    assert response.status_code == 403
    assert escape(refusal_message("control.may_approve_change")) in response.content.decode()
