"""One populated project for the URL walks (security.md rows 8 and 9), built once per module.

``walk_world`` is the project a client archive (``client``) runs with contractor B, with the
records of every module: the demo data steps (``apps/demo/steps``) fill it as the demo command
does for its implementation project, and the records the demo leaves out or keeps from the
client are added (a staff change with its deadline, a completed risk assessment, a submitted
quality report and improvement plan, a gate attestation). Then the project goes on as the demo
command carries a project past implementation (``ACCEPTANCE``, ``WARRANTY``): the tickets left open
are closed, the work is finished, the acceptance passes in round 1 (application, team with an
invited expert, plan, acceptance inspection, report, a common problem, signatures), the project
enters 质保, the handover list is submitted and partly confirmed, a warranty problem is reported
and answered, the quality evaluation is issued, answered and acknowledged, a breach of contract
is recorded and the client's scoring scheme saved. The implementation records stay (closed or
decided), so every kind of record a URL names exists, of the older modules and the new ones.
Around it:

- ``regulator``: a regulator with jurisdiction over the client (sees the project, read-only);
- ``contractor_a``: the project manager of contractor A, on a project of its own;
- ``other_client``: the lead of another archive, the client of contractor A's project.

The world is built inside a transaction held open for the module and rolled back at its end;
each test runs in a savepoint inside it (pytest-django's ``db``), so what a test changes is
undone and other modules never see these rows.
"""

from __future__ import annotations

import datetime as dt
from importlib import import_module
from types import SimpleNamespace

import pytest
from django.db import transaction
from django.utils import timezone

from apps.accounts.enums import OrgKind, ProjectRole
from apps.core.history import history_context
from apps.projects import services
from apps.projects.enums import Phase
from tests.factories import JurisdictionFactory, OrganizationFactory, UserFactory

from .urlwalk import Walk

# The demo steps sign with the demo accounts' password.
PASSWORD = "Demo-2026-archqa"
PREPARATION = ("teams", "qualification", "plans", "disclosure", "first_article")
# (step, complete) as the demo command loads them on entering implementation; the problem
# handling and project control steps left open (complete=False), as for a running project.
IMPLEMENTATION = (("inspections", True), ("sampling", False), ("batches", True), ("lot_inspection", True),
                  ("rectification", False), ("control", False))
# Past implementation, as the demo command's ACCEPTANCE_STEPS, WARRANTY_STEPS and EVALUATION_STEPS:
# the tickets left open closed (the rectification step again, complete), the work finished, the
# acceptance passed; in 质保 the handover and the warranty under way, the evaluation issued.
ACCEPTANCE = (("rectification", True), ("completion", True), ("acceptance", True))
WARRANTY = (("handover", False), ("warranty", False), ("evaluation", True))


def _user(username: str, org, name: str):
    return UserFactory(username=f"walk_{username}", name=name, organization=org, password=PASSWORD)


def _team(w) -> None:
    roles = [("client_inspector", ProjectRole.CLIENT_INSPECTOR), ("acceptance_member", ProjectRole.ACCEPTANCE_MEMBER),
             ("contractor_pm", ProjectRole.CONTRACTOR_PM), ("special_inspector", ProjectRole.CONTRACTOR_INSPECTOR),
             ("operator", ProjectRole.CONTRACTOR_OPERATOR), ("security_officer", ProjectRole.SECURITY_OFFICER)]
    for key, role in roles:
        services.member_add(project=w.project, actor=w.users["client_lead"], user=w.users[key], role=role)


def _load(step: str, w, *, complete: bool) -> None:
    import_module(f"apps.demo.steps.{step}").load(project=w.project, users=w.users, complete=complete)
    w.project.refresh_from_db()


def _extras(w) -> None:
    """Records the demo steps leave out: a staff change (with its deadline and notification),
    a completed risk assessment and a gate attestation."""
    from apps.control import selectors as control_selectors
    from apps.control import services as control
    from apps.projects.models import GateAttestation
    from apps.teams import services as teams
    from apps.teams.enums import CertificateLevel, FilingStatus, TrainingResult

    today = timezone.localdate()
    pm, lead = w.users["contractor_pm"], w.users["client_lead"]
    leaving = w.project.staff_filings.get(person=w.users["operator"], status=FilingStatus.APPROVED)
    incoming = teams.staff_filing_create(
        project=w.project, user=pm, person=w.newcomer, role=ProjectRole.CONTRACTOR_OPERATOR, post="扫描员",
        cert_name="档案数字化操作员", cert_number="ZJDA-2026-0099", cert_level=CertificateLevel.SENIOR,
        cert_issuer="浙江省档案学会", cert_valid_from=today - dt.timedelta(days=100),
        cert_valid_until=today + dt.timedelta(days=900), years_experience=5, no_criminal_record=True,
        training_result=TrainingResult.PASSED, confidentiality_signed_on=today)
    teams.staff_change_request(project=w.project, user=pm, leaving=leaving, incoming=incoming,
                               reason="原扫描员调往其他项目", planned_date=today + dt.timedelta(days=10))
    for point in control_selectors.unrated_points(w.project):
        control.risk_point_rate(risk_point=point, user=lead, level="medium", reason="按中风险管控")
    control.risk_assessment_complete(project=w.project, user=lead, conclusion="项目启动风险评估：按中风险管控。")
    # The client sees a quality report and an improvement plan once they are submitted.
    control.quality_report_submit(quality_report=w.project.quality_reports.get(), user=pm)
    control.improvement_plan_submit(improvement_plan=w.project.improvement_plans.get(), user=pm)
    # No gate of the next phase is attestable in implementation (every one is read from records):
    # an attestation kept from before, written directly.
    GateAttestation.objects.create(project=w.project, gate="acceptance_passed", reference="纸质-验收-001",
                                   attested_by=lead)


def _expert(w) -> None:
    """An invited acceptance expert of another organisation (§5.3.1), as the demo's ``expert``."""
    society = OrganizationFactory(kind=OrgKind.CLIENT, name="浙江省档案学会")
    w.users["expert"] = _user("expert", society, "吴教授")
    services.member_add(project=w.project, actor=w.users["client_lead"], user=w.users["expert"],
                        role=ProjectRole.ACCEPTANCE_EXPERT)


def _after_implementation(w) -> None:
    """The project carried past implementation by the demo steps (see the module's docstring),
    plus a breach of contract and the client's scoring scheme."""
    from apps.evaluation import services as evaluation
    from apps.evaluation.enums import BreachGround
    from apps.evaluation.scoring import DEFAULT_BANDS, DEFAULT_WEIGHTS

    lead = w.users["client_lead"]
    _expert(w)
    for step, complete in ACCEPTANCE:
        _load(step, w, complete=complete)
    assert w.project.phase == Phase.ACCEPTANCE and w.project.accepted_on is not None
    w.project = services.project_advance(project=w.project, user=lead)
    assert w.project.phase == Phase.WARRANTY
    for step, complete in WARRANTY:
        _load(step, w, complete=complete)
    evaluation.breach_record(project=w.project, user=lead, ground=BreachGround.OVERDUE_RECTIFICATION,
                             description="整改单第1号未在期限内完成整改。", occurred_on=timezone.localdate(),
                             reference="整改单第1号")
    evaluation.scheme_save(organization=w.client, user=lead, weights=dict(DEFAULT_WEIGHTS), **DEFAULT_BANDS)


def build_world() -> SimpleNamespace:
    client = OrganizationFactory(kind=OrgKind.CLIENT, name="杭州市档案馆")
    contractor_b = OrganizationFactory(kind=OrgKind.CONTRACTOR, name="江南档案服务有限公司")
    contractor_a = OrganizationFactory(kind=OrgKind.CONTRACTOR, name="浙江汇档数字科技有限公司")
    other_client = OrganizationFactory(kind=OrgKind.CLIENT, name="苏州市档案馆")
    regulator_org = OrganizationFactory(kind=OrgKind.REGULATOR, name="浙江省档案局")
    JurisdictionFactory(regulator=regulator_org, client=client)

    w = SimpleNamespace(client=client, contractor_b=contractor_b)
    w.users = {
        "client_lead": _user("lead", client, "王建国"),
        "client_inspector": _user("inspector", client, "李秀英"),
        "acceptance_member": _user("acceptance", client, "张明"),
        "contractor_pm": _user("pm", contractor_b, "吴刚"),
        "special_inspector": _user("special", contractor_b, "冯强"),
        "operator": _user("operator", contractor_b, "何静"),
        "security_officer": _user("security", contractor_b, "许婷"),
    }
    w.newcomer = _user("newcomer", contractor_b, "吴新")
    w.regulator = _user("regulator", regulator_org, "郑华")
    w.contractor_a = _user("contractor_a_pm", contractor_a, "陈志强")
    w.other_client = _user("other_client_lead", other_client, "刘䶮")

    today = timezone.localdate()
    signed = today - dt.timedelta(days=60)
    with history_context(reason="越权访问测试数据"):
        w.project = services.project_create(
            user=w.users["client_lead"], name="机关文书档案整理及目录数据录入", contract_no="WALK-2026-002",
            contractor=contractor_b, service_types=["digitization"], risk_level="medium", confidentiality="ordinary",
            contract_signed_on=signed, start_date=signed, end_date=signed + dt.timedelta(days=365))
        _team(w)
        for step in PREPARATION:
            _load(step, w, complete=True)
        w.project = services.project_advance(project=w.project, user=w.users["client_lead"])
        assert w.project.phase == Phase.IMPLEMENTATION
        for step, complete in IMPLEMENTATION:
            _load(step, w, complete=complete)
        _extras(w)
        _after_implementation(w)
        # Contractor A's own project, with the other archive as its client.
        w.own_project = services.project_create(
            user=w.other_client, name="苏州婚姻登记档案数字化", contract_no="WALK-2026-101", contractor=contractor_a,
            service_types=["digitization"], risk_level="low", confidentiality="ordinary",
            contract_signed_on=signed, start_date=signed, end_date=signed + dt.timedelta(days=365))
        services.member_add(project=w.own_project, actor=w.other_client, user=w.contractor_a,
                            role=ProjectRole.CONTRACTOR_PM)
    w.project.refresh_from_db()
    return w


@pytest.fixture(scope="module")
def walk_world(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        yield build_world()
        transaction.set_rollback(True)


@pytest.fixture(scope="module")
def walk(walk_world) -> Walk:
    """Every route with its URLs filled from the walk world's project."""
    return Walk.of(walk_world.project)
