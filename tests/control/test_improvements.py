"""Quality improvement plans (§6.2.3, §10.2): filed, tracked, verified."""

from __future__ import annotations

import datetime as dt

import pytest

from apps.control import services
from apps.control.enums import ImprovementState
from apps.control.models import ImprovementPlan
from apps.core.errors import DomainError, PermissionDenied
from apps.deadlines.models import Deadline

from .builders import improvement, today

pytestmark = pytest.mark.django_db


def test_full_loop_with_deadline_and_verification(w):
    p = improvement(w)
    p = services.improvement_plan_submit(improvement_plan=p, user=w.pm)
    assert p.state == ImprovementState.FILED
    p = services.improvement_plan_file(improvement_plan=p, user=w.lead, comment="同意备案")
    d = Deadline.objects.get(project=w.project, kind="improvement_plan")
    assert p.state == ImprovementState.IN_PROGRESS and d.due_date == p.deadline and d.responsible_user == w.pm
    p = services.improvement_plan_complete(improvement_plan=p, user=w.pm, completion_report="已统一纠偏参数")
    d.refresh_from_db()
    assert p.state == ImprovementState.COMPLETED and d.state == "met"
    p = services.improvement_plan_verify(improvement_plan=p, user=w.inspector, effective=True, verification_record="偏斜降至12%")
    assert p.state == ImprovementState.VERIFIED and p.verified_by == w.inspector


def test_not_effective_goes_back_with_a_new_deadline(w):
    p = services.improvement_plan_file(improvement_plan=services.improvement_plan_submit(improvement_plan=improvement(w), user=w.pm),
                                       user=w.lead)
    p = services.improvement_plan_complete(improvement_plan=p, user=w.pm, completion_report="完成")
    with pytest.raises(DomainError) as exc:
        services.improvement_plan_verify(improvement_plan=p, user=w.lead, effective=False, verification_record="无明显改善")
    assert exc.value.field == "new_deadline"
    new = today() + dt.timedelta(days=14)
    p = services.improvement_plan_verify(improvement_plan=p, user=w.lead, effective=False, verification_record="无明显改善",
                                         new_deadline=new)
    assert (p.state, p.deadline, p.failed_verifications) == (ImprovementState.IN_PROGRESS, new, 1)
    assert Deadline.objects.filter(kind="improvement_plan", state="open", due_date=new).exists()


def test_return_and_revise(w):
    p = services.improvement_plan_submit(improvement_plan=improvement(w), user=w.pm)
    with pytest.raises(DomainError):
        services.improvement_plan_update(improvement_plan=p, user=w.pm, **_content(w, target="改"))
    p = services.improvement_plan_return(improvement_plan=p, user=w.inspector, reason="验证方法不具体")
    p = services.improvement_plan_update(improvement_plan=p, user=w.pm, **_content(w, verification_method="按周统计偏斜缺陷占比"))
    assert services.improvement_plan_submit(improvement_plan=p, user=w.pm).state == ImprovementState.FILED


def _content(w, **kw):
    d = dict(source="inspection", problem_analysis="偏斜", target="降至20%", owner=w.pm, path="拆装订",
             deadline=today() + dt.timedelta(days=20), verification_method="对比")
    d.update(kw)
    return d


def test_illegal_transitions(w):
    p = improvement(w)
    for call in (lambda: services.improvement_plan_file(improvement_plan=p, user=w.lead),
                 lambda: services.improvement_plan_complete(improvement_plan=p, user=w.pm, completion_report="x"),
                 lambda: services.improvement_plan_verify(improvement_plan=p, user=w.lead, effective=True,
                                                          verification_record="x")):
        with pytest.raises(DomainError) as exc:
            call()
        assert exc.value.code == "illegal_transition"


@pytest.mark.parametrize("who", ["lead", "special", "regulator", "outsider"])
def test_only_the_contractor_pm_writes(w, who):
    with pytest.raises(PermissionDenied):
        services.improvement_plan_create(project=w.project, user=getattr(w, who), **_content(w))


@pytest.mark.parametrize("who", ["pm", "regulator", "outsider"])
def test_only_the_client_files(w, who):
    p = services.improvement_plan_submit(improvement_plan=improvement(w), user=w.pm)
    with pytest.raises(PermissionDenied):
        services.improvement_plan_file(improvement_plan=p, user=getattr(w, who))


def test_bad_input(w):
    for kw in (dict(target=""), dict(owner=w.lead), dict(deadline=today()), dict(source="x"),
               dict(verification_method=" ")):
        with pytest.raises(DomainError):
            improvement(w, **kw)
    assert not ImprovementPlan.objects.exists()
