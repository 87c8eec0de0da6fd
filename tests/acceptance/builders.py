"""Builders that drive the acceptance through its services, for these tests and others
(handover, warranty, evaluation): ``pass_acceptance(world)`` and ``fail_round(world)``.

The project is walked to implementation with accepted batches (tests/lot_inspection builders),
the contractor applies, the client lead finds the materials complete (the project enters 验收),
names the team (the lead as leader, the acceptance member, an invited expert), plans, inspects,
reports; every team member signs, the contractor PM acknowledges, the lead concludes."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from apps.acceptance import services
from apps.acceptance.enums import SystemRecord
from apps.acceptance.models import AcceptanceRound, TeamMember
from apps.accounts.enums import OrgKind, Party, ProjectRole
from apps.inspections.models import CheckItem
from apps.lot_inspection import services as lot_services
from apps.lot_inspection.rows import RowInput
from apps.projects import services as project_services
from apps.signatures.services import signature_sign

from ..conftest import PASSWORD
from ..factories import OrganizationFactory, UserFactory
from ..lot_inspection.builders import accepted_batch, in_implementation


def expert_of(world):
    """An invited acceptance expert of another organisation (§5.3.1), once per world."""
    existing = getattr(world, "expert", None)
    if existing is not None:
        return existing
    other = OrganizationFactory(kind=OrgKind.CLIENT, name="浙江省档案学会")
    world.expert = UserFactory(username="expert", name="吴教授", organization=other)
    project_services.member_add(project=world.project, actor=world.lead, user=world.expert,
                                role=ProjectRole.ACCEPTANCE_EXPERT)
    world.project.refresh_from_db()
    return world.expert


def ready_to_apply(world, *, batches: int = 1, items: int = 60):
    """The project in implementation with ``batches`` accepted batches and no open ticket."""
    in_implementation(world.project)
    made = [accepted_batch(world, items=items) for _ in range(batches)]
    world.project.refresh_from_db()
    return made


def apply(world, *, submit: bool = True):
    """The contractor PM's application, every required line referring to records (or files)."""
    application = services.application_create(project=world.project, user=world.pm,
                                              results="数字化图像 120 件，目录数据 120 条。")
    for line in application.lines.all():
        if not line.record_ref:
            services.line_update(line=line, user=world.pm, kind=line.kind, title=line.title,
                                 description=line.description, required=line.required,
                                 record_ref=SystemRecord.CONTROL, reference="见项目管控记录")
    if submit:
        application = services.application_submit(application=application, user=world.pm)
    return application


def into_acceptance(world, *, batches: int = 1):
    """Apply, and the lead finds the materials complete: the project enters 验收."""
    ready_to_apply(world, batches=batches)
    application = apply(world)
    services.application_review(application=application, user=world.lead, complete=True)
    world.project.refresh_from_db()
    return application


def name_team(world):
    expert = expert_of(world)
    services.team_member_add(project=world.project, user=world.lead, person=world.lead, is_leader=True)
    services.team_member_add(project=world.project, user=world.lead, person=world.acceptance)
    services.team_member_add(project=world.project, user=world.lead, person=expert)
    return list(TeamMember.objects.filter(project=world.project))


def planned_round(world, *, override_reason: str = "", rate=None) -> AcceptanceRound:
    """A round started, its plan drawn up and approved."""
    acceptance_round = services.round_start(project=world.project, user=world.lead, override_reason=override_reason)
    items = list(CheckItem.objects.filter(project=world.project, active=True,
                                          service_type="digitization").order_by("order")[:2])
    today = timezone.localdate()
    services.round_plan_update(
        acceptance_round=acceptance_round, user=world.lead, plan_content="按合同和 DA/T 31 核查数字化成果。",
        rates={"digitization": rate or Decimal("5.00")}, standards=items, standards_note="合同第 5 条",
        schedule_start=today, schedule_end=today + dt.timedelta(days=3))
    return services.round_plan_approve(acceptance_round=acceptance_round, user=world.lead)


def inspected_round(world, acceptance_round, *, defective: int = 0, code: str = "DIG-S1") -> AcceptanceRound:
    """Open the inspection, record every item (``defective`` of them with ``code``) and decide."""
    acceptance_round = services.round_inspection_open(acceptance_round=acceptance_round, user=world.inspector)
    for sampling in acceptance_round.samplings.select_related("inspection"):
        inspection = sampling.inspection
        items = list(inspection.items.order_by("position"))
        rows = [RowInput(label=str(i.position), item_id=i.pk,
                         result="defective" if n < defective else "conforming",
                         defects=[code] if n < defective else [])
                for n, i in enumerate(items)]
        lot_services.lot_inspection_results_record(inspection=inspection, user=world.acceptance, rows=rows)
        lot_services.lot_inspection_decide(inspection=inspection, user=world.lead)
    acceptance_round.refresh_from_db()
    return acceptance_round


def sign_report(world, acceptance_round, *, team: bool = True, contractor: bool = True) -> None:
    if team:
        for member in TeamMember.objects.filter(project=world.project).select_related("user"):
            signature_sign(record=acceptance_round, user=member.user, password=PASSWORD, party=Party.CLIENT,
                           meaning="review")
    if contractor:
        signature_sign(record=acceptance_round, user=world.pm, password=PASSWORD, party=Party.CONTRACTOR,
                       meaning="confirm")


def concluded_round(world, acceptance_round, *, conclusion: str, fail_reason: str = "") -> AcceptanceRound:
    due = timezone.localdate() + dt.timedelta(days=10) if conclusion == "fail" else None
    acceptance_round = services.round_report_issue(
        acceptance_round=acceptance_round, user=world.lead, conclusion=conclusion, opinion="验收组意见。",
        problems="部分图像偏斜。" if conclusion == "fail" else "", fail_reason=fail_reason, rectification_due=due)
    sign_report(world, acceptance_round)
    return services.round_conclude(acceptance_round=acceptance_round, user=world.lead)


def pass_acceptance(world) -> AcceptanceRound:
    """The whole acceptance, passed in round 1: ``world.project.accepted_on`` is set, the gate
    ``acceptance_passed`` met; the project stays in 验收 (advance it with project_advance)."""
    into_acceptance(world)
    name_team(world)
    acceptance_round = inspected_round(world, planned_round(world))
    acceptance_round = concluded_round(world, acceptance_round, conclusion="pass")
    world.project.refresh_from_db()
    return acceptance_round


def fail_round(world, *, defective: int = 2) -> AcceptanceRound:
    """Round 1 (or the next round, if the acceptance is already under way) failed with
    ``defective`` items: one rectification ticket (source 验收) per failing inspection, open."""
    if getattr(world, "expert", None) is None or not TeamMember.objects.filter(project=world.project).exists():
        into_acceptance(world)
        name_team(world)
    acceptance_round = inspected_round(world, planned_round(world), defective=defective)
    acceptance_round = concluded_round(world, acceptance_round, conclusion="fail")
    world.project.refresh_from_db()
    return acceptance_round


def close_tickets(world, acceptance_round) -> None:
    """The contractor rectifies the round's tickets, the client reviews them, both sign, closed."""
    from apps.acceptance.selectors import round_open_tickets
    from apps.rectification import services as ticket_services

    for ticket in list(round_open_tickets(acceptance_round)):
        ticket = ticket_services.ticket_submit(ticket=ticket, user=world.pm, measures="已返工。", result="已整改完毕。")
        ticket = ticket_services.ticket_review(ticket=ticket, user=world.inspector, passed=True, opinion="复核合格。")
        signature_sign(record=ticket, user=world.lead, password=PASSWORD, party=Party.CLIENT, meaning="approve")
        signature_sign(record=ticket, user=world.pm, password=PASSWORD, party=Party.CONTRACTOR, meaning="confirm")
        ticket_services.ticket_close(ticket=ticket, user=world.lead)


# ---------------------------------------------------------------- records for the URL walks / form sweep

def draft_application(world):
    """A draft application (project in implementation, one accepted batch): for ``application_edit``,
    ``line_add`` (the application) and ``line_edit`` (its first line)."""
    from apps.acceptance.models import AcceptanceApplication

    existing = AcceptanceApplication.objects.filter(project=world.project).first()
    if existing is not None:
        return existing
    ready_to_apply(world, items=20)
    return apply(world, submit=False)


def started_round(world) -> AcceptanceRound:
    """Round 1 in planning, the team named (project in acceptance): for ``round_plan``,
    ``problem_add``, ``round_report`` …"""
    existing = AcceptanceRound.objects.filter(project=world.project).first()
    if existing is not None:
        return existing
    into_acceptance(world)
    name_team(world)
    return services.round_start(project=world.project, user=world.lead)
