"""The figures of a project's evaluation report (§10.1.1: 质量问题、安全隐患, from the records),
read in a fixed number of queries and returned as plain JSON values, so that issuing the report
can store them as they were (``QualityEvaluation.figures``). Rates are strings of two decimals
(``stats.percent``), or None when there was nothing to count."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db.models import Count, F, Q
from django.utils import timezone

from apps.inspections.enums import GRADE_ORDER
from apps.projects.models import Project
from apps.rectification.enums import ACTIVE_STATES, IncidentCategory, TicketSource, TicketState
from apps.rectification.models import Complaint, Incident, RectificationTicket, TicketReview

from . import stats
from .enums import BreachState

GRADES = [str(g) for g in GRADE_ORDER]


def _grades(counts: dict) -> dict:
    return {g: counts.get(g, 0) for g in GRADES}


def sampling_figures(project: Project) -> dict:
    """Pass rates per batch and per service type, defects by grade and the escape rate, from the
    decided sampling inspections of the project's batches."""
    rows = list(stats.decided_lots().filter(project=project).order_by("batch__number", "pk").values(
        "batch__number", "service_type", "conforming_count", "defective_count", "decision", "fatal_count",
        "serious_count", "general_count"))
    defects: dict[str, dict] = defaultdict(dict)
    for row in stats.lot_defects().filter(sampled_item__inspection__project=project).values(
            st=F("sampled_item__inspection__service_type"), g=F("grade")).annotate(n=Count("id")).order_by():
        defects[row["st"]][row["g"]] = row["n"]
    escape = {row["st"]: row for row in stats.escape_base().filter(inspection__project=project).values(
        st=F("inspection__service_type")).annotate(base=Count("id"), escaped=Count("id", filter=stats.ESCAPED))
        .order_by()}

    batches = []
    by_type: dict[str, dict] = {}
    for row in rows:
        inspected = row["conforming_count"] + row["defective_count"]
        accepted = row["decision"] == "accepted"
        batches.append({"batch": row["batch__number"], "service_type": row["service_type"], "inspected": inspected,
                        "conforming": row["conforming_count"], "defective": row["defective_count"],
                        "pass_rate": stats.as_text(stats.percent(row["conforming_count"], inspected)),
                        "accepted": accepted,
                        "worst": {"fatal": row["fatal_count"], "serious": row["serious_count"],
                                  "general": row["general_count"]}})
        t = by_type.setdefault(row["service_type"], {"inspections": 0, "accepted": 0, "inspected": 0,
                                                      "conforming": 0})
        t["inspections"] += 1
        t["accepted"] += int(accepted)
        t["inspected"] += inspected
        t["conforming"] += row["conforming_count"]

    types = []
    for st in sorted(set(by_type) | set(defects) | set(escape)):
        t = by_type.get(st, {"inspections": 0, "accepted": 0, "inspected": 0, "conforming": 0})
        e = escape.get(st, {"base": 0, "escaped": 0})
        types.append({"service_type": st, **t,
                      "acceptance_rate": stats.as_text(stats.percent(t["accepted"], t["inspections"])),
                      "pass_rate": stats.as_text(stats.percent(t["conforming"], t["inspected"])),
                      "defects": _grades(defects.get(st, {})),
                      "escape": {"escaped": e["escaped"], "base": e["base"],
                                 "rate": stats.as_text(stats.percent(e["escaped"], e["base"]))}})

    inspections = len(batches)
    accepted = sum(1 for b in batches if b["accepted"])
    inspected = sum(b["inspected"] for b in batches)
    conforming = sum(b["conforming"] for b in batches)
    escaped = sum(t["escape"]["escaped"] for t in types)
    base = sum(t["escape"]["base"] for t in types)
    return {
        "batches": batches,
        "by_type": types,
        "inspections": inspections,
        "accepted": accepted,
        "acceptance_rate": stats.as_text(stats.percent(accepted, inspections)),
        "inspected": inspected,
        "conforming": conforming,
        "pass_rate": stats.as_text(stats.percent(conforming, inspected)),
        "defects": {g: sum(t["defects"][g] for t in types) for g in GRADES},
        "escape": {"escaped": escaped, "base": base, "rate": stats.as_text(stats.percent(escaped, base))},
    }


def rectification_figures(project: Project, today: dt.date) -> dict:
    """Tickets (withdrawn ones left out), the rectification periods on time and the reviews."""
    tickets = RectificationTicket.objects.filter(project=project).exclude(state=TicketState.CANCELLED)
    agg = tickets.aggregate(total=Count("id"), closed=Count("id", filter=Q(state=TicketState.CLOSED)),
                            open=Count("id", filter=Q(state__in=ACTIVE_STATES)))
    by_source = {row["source"]: row["n"] for row in tickets.values("source").annotate(n=Count("id")).order_by()}
    periods = stats.rectification_periods().filter(project=project).aggregate(**stats.on_time_counts(today))
    reviews = TicketReview.objects.filter(ticket__project=project).aggregate(
        total=Count("id"), failed=Count("id", filter=Q(passed=False)))
    counted = periods["on_time"] + periods["late"]
    return {
        "tickets": agg["total"], "closed": agg["closed"], "open": agg["open"],
        "by_source": {s: by_source.get(s, 0) for s in TicketSource.values},
        "on_time": periods["on_time"], "late": periods["late"],
        "on_time_rate": stats.as_text(stats.percent(periods["on_time"], counted)),
        "reviews": reviews["total"], "failed_reviews": reviews["failed"],
        "review_pass_rate": stats.as_text(stats.percent(reviews["total"] - reviews["failed"], reviews["total"])),
    }


def acceptance_figures(project: Project) -> dict:
    from apps.acceptance.selectors import common_problems_of, rounds_summary

    summary = rounds_summary([project.pk])[project.pk]
    problems = [{"category": p.category, "description": p.description, "suggested_control": p.suggested_control,
                 "round": p.round.number}
                for p in common_problems_of(project).order_by("pk")]
    return {"rounds": summary.rounds, "passed_in": summary.passed_in, "overrides": summary.overrides,
            "common_problems": problems}


def project_figures(project: Project, today: dt.date | None = None) -> dict:
    """Every figure of the report, as it stands now."""
    from .models import Breach

    today = today or timezone.localdate()
    incidents = Incident.objects.filter(project=project).aggregate(
        total=Count("id"), major=Count("id", filter=Q(is_major=True)),
        security=Count("id", filter=Q(category=IncidentCategory.SECURITY)),
        quality=Count("id", filter=Q(category=IncidentCategory.QUALITY)))
    warranty = RectificationTicket.objects.filter(project=project, source=TicketSource.WARRANTY).exclude(
        state=TicketState.CANCELLED).aggregate(total=Count("id"), closed=Count("id", filter=Q(state=TicketState.CLOSED)),
                                              open=Count("id", filter=Q(state__in=ACTIVE_STATES)))
    breaches = {row["ground"]: row["n"] for row in Breach.objects.filter(
        project=project, state=BreachState.RECORDED).values("ground").annotate(n=Count("id")).order_by()}
    return {
        "computed_at": timezone.now().isoformat(timespec="seconds"),
        "accepted_on": project.accepted_on.isoformat() if project.accepted_on else None,
        "threshold": stats.as_text(project.quality_threshold),
        "sampling": sampling_figures(project),
        "rectification": rectification_figures(project, today),
        "incidents": incidents,
        "complaints": Complaint.objects.filter(project=project).count(),
        "acceptance": acceptance_figures(project),
        "warranty": {"tickets": warranty["total"], "open": warranty["open"], "closed": warranty["closed"]},
        "breaches": {"total": sum(breaches.values()), "by_ground": breaches},
    }

