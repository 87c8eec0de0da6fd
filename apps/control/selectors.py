"""Reads, always scoped to the projects the user may see (outsiders get 404), and the figures of
the quality report computed from the records."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Q, QuerySet, Sum
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.core.permissions import allowed
from apps.projects.models import Project
from apps.projects.selectors import projects_visible_to

from .enums import (
    ActionState,
    ChangeState,
    ImprovementState,
    MilestoneState,
    ReportState,
    RequestState,
    RiskPointStatus,
)
from .models import (
    LEVEL_RANK,
    ActionItem,
    ChangeRequest,
    ImprovementPlan,
    Meeting,
    ProgressMilestone,
    QualityReport,
    RiskAssessment,
    RiskPoint,
    RiskReassessmentRequest,
)

# ---------------------------------------------------------------- scoped lookups


def _scoped(model, user, pk, related: tuple = ()):
    try:
        return (model.objects.filter(project__in=projects_visible_to(user))
                .select_related("project", "project__client", "project__contractor", *related).get(pk=pk))
    except (model.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def risk_point_for_user(user, pk) -> RiskPoint:
    return _scoped(RiskPoint, user, pk, ("owner",))


def change_request_for_user(user, pk) -> ChangeRequest:
    return _scoped(ChangeRequest, user, pk, ("requested_by", "decided_by", "plan_version"))


def meeting_for_user(user, pk) -> Meeting:
    return _scoped(Meeting, user, pk, ("recorded_by",))


def action_item_for_user(user, pk) -> ActionItem:
    return _scoped(ActionItem, user, pk, ("meeting", "owner"))


def quality_report_for_user(user, pk) -> QualityReport:
    return _scoped(QualityReport, user, pk, ("prepared_by", "submitted_by", "acknowledged_by"))


def milestone_for_user(user, pk) -> ProgressMilestone:
    return _scoped(ProgressMilestone, user, pk)


def improvement_plan_for_user(user, pk) -> ImprovementPlan:
    return _scoped(ImprovementPlan, user, pk, ("owner", "prepared_by", "filed_by", "verified_by"))


# A draft report or improvement plan is the contractor's own until it is submitted: anyone else
# gets 404 (rules ``control.can_see_report`` / ``control.can_see_improvement``; staff see all).

def _sees_drafts(user, project: Project) -> bool:
    return user.organization_id == project.contractor_id or user.is_superuser


def visible_quality_report_for_user(user, pk) -> QualityReport:
    report = quality_report_for_user(user, pk)
    if not (user.is_superuser or allowed("control.can_see_report", user, report)):
        raise Http404
    return report


def visible_improvement_plan_for_user(user, pk) -> ImprovementPlan:
    plan = improvement_plan_for_user(user, pk)
    if not (user.is_superuser or allowed("control.can_see_improvement", user, plan)):
        raise Http404
    return plan


# ---------------------------------------------------------------- per project

def risk_points(project: Project) -> QuerySet[RiskPoint]:
    return project.risk_points.select_related("owner", "created_by").order_by("status", "pk")


def active_risk_points(project: Project) -> QuerySet[RiskPoint]:
    return project.risk_points.filter(status=RiskPointStatus.ACTIVE)


def risk_assessments(project: Project) -> QuerySet[RiskAssessment]:
    return project.risk_assessments.select_related("assessed_by").order_by("-assessed_on", "-pk")


def open_reassessment_requests(project: Project) -> QuerySet[RiskReassessmentRequest]:
    return project.risk_reassessment_requests.filter(state=RequestState.OPEN).order_by("requested_at", "pk")


def reassessment_requests(project: Project) -> QuerySet[RiskReassessmentRequest]:
    return project.risk_reassessment_requests.select_related("closed_by").order_by("-requested_at", "-pk")


def highest_level(points) -> str | None:
    """§5.2.2: the project is as risky as its riskiest active point."""
    levels = [p.level for p in points if p.level]
    return max(levels, key=LEVEL_RANK.__getitem__) if levels else None


def unrated_points(project: Project) -> QuerySet[RiskPoint]:
    return active_risk_points(project).filter(level="")


def change_requests(project: Project) -> QuerySet[ChangeRequest]:
    return project.change_requests.select_related("requested_by", "decided_by", "plan_version").order_by("-number")


def meetings(project: Project) -> QuerySet[Meeting]:
    return project.meetings.select_related("recorded_by").annotate(
        open_actions=Count("action_items", filter=Q(action_items__state=ActionState.OPEN))).order_by(
        "-held_on", "-number")


def open_action_items(project: Project) -> QuerySet[ActionItem]:
    return project.meeting_action_items.filter(state=ActionState.OPEN).select_related("meeting", "owner").order_by(
        "due_date", "pk")


def quality_reports(project: Project) -> QuerySet[QualityReport]:
    return project.quality_reports.select_related("prepared_by", "acknowledged_by").order_by("-period_end", "-number")


def visible_quality_reports(user, project: Project) -> QuerySet[QualityReport]:
    reports = quality_reports(project)
    return reports if _sees_drafts(user, project) else reports.exclude(state=ReportState.DRAFT)


def milestones(project: Project) -> QuerySet[ProgressMilestone]:
    return project.progress_milestones.order_by("sequence", "pk")


def improvement_plans(project: Project) -> QuerySet[ImprovementPlan]:
    return project.improvement_plans.select_related("owner", "prepared_by").order_by("-number")


def visible_improvement_plans(user, project: Project) -> QuerySet[ImprovementPlan]:
    plans = improvement_plans(project)
    return plans if _sees_drafts(user, project) else plans.exclude(state=ImprovementState.DRAFT)


def project_summary(project: Project) -> dict:
    """Counts for the control page's tabs."""
    return {
        "risks": active_risk_points(project).count(),
        "unrated": unrated_points(project).count(),
        "requests": open_reassessment_requests(project).count(),
        "changes_pending": project.change_requests.filter(state=ChangeState.SUBMITTED).count(),
        "actions_open": project.meeting_action_items.filter(state=ActionState.OPEN).count(),
        "reports_pending": project.quality_reports.filter(state=ReportState.SUBMITTED).count(),
        "held": project.progress_milestones.filter(state=MilestoneState.HELD_FOR_QUALITY).count(),
        "improvements_open": project.improvement_plans.exclude(state=ImprovementState.VERIFIED).count(),
    }


# ---------------------------------------------------------------- risk level → supervision

def sampling_floor_rate(project: Project) -> Decimal | None:
    """The minimum sampling rate the project's risk level gives (apps.sampling), for display."""
    try:
        from apps.sampling.selectors import settings_or_defaults
        from apps.sampling.services import floor_rate_for
    except ImportError:  # pragma: no cover
        return None
    return floor_rate_for(project, settings_or_defaults(project))


def patrols_required_per_week(project: Project) -> int:
    """The patrols a week the project's current risk level requires (apps.inspections)."""
    from apps.inspections.selectors import patrols_required_per_week as required

    return required(project)


def risk_levels_on(project: Project, dates: list[dt.date]) -> dict[dt.date, str]:
    """The risk level in force on each date: the level of the last assessment made by then, else
    the level before the first assessment. A new level applies from the day it was assessed on,
    not to the days before. Registered as the projects' risk level source."""
    history = list(project.risk_assessments.order_by("assessed_on", "pk")
                   .values_list("assessed_on", "previous_level", "resulting_level"))
    out = {}
    for day in dates:
        level = history[0][1] if history else project.risk_level
        for assessed_on, _previous, resulting in history:
            if assessed_on <= day:
                level = resulting
        out[day] = level
    return out


# ---------------------------------------------------------------- quality report figures (§8.2.3)

def _bounds(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    tz = timezone.get_current_timezone()
    return (dt.datetime.combine(start, dt.time.min, tzinfo=tz),
            dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=tz))


def _pct(part: int, whole: int) -> str | None:
    if not whole:
        return None
    return str((Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def report_figures(project: Project, period_start: dt.date, period_end: dt.date) -> dict:
    """The figures of a quality and data report for the period, read from the records:

    * batches submitted (with resubmissions) and their quantity;
    * the three-level inspection's self-checks (output, checked, defects found);
    * the client's sampling inspections decided in the period: lots accepted / not accepted,
      items inspected and conforming, the pass rate against the contract threshold (§7.1.4),
      items by worst defect grade and defects recorded by grade (§7.1.5);
    * rectification tickets raised and closed in the period, and open / overdue ones now.
    """
    from apps.batches.models import Batch, SelfCheck
    from apps.lot_inspection.enums import Decision, InspectionStatus, Purpose
    from apps.lot_inspection.models import ItemDefect, LotInspection
    from apps.rectification.enums import ACTIVE_STATES, CONTRACTOR_TURN
    from apps.rectification.models import RectificationTicket

    since, until = _bounds(period_start, period_end)
    today = timezone.localdate()

    batches = Batch.objects.filter(project=project, submitted_at__gte=since, submitted_at__lt=until)
    b = batches.aggregate(n=Count("pk"), resubmitted=Count("pk", filter=Q(resubmission_of__isnull=False)),
                          quantity=Sum("quantity"))

    checks = SelfCheck.objects.filter(project=project, date__gte=period_start, date__lte=period_end).aggregate(
        output=Sum("output_count"), checked=Sum("self_checked_count"), found=Sum("nonconforming_count"))

    # Batch inspections only: the acceptance inspection (验收抽检) is reported by the acceptance.
    decided = LotInspection.objects.filter(project=project, purpose=Purpose.LOT, status=InspectionStatus.DECIDED,
                                           decided_at__gte=since, decided_at__lt=until)
    threshold = project.quality_threshold
    lots = decided.aggregate(
        n=Count("pk"), accepted=Count("pk", filter=Q(decision=Decision.ACCEPTED)),
        not_accepted=Count("pk", filter=Q(decision=Decision.NOT_ACCEPTED)),
        below=Count("pk", filter=Q(pass_rate__lt=threshold)),
        conforming=Sum("conforming_count"), defective=Sum("defective_count"), fatal=Sum("fatal_count"),
        serious=Sum("serious_count"), general=Sum("general_count"), defects=Sum("defects_total"))
    inspected = (lots["conforming"] or 0) + (lots["defective"] or 0)
    by_grade = {row["grade"]: row["n"] for row in ItemDefect.objects.filter(
        sampled_item__inspection__in=decided).values("grade").annotate(n=Count("pk"))}

    tickets = RectificationTicket.objects.filter(project=project)
    raised = tickets.filter(raised_at__gte=since, raised_at__lt=until)
    t_raised = raised.aggregate(n=Count("pk"), fatal=Count("pk", filter=Q(severity="fatal")),
                                serious=Count("pk", filter=Q(severity="serious")),
                                general=Count("pk", filter=Q(severity="general")))
    active = tickets.filter(state__in=list(ACTIVE_STATES))

    return {
        "period": {"start": period_start.isoformat(), "end": period_end.isoformat()},
        "batches": {"submitted": b["n"], "resubmitted": b["resubmitted"], "quantity": b["quantity"] or 0},
        "self_checks": {"output": checks["output"] or 0, "checked": checks["checked"] or 0,
                        "defects_found": checks["found"] or 0,
                        "coverage": _pct(checks["checked"] or 0, checks["output"] or 0)},
        "sampling": {
            "lots_decided": lots["n"], "lots_accepted": lots["accepted"], "lots_not_accepted": lots["not_accepted"],
            "lot_acceptance_rate": _pct(lots["accepted"], lots["n"]),
            "items_inspected": inspected, "items_conforming": lots["conforming"] or 0,
            "pass_rate": _pct(lots["conforming"] or 0, inspected),
            "threshold": str(threshold), "lots_below_threshold": lots["below"],
            "items_by_worst_grade": {"fatal": lots["fatal"] or 0, "serious": lots["serious"] or 0,
                                     "general": lots["general"] or 0},
            "defects_by_grade": {g: by_grade.get(g, 0) for g in ("fatal", "serious", "general")},
            "defects_total": lots["defects"] or 0,
        },
        "tickets": {
            "raised": t_raised["n"],
            "raised_by_severity": {"fatal": t_raised["fatal"], "serious": t_raised["serious"],
                                   "general": t_raised["general"]},
            "closed": tickets.filter(closed_at__gte=since, closed_at__lt=until).count(),
            "open_now": active.count(),
            # Overdue as the rectification app counts it: still the contractor's turn, past the deadline.
            "overdue_now": active.filter(state__in=list(CONTRACTOR_TURN), due_date__lt=today).count(),
        },
        "as_of": today.isoformat(),
    }


def figures_below_threshold(figures: dict) -> bool:
    rate = (figures.get("sampling") or {}).get("pass_rate")
    threshold = (figures.get("sampling") or {}).get("threshold")
    return rate is not None and threshold is not None and Decimal(rate) < Decimal(threshold)


# ---------------------------------------------------------------- quality first (§8.2.4)

def quality_conflicts(project: Project) -> list[str]:
    """What stands in the way of declaring a stage done: quality before schedule. Open
    rectification tickets and lots not accepted that have not been resubmitted."""
    from apps.batches.enums import BatchStatus
    from apps.rectification.enums import ACTIVE_STATES

    reasons = []
    n = project.rectification_tickets.filter(state__in=list(ACTIVE_STATES)).count()
    if n:
        reasons.append(_("%(n)d rectification tickets are still open.") % {"n": n})
    lots = project.batches.filter(status=BatchStatus.NOT_ACCEPTED).count()
    if lots:
        reasons.append(_("%(n)d batches were not accepted and await rectification.") % {"n": lots})
    return reasons


# ---------------------------------------------------------------- history

def project_control_history(project: Project) -> list:
    from apps.core.history_view import history_entries

    return history_entries([m.history.filter(project_id=project.pk) for m in HISTORY_MODELS])


HISTORY_MODELS = (RiskPoint, RiskAssessment, RiskReassessmentRequest, ChangeRequest, Meeting, ActionItem,
                  QualityReport, ProgressMilestone, ImprovementPlan)
