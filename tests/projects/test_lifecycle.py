"""Lifecycle: gates refuse and then allow; suspension and resumption; illegal moves."""

import pytest

from apps.accounts.enums import ProjectRole
from apps.core.errors import DomainError, PermissionDenied
from apps.projects import services
from apps.projects.enums import Phase
from apps.projects.gates import BATCH_SUBMISSION, registry
from apps.projects.models import ProjectMember
from tests.factories import close_suspension_causes, suspension_ground

pytestmark = pytest.mark.django_db

PHASE_GATES = [
    (Phase.IMPLEMENTATION, ["qualification_approved", "plan_approved", "disclosure_signed"]),
    (Phase.ACCEPTANCE, ["no_open_tickets", "batches_accepted", "acceptance_applied"]),
    (Phase.WARRANTY, ["acceptance_passed"]),
    (Phase.CLOSED, ["handover_confirmed", "warranty_concluded", "evaluation_done", "documents_handed_over"]),
]


def attest(project, user, gate):
    services.gate_attest(project=project, user=user, gate=gate, reference=f"纸质-{gate}")


def test_every_gate_refuses_then_allows(world):
    project = world.project
    for target, pending in PHASE_GATES:
        for i, gate in enumerate(pending):
            with pytest.raises(DomainError) as exc:
                services.project_advance(project=project, user=world.lead)
            assert exc.value.code == "gate_unmet"
            # The refusal names every missing step.
            for missing in pending[i:]:
                assert str(registry.get(missing).label) in exc.value.message
                assert missing in exc.value.details
            project.refresh_from_db()
            assert project.phase != target
            attest(project, world.lead, gate)
        project = services.project_advance(project=project, user=world.lead)
        assert project.phase == target
    assert project.phase == Phase.CLOSED


def test_team_gate_is_checked_from_members(world):
    project = world.project
    for gate in ["qualification_approved", "plan_approved", "disclosure_signed"]:
        attest(project, world.lead, gate)
    special = ProjectMember.objects.get(project=project, role=ProjectRole.CONTRACTOR_INSPECTOR)
    services.member_remove(member=special, actor=world.lead, reason="调岗")
    with pytest.raises(DomainError) as exc:
        services.project_advance(project=project, user=world.lead)
    assert exc.value.details == ["team_formed"]
    services.member_add(project=project, actor=world.lead, user=world.special, role=ProjectRole.CONTRACTOR_INSPECTOR)
    assert services.project_advance(project=project, user=world.lead).phase == Phase.IMPLEMENTATION


def test_system_checked_gate_cannot_be_attested(world):
    with pytest.raises(DomainError):
        attest(world.project, world.lead, "team_formed")


def test_batch_submission_gate(world):
    with pytest.raises(DomainError) as exc:
        services.gates_require(project=world.project, target=BATCH_SUBMISSION)
    assert "首件" in exc.value.message or "First article" in exc.value.message
    attest(world.project, world.lead, "first_article_passed")
    services.gates_require(project=world.project, target=BATCH_SUBMISSION)


def test_implemented_check_replaces_attestation(world):
    gate = registry.get("plan_approved")
    attest(world.project, world.lead, "plan_approved")
    try:
        registry.implement("plan_approved", lambda project: False)
        assert "plan_approved" in [r.gate.code for r in registry.unmet(world.project, Phase.IMPLEMENTATION)]
    finally:
        gate.check = None


def test_suspend_and_resume_keep_the_phase(world):
    project = world.project
    for gate in ["qualification_approved", "plan_approved", "disclosure_signed"]:
        attest(project, world.lead, gate)
    project = services.project_advance(project=project, user=world.lead)
    with pytest.raises(DomainError, match="§5.2.3") as exc:
        services.project_suspend(project=project, user=world.lead, reason="拒不整改")
    assert exc.value.code == "illegal_transition"
    suspension_ground(project)
    project = services.project_suspend(project=project, user=world.lead, reason="拒不整改")
    assert (project.phase, project.resume_phase) == (Phase.SUSPENDED, Phase.IMPLEMENTATION)
    with pytest.raises(DomainError):
        services.project_advance(project=project, user=world.lead)
    with pytest.raises(DomainError):
        services.project_suspend(project=project, user=world.lead, reason="again")
    with pytest.raises(DomainError) as exc:
        services.project_resume(project=project, user=world.lead, reason="整改完成")
    assert exc.value.code == "illegal_transition" and "库房温湿度超标" in exc.value.message
    close_suspension_causes(project, world.lead)
    project = services.project_resume(project=project, user=world.lead, reason="整改完成")
    assert (project.phase, project.resume_phase) == (Phase.IMPLEMENTATION, "")
    reasons = list(project.history.values_list("history_change_reason", flat=True)[:2])
    assert any("整改完成" in r for r in reasons) and any("拒不整改" in r for r in reasons)


def test_suspend_requires_a_reason(world):
    with pytest.raises(DomainError):
        services.project_suspend(project=world.project, user=world.lead, reason="  ")
    world.project.refresh_from_db()
    assert world.project.phase == Phase.PREPARATION


def test_resume_when_not_suspended_is_illegal(world):
    with pytest.raises(DomainError) as exc:
        services.project_resume(project=world.project, user=world.lead, reason="x")
    assert exc.value.code == "illegal_transition"


def test_closed_project_cannot_be_suspended_or_moved(world):
    project = world.project
    for _, gates in PHASE_GATES:
        for gate in gates:
            attest(project, world.lead, gate)
        project = services.project_advance(project=project, user=world.lead)
    with pytest.raises(DomainError):
        services.project_suspend(project=project, user=world.lead, reason="x")
    with pytest.raises(DomainError):
        services.project_advance(project=project, user=world.lead)


@pytest.mark.parametrize("who", ["inspector", "pm", "special", "regulator", "outsider"])
def test_only_the_client_lead_moves_the_project(world, who):
    for gate in ["qualification_approved", "plan_approved", "disclosure_signed"]:
        attest(world.project, world.lead, gate)
    user = getattr(world, who)
    with pytest.raises(PermissionDenied):
        services.project_advance(project=world.project, user=user)
    with pytest.raises(PermissionDenied):
        services.project_suspend(project=world.project, user=user, reason="x")
    with pytest.raises(PermissionDenied):
        attest(world.project, user, "first_article_passed")


def test_stale_version_is_refused(world):
    stale = world.project.version
    services.project_update(project=world.project, user=world.lead, expected_version=stale, name="新名称")
    with pytest.raises(DomainError) as exc:
        services.project_update(project=world.project, user=world.lead, expected_version=stale, name="旧页面")
    assert exc.value.code == "stale"
    world.project.refresh_from_db()
    assert world.project.name == "新名称"


def test_advance_through_the_page(world, login):
    c = login(world.lead)
    response = c.post(f"/projects/{world.project.pk}/advance/", {"version": world.project.version}, follow=True)
    body = response.content.decode()
    assert response.status_code == 200
    assert "资质" in body  # the refusal names the missing qualification review
    world.project.refresh_from_db()
    assert world.project.phase == Phase.PREPARATION
    for gate in ["qualification_approved", "plan_approved", "disclosure_signed"]:
        response = c.post(f"/projects/{world.project.pk}/gates/attest/", {"gate": gate, "reference": f"纸-{gate}"})
        assert response.status_code == 302
    c.post(f"/projects/{world.project.pk}/advance/", {"version": world.project.version})
    world.project.refresh_from_db()
    assert world.project.phase == Phase.IMPLEMENTATION


def test_suspend_through_the_page_without_reason_changes_nothing(world, login):
    c = login(world.lead)
    response = c.post(f"/projects/{world.project.pk}/suspend/", {"reason": ""}, follow=True)
    assert response.status_code == 200
    world.project.refresh_from_db()
    assert world.project.phase == Phase.PREPARATION


def test_attestation_withdrawn_before_the_phase_is_entered(world, login):
    attest(world.project, world.lead, "plan_approved")
    attestation = world.project.gate_attestations.get()
    c = login(world.lead)
    c.post(f"/projects/{world.project.pk}/gates/attestations/{attestation.pk}/revoke/", {"reason": "记录有误"})
    assert not world.project.gate_attestations.exists()
    history = attestation.history.filter(history_type="-").get()
    assert history.history_change_reason == "记录有误" and history.history_user == world.lead


def test_gate_of_a_later_phase_cannot_be_attested_yet(world):
    with pytest.raises(DomainError) as exc:
        attest(world.project, world.lead, "acceptance_passed")
    assert exc.value.code == "illegal_transition"
    assert not world.project.gate_attestations.exists()


def test_implemented_gate_shows_its_record(world, login):
    gate = registry.get("plan_approved")
    try:
        registry.implement("plan_approved", lambda project: True, evidence=lambda project: ("方案 V2", "/x/plan/2/"))
        body = login(world.lead).get(f"/projects/{world.project.pk}/?tab=annex_a").content.decode()
        assert 'href="/x/plan/2/"' in body and "方案 V2" in body
        body = login(world.lead).get(f"/projects/{world.project.pk}/?tab=gates").content.decode()
        assert 'href="/x/plan/2/"' in body
    finally:
        gate.check = None
        gate.evidence = None


def test_step_reader_reports_a_during_row_from_records(world):
    from apps.projects import annex_a
    from apps.projects.enums import Phase, TaskStatus
    from apps.projects.models import Project
    from apps.projects.selectors import annex_a_rows

    previous = annex_a.step_reader("data_security")
    with pytest.raises(ValueError):
        annex_a.register_step_reader("no_such_step", lambda project, today: None)
    try:
        annex_a.register_step_reader(
            "data_security", lambda project, today: annex_a.StepReading(TaskStatus.OVERDUE, "日志 3 条", "/x/log/"))
        row = next(r for r in annex_a_rows(world.project) if r["step"].code == "data_security")
        assert row["status"] == TaskStatus.NOT_REACHED  # not asked before implementation
        Project.objects.filter(pk=world.project.pk).update(phase=Phase.IMPLEMENTATION)
        world.project.refresh_from_db()
        row = next(r for r in annex_a_rows(world.project) if r["step"].code == "data_security")
        assert (row["status"], row["evidence"], row["evidence_url"]) == (TaskStatus.OVERDUE, "日志 3 条", "/x/log/")
    finally:
        if previous:
            annex_a.register_step_reader("data_security", previous)
        else:
            annex_a._readers.pop("data_security", None)
