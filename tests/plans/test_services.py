"""Plan review: versions, submission, approval in writing, return, revision."""

import pytest
from django.db import IntegrityError, transaction

from apps.core.errors import DomainError, PermissionDenied
from apps.plans import selectors, services
from apps.plans.enums import PlanStatus
from apps.plans.models import PlanVersion
from apps.projects.models import Project

from .builders import CONTENT, approved, draft, sign, submitted

pytestmark = pytest.mark.django_db


def test_happy_path_submit_approve_sign(world):
    version = submitted(world)
    assert version.status == PlanStatus.SUBMITTED and version.number == 1
    version = services.plan_version_approve(version=version, user=world.lead, comments="同意实施")
    assert selectors.plan_in_force(world.project) is None  # approved, not yet in writing
    assert not selectors.plan_is_approved(world.project)
    sign(world, version)
    assert selectors.plan_in_force(world.project) == version
    assert selectors.plan_is_approved(world.project)
    assert version.history.filter(history_change_reason="Plan version approved").exists()


def test_return_then_revise_into_a_new_version(world):
    v1 = submitted(world)
    with pytest.raises(DomainError):
        services.plan_version_return(version=v1, user=world.inspector, comments=" ")
    v1 = services.plan_version_return(version=v1, user=world.inspector, comments="质量控制点不完整")
    assert v1.status == PlanStatus.RETURNED
    with pytest.raises(PermissionDenied):  # approving a returned version
        services.plan_version_approve(version=v1, user=world.lead)
    with pytest.raises(PermissionDenied):  # a returned version is never edited
        services.plan_version_update(version=v1, user=world.pm, control_points="x")
    with pytest.raises(DomainError):
        services.plan_version_revise(version=v1, user=world.pm, reason="")
    v2 = services.plan_version_revise(version=v1, user=world.pm, reason="补充质量控制点")
    assert (v2.number, v2.status, v2.based_on) == (2, PlanStatus.DRAFT, v1)
    assert v2.title == CONTENT["title"]
    services.plan_version_update(version=v2, user=world.pm, control_points="增加：页码连续性")
    v2 = services.plan_version_submit(version=v2, user=world.pm)
    assert list(world.project.plan_versions.order_by("number").values_list("status", flat=True)) == [
        PlanStatus.RETURNED, PlanStatus.SUBMITTED]


def test_new_version_after_approval_puts_the_plan_back_under_review(world):
    v1 = approved(world)
    assert selectors.plan_is_approved(world.project)
    v2 = services.plan_version_revise(version=v1, user=world.pm, reason="调整进度计划")
    assert selectors.plan_is_approved(world.project)  # a draft does not count yet
    services.plan_version_submit(version=v2, user=world.pm)
    assert not selectors.plan_is_approved(world.project)
    assert selectors.plan_in_force(world.project) == v1  # v1 stays in force meanwhile
    v2.refresh_from_db()
    v2 = services.plan_version_approve(version=v2, user=world.lead)
    sign(world, v2)
    assert selectors.plan_is_approved(world.project) and selectors.plan_in_force(world.project) == v2


def test_a_returned_change_leaves_the_version_in_force_and_the_gate_standing(world):
    v1 = approved(world)
    v2 = services.plan_version_revise(version=v1, user=world.pm, reason="调整进度计划")
    v2 = services.plan_version_submit(version=v2, user=world.pm)
    assert not selectors.plan_is_approved(world.project)  # under review
    services.plan_version_return(version=v2, user=world.lead, comments="进度安排不合理")
    assert selectors.plan_in_force(world.project) == v1
    assert selectors.plan_is_approved(world.project)
    label, url = selectors.plan_evidence(world.project)
    assert "1" in label and url == v1.get_absolute_url()


def test_cannot_approve_a_draft_or_submit_twice(world):
    version = draft(world)
    with pytest.raises(PermissionDenied):
        services.plan_version_approve(version=version, user=world.lead)
    version = services.plan_version_submit(version=version, user=world.pm)
    with pytest.raises(PermissionDenied):
        services.plan_version_submit(version=version, user=world.pm)
    stale = PlanVersion.objects.get(pk=version.pk)
    stale.status = PlanStatus.DRAFT  # a stale copy: the service re-reads under a lock
    from apps.plans import rules as plan_rules
    assert plan_rules.can_submit_plan(world.pm, stale)
    with pytest.raises(DomainError) as exc:
        services.plan_version_submit(version=stale, user=world.pm)
    assert exc.value.code == "illegal_transition"


def test_only_one_open_version(world):
    draft(world)
    with pytest.raises(DomainError):
        draft(world, change_reason="again")
    with pytest.raises(IntegrityError), transaction.atomic():
        PlanVersion.objects.create(project=world.project, number=7, change_reason="x", created_by=world.pm,
                                   **CONTENT)


def test_major_project_must_include_detailed_rules(world):
    Project.objects.filter(pk=world.project.pk).update(risk_level="high")
    world.project.refresh_from_db()
    version = draft(world)
    with pytest.raises(DomainError) as exc:
        services.plan_version_submit(version=version, user=world.pm)
    assert exc.value.field == "detailed_rules"
    services.plan_version_update(version=version, user=world.pm, detailed_rules="高风险环节作业细则……")
    assert services.plan_version_submit(version=version, user=world.pm).status == PlanStatus.SUBMITTED


@pytest.mark.parametrize("who", ["lead", "inspector", "special", "operator", "security", "regulator", "outsider"])
def test_only_the_contractor_pm_writes_and_submits(world, who):
    user = getattr(world, who)
    with pytest.raises(PermissionDenied):
        services.plan_version_create(project=world.project, user=user, **CONTENT)
    version = draft(world)
    with pytest.raises(PermissionDenied):
        services.plan_version_submit(version=version, user=user)


@pytest.mark.parametrize("who", ["pm", "inspector", "acceptance", "regulator", "outsider"])
def test_only_the_client_lead_approves(world, who):
    version = submitted(world)
    with pytest.raises(PermissionDenied):
        services.plan_version_approve(version=version, user=getattr(world, who))


@pytest.mark.parametrize("who", ["pm", "special", "regulator"])
def test_contractor_cannot_return(world, who):
    version = submitted(world)
    with pytest.raises(PermissionDenied):
        services.plan_version_return(version=version, user=getattr(world, who), comments="x")


def test_bad_input(world):
    with pytest.raises(DomainError):
        services.plan_version_create(project=world.project, user=world.pm, **{**CONTENT, "title": "x" * 300})
    with pytest.raises(DomainError):
        services.plan_version_create(project=world.project, user=world.pm, **{**CONTENT, "status": "approved"})
    with pytest.raises(DomainError):
        services.plan_version_create(project=world.project, user=world.pm, **{**CONTENT, "procedures": 42})
    version = services.plan_version_create(project=world.project, user=world.pm, **{**CONTENT, "quality_targets": ""})
    with pytest.raises(DomainError) as exc:  # required content missing: refused at submission
        services.plan_version_submit(version=version, user=world.pm)
    assert exc.value.code == "incomplete"
    assert world.project.plan_versions.count() == 1


def test_plan_version_open_from_change(world):
    with pytest.raises(DomainError):  # nothing in force yet
        services.plan_version_open_from_change(project=world.project, user=world.lead, reason="变更单 BG-01")
    v1 = approved(world)
    with pytest.raises(PermissionDenied):
        services.plan_version_open_from_change(project=world.project, user=world.operator, reason="BG-01")
    with pytest.raises(DomainError):
        services.plan_version_open_from_change(project=world.project, user=world.lead, reason="")
    v2 = services.plan_version_open_from_change(project=world.project, user=world.lead, reason="变更单 BG-01")
    assert (v2.number, v2.status, v2.based_on, v2.change_reason) == (2, PlanStatus.DRAFT, v1, "变更单 BG-01")
    assert v2.implementation_plan == v1.implementation_plan
    with pytest.raises(DomainError):  # one open version at a time
        services.plan_version_open_from_change(project=world.project, user=world.pm, reason="BG-02")


def test_signature_refused_before_approval_and_broken_by_tampering(world):
    version = submitted(world)
    with pytest.raises(DomainError):
        sign(world, version)
    version = services.plan_version_approve(version=version, user=world.lead)
    sign(world, version)
    PlanVersion.objects.filter(pk=version.pk).update(quality_targets="降低要求")
    assert not selectors.plan_is_approved(world.project)
