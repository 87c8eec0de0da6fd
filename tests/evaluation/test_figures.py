"""The report's figures against records counted by hand, the score sheet they propose, and the
figures frozen when the report is issued."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from apps.accounts.enums import Party
from apps.batches.models import BatchItem
from apps.deadlines.models import Deadline
from apps.evaluation import selectors, services
from apps.evaluation.figures import project_figures
from apps.lot_inspection import services as lot_services
from apps.rectification import services as problems
from tests.lot_inspection.builders import all_conforming, in_implementation, open_for
from tests.rectification.builders import answer, raise_ticket, review, sign

from .builders import accepted, breach, issued, written

pytestmark = pytest.mark.django_db


def _sampled(inspection, n: int):
    return inspection.items.order_by("position")[n]


def build_known_project(world):
    """Two decided batches, tickets, reviews, a complaint, incidents, a warranty ticket, breaches:

    - batch 1: 200 items, sample 50, one item with a general defect that the contractor itself
      had found (not passed): accepted, 49/50;
    - batch 2: 100 items, sample 20, one item with a fatal and a general defect the contractor had
      passed: not accepted (a ticket of source 抽检 is raised), 19/20;
    - a patrol ticket answered on time, failed at review, answered late, passed, signed, closed;
    - a complaint (its ticket open), a withdrawn ticket, two incidents (one major), a warranty
      ticket after the acceptance, a breach recorded and one withdrawn.
    """
    in_implementation(world.project)
    first = open_for(world, items=200)
    assert first.sample_size == 50
    general = _sampled(first, 3)
    BatchItem.objects.filter(pk=general.batch_item_id).update(contractor_passed=False)
    all_conforming(first, world.inspector, except_positions={general.position: ["DIG-G1"]})
    lot_services.lot_inspection_decide(inspection=first, user=world.lead)
    second = open_for(world, items=100)
    assert second.sample_size == 20
    fatal = _sampled(second, 5)
    all_conforming(second, world.inspector, except_positions={fatal.position: ["DIG-F1", "DIG-G1"]})
    lot_services.lot_inspection_decide(inspection=second, user=world.lead)

    ticket = raise_ticket(world)
    answer(ticket, world)                                     # period 1: on time
    review(ticket, world, passed=False)                       # opens period 2
    Deadline.objects.filter(object_id=ticket.pk, kind="rectification", state="open").update(
        base_date=timezone.localdate() - dt.timedelta(days=5), due_date=timezone.localdate() - dt.timedelta(days=1))
    ticket.refresh_from_db()
    answer(ticket, world)                                     # period 2: late
    ticket = review(ticket, world, passed=True)
    sign(ticket, world.inspector, Party.CLIENT)
    sign(ticket, world.pm, Party.CONTRACTOR)
    problems.ticket_close(ticket=ticket, user=world.lead)
    withdrawn = raise_ticket(world, title="误报")
    problems.ticket_cancel(ticket=withdrawn, user=world.lead, reason="误报，撤销。")
    today = timezone.localdate()
    problems.complaint_register(project=world.project, user=world.lead, complainant="档案利用者", received_on=today,
                                content="扫描件模糊。", requirement="重新扫描。", due_date=today + dt.timedelta(days=5))
    for category, major in (("security", True), ("quality", False)):
        problems.incident_report(project=world.project, user=world.pm, category=category, title=f"{category}事故",
                                 occurred_at=timezone.now() - dt.timedelta(hours=1), description="经过。",
                                 scale="一卷。", remedial_action="已处置。", is_major=major)

    evaluation = accepted(world)
    problems.warranty_ticket_raise(project=world.project, user=world.inspector, found_on=today, title="质保问题",
                                   description="图像缺页。", requirement="补扫。")
    breach(world)
    services.breach_withdraw(breach=breach(world, ground="other", description="误录。"), user=world.lead,
                             reason="录入错误。")
    return evaluation


def test_figures_are_the_hand_counted_ones(world):
    build_known_project(world)
    f = project_figures(world.project)
    s = f["sampling"]
    assert [(b["batch"], b["inspected"], b["conforming"], b["pass_rate"], b["accepted"]) for b in s["batches"]] == [
        (1, 50, 49, "98.00", True), (2, 20, 19, "95.00", False)]
    assert (s["inspections"], s["accepted"], s["acceptance_rate"]) == (2, 1, "50.00")
    assert (s["inspected"], s["conforming"], s["pass_rate"]) == (70, 68, "97.14")
    assert s["defects"] == {"fatal": 1, "serious": 0, "general": 2}
    assert s["escape"] == {"escaped": 1, "base": 69, "rate": "1.45"}
    (digitization,) = s["by_type"]
    assert digitization["service_type"] == "digitization" and digitization["pass_rate"] == "97.14"
    assert digitization["defects"] == {"fatal": 1, "serious": 0, "general": 2}

    r = f["rectification"]
    assert (r["tickets"], r["closed"], r["open"]) == (4, 1, 3)
    assert r["by_source"] == {"patrol": 1, "sampling": 1, "acceptance": 0, "complaint": 1, "warranty": 1,
                              "other": 0}
    assert (r["on_time"], r["late"], r["on_time_rate"]) == (1, 1, "50.00")
    assert (r["reviews"], r["failed_reviews"], r["review_pass_rate"]) == (2, 1, "50.00")
    assert f["incidents"] == {"total": 2, "major": 1, "security": 1, "quality": 1}
    assert f["complaints"] == 1
    assert f["warranty"] == {"tickets": 1, "open": 1, "closed": 0}
    assert f["breaches"] == {"total": 1, "by_ground": {"refused_rectification": 1}}
    assert f["acceptance"] == {"rounds": 0, "passed_in": None, "overrides": 0, "common_problems": []}
    assert f["threshold"] == "95.00"


def test_the_sheet_proposes_scores_from_the_figures(world):
    evaluation = build_known_project(world)
    services.evaluation_score(evaluation=evaluation, user=world.lead, indicator="acceptance", score="100",
                              comment="一次验收合格（纸质）。")
    services.evaluation_score(evaluation=evaluation, user=world.lead, indicator="cooperation", score="70",
                              comment="配合一般。")
    sheet = selectors.current_sheet(evaluation)
    proposed = {row["indicator"]: row["proposed"] for row in sheet["rows"]}
    assert proposed == {
        "sampling_pass_rate": "77.12",  # 60 + 40 × (97.14 − 95) / 5
        "batch_acceptance": "50.00", "defects": "68.00", "escape_rate": "85.50",
        "rectification_on_time": "50.00", "rectification_review": "50.00", "acceptance": None,
        "incidents": "40.00", "complaints": "80.00", "warranty": "90.00", "breaches": "50.00", "cooperation": None}
    assert sum(row["weight"] for row in sheet["rows"]) == 100
    # 15.424 + 5 + 6.8 + 4.275 + 7.5 + 2.5 + 10 + 2 + 4 + 4.5 + 2.5 + 3.5 = 67.999
    assert sheet["total"] == "68.00" and sheet["grade"] == "pass"


def test_figures_are_frozen_when_issued(world):
    evaluation = build_known_project(world)
    evaluation = issued(world, evaluation)
    frozen = evaluation.figures
    total = evaluation.total_score
    problems.incident_report(project=world.project, user=world.pm, category="quality", title="新事故",
                             occurred_at=timezone.now(), description="经过。", scale="一件。", remedial_action="处置。")
    breach(world, description="又一次违约。")
    evaluation.refresh_from_db()
    assert evaluation.figures == frozen and evaluation.total_score == total
    assert selectors.current_figures(evaluation)["incidents"]["total"] == 2
    assert selectors.report(evaluation)["total"] == total
    assert project_figures(world.project)["incidents"]["total"] == 3  # the live figures moved on


def test_acceptance_rounds_count_and_acceptance_inspections_are_not_batches(world):
    from tests.acceptance.builders import pass_acceptance

    pass_acceptance(world)
    f = project_figures(world.project)
    assert f["acceptance"]["rounds"] == 1 and f["acceptance"]["passed_in"] == 1
    assert f["sampling"]["inspections"] == 1  # the accepted batch, not the acceptance inspection
    evaluation = written(world)
    row = next(r for r in selectors.current_sheet(evaluation)["rows"] if r["indicator"] == "acceptance")
    assert row["proposed"] == "100.00"


def test_rates_use_one_rounding_rule():
    from apps.evaluation.stats import percent

    assert percent(2, 3) == Decimal("66.67") and percent(1, 8) == Decimal("12.50") and percent(1, 0) is None
    assert percent(1, 200) == Decimal("0.50") and percent(1, 400) == Decimal("0.25")
