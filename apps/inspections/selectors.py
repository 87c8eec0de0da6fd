"""Reads, always scoped to the projects the user may see (outsiders get 404)."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from apps.projects import hooks
from apps.projects.enums import Phase, RiskLevel
from apps.projects.models import Project
from apps.projects.selectors import projects_visible_to

from .enums import LedgerKind
from .models import CheckItem, DefectType, KeyNodeCheck, LedgerEntry, Patrol

# §5.2.1 at least one patrol a week; §8.2.2 a high-risk project at least twice a week.
PATROLS_PER_WEEK = {RiskLevel.LOW: 1, RiskLevel.MEDIUM: 1, RiskLevel.HIGH: 2}

# ---------------------------------------------------------------- scoped lookups


def _get(qs: QuerySet, pk):
    try:
        return qs.get(pk=pk)
    except (qs.model.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def patrol_for_user(user, pk) -> Patrol:
    return _get(Patrol.objects.filter(project__in=projects_visible_to(user))
                .select_related("project", "project__client", "project__contractor", "created_by")
                .prefetch_related("inspectors"), pk)


def key_node_for_user(user, pk) -> KeyNodeCheck:
    return _get(KeyNodeCheck.objects.filter(project__in=projects_visible_to(user))
                .select_related("project", "project__client", "project__contractor", "inspector", "created_by"), pk)


def check_item_for_user(user, pk) -> CheckItem:
    return _get(CheckItem.objects.filter(project__in=projects_visible_to(user)).select_related("project", "template"), pk)


def defect_type_for_user(user, pk) -> DefectType:
    return _get(DefectType.objects.filter(project__in=projects_visible_to(user))
                .select_related("project", "check_item", "template"), pk)


# ---------------------------------------------------------------- catalogue


def check_items(project: Project, service_type: str | None = None, *, active_only: bool = False) -> QuerySet:
    qs = CheckItem.objects.filter(project=project)
    if service_type:
        qs = qs.filter(service_type=service_type)
    if active_only:
        qs = qs.filter(active=True)
    return qs.order_by("service_type", "order", "code")


def defect_types(project: Project, service_type: str | None = None, *, active_only: bool = False) -> QuerySet:
    """The defect catalogue (for D's entry page: ``defect_types(project, st, active_only=True)``)."""
    qs = DefectType.objects.filter(project=project).select_related("check_item")
    if service_type:
        qs = qs.filter(service_type=service_type)
    if active_only:
        qs = qs.filter(active=True)
    return qs.order_by("service_type", "order", "code")


# ---------------------------------------------------------------- patrols and key nodes


def patrols(project: Project) -> QuerySet[Patrol]:
    return (Patrol.objects.filter(project=project).select_related("created_by").prefetch_related("inspectors")
            .order_by("-patrolled_on", "-pk"))


def key_node_checks(project: Project) -> QuerySet[KeyNodeCheck]:
    return (KeyNodeCheck.objects.filter(project=project).select_related("inspector", "created_by")
            .order_by("-checked_on", "-pk"))


_NUMBERING = re.compile(r"^\s*(?:[-*•·]|\(?\d+[.)、．]|[（(]\d+[）)]|[一二三四五六七八九十]+[、.．])\s*")


def plan_control_points(project: Project) -> list[str]:
    """The quality control points (质量控制点) of the approved plan in force, one per line, without
    their numbering; empty when no plan is approved."""
    try:
        from apps.plans.selectors import plan_in_force
    except ImportError:  # pragma: no cover - plans app always present
        return []
    plan = plan_in_force(project)
    if plan is None or not plan.control_points:
        return []
    points, seen = [], set()
    for line in plan.control_points.splitlines():
        for part in re.split(r"[；;]", line):
            text = _NUMBERING.sub("", part).strip().rstrip("。.，,")
            if text and len(text) <= 200 and text not in seen:
                seen.add(text)
                points.append(text)
    return points


@dataclass(frozen=True)
class WeekGap:
    """An ISO week of implementation without the patrols required (§5.2.1, §8.2.2)."""

    year: int
    week: int
    monday: dt.date
    sunday: dt.date
    current: bool
    # Patrols recorded that week, and how many the project's risk level requires (apps.control).
    patrols: int = 0
    required: int = 1

    @property
    def label(self) -> str:
        return f"{self.year}-W{self.week:02d}"


def implementation_periods(project: Project, today: dt.date | None = None) -> list[tuple[dt.date, dt.date]]:
    """The date ranges the project was in implementation, from its history (suspensions cut them)."""
    today = today or timezone.localdate()
    rows = (Project.history.filter(id=project.pk).order_by("history_date", "history_id")
            .values_list("history_date", "phase"))
    periods: list[tuple[dt.date, dt.date]] = []
    start = None
    for when, phase in rows:
        day = timezone.localdate(when)
        if phase == Phase.IMPLEMENTATION and start is None:
            start = day
        elif phase != Phase.IMPLEMENTATION and start is not None:
            periods.append((start, day))
            start = None
    if start is None and project.phase == Phase.IMPLEMENTATION:
        # Phase set without a history row (data loaded by hand): count from the last change.
        start = timezone.localdate(project.phase_changed_at)
    if start is not None:
        periods.append((start, today))
    return [(a, min(b, today)) for a, b in periods if a <= today]


def patrol_gaps(project: Project, today: dt.date | None = None) -> list[WeekGap]:
    """§5.2.1 “日常巡查（每周不少于1次）”: the ISO weeks since the project entered implementation,
    up to this week, with fewer patrols than required (oldest first): one a week, two for a
    high-risk project (§8.2.2, apps.control). The current week is listed
    (``current=True``) while it has no patrol yet."""
    today = today or timezone.localdate()
    weeks: dict[tuple[int, int], dt.date] = {}
    for start, end in implementation_periods(project, today):
        monday = start - dt.timedelta(days=start.weekday())
        while monday <= end:
            iso = monday.isocalendar()
            weeks[(iso[0], iso[1])] = monday
            monday += dt.timedelta(days=7)
    if not weeks:
        return []
    first = min(weeks.values())
    patrolled = Counter(d.isocalendar()[:2] for d in Patrol.objects.filter(
        project=project, patrolled_on__gte=first, patrolled_on__lte=today).values_list("patrolled_on", flat=True))
    # §8.2.2: the frequency follows the risk level (a high-risk project: at least twice a week).
    # The level in force each week counts, not today's (a week is not judged afresh later).
    required = patrols_required_by_week(project, [m + dt.timedelta(days=6) for m in weeks.values()])
    this_week = today.isocalendar()[:2]
    gaps = []
    for (y, w), m in sorted(weeks.items(), key=lambda kv: kv[1]):
        needed = required[m + dt.timedelta(days=6)]
        if patrolled[(y, w)] < needed:
            gaps.append(WeekGap(year=y, week=w, monday=m, sunday=m + dt.timedelta(days=6),
                                current=(y, w) == this_week, patrols=patrolled[(y, w)], required=needed))
    return gaps


# ---------------------------------------------------------------- ledger

LEDGER_PAGE_SIZE = 50
LEDGER_COUNT_CAP = 10_000
# A text search is a scan of the project's rows: its count stops sooner.
LEDGER_SEARCH_COUNT_CAP = 1_000
LEDGER_COLUMNS = ("id", "kind", "occurred_at", "inspector_id", "inspector_name", "batch_id", "batch_label",
                  "content", "problems", "requirements", "conclusion", "has_problems", "url")


@dataclass(frozen=True)
class LedgerFilters:
    kind: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    inspector_id: int | None = None
    batch_id: int | None = None
    q: str = ""
    has_problems: bool | None = None


def ledger_entries(project: Project, filters: LedgerFilters | None = None) -> QuerySet[LedgerEntry]:
    """The project's ledger, newest first, filtered. Only the ledger's own columns are read (no
    joins): every filter maps onto an index beginning with ``project``."""
    f = filters or LedgerFilters()
    qs = LedgerEntry.objects.filter(project=project)
    if f.kind:
        qs = qs.filter(kind=f.kind)
    if f.date_from:
        qs = qs.filter(occurred_at__gte=_day_start(f.date_from))
    if f.date_to:
        qs = qs.filter(occurred_at__lt=_day_start(f.date_to + dt.timedelta(days=1)))
    if f.inspector_id:
        qs = qs.filter(inspector_id=f.inspector_id)
    if f.batch_id:
        qs = qs.filter(batch_id=f.batch_id)
    if f.has_problems is not None:
        qs = qs.filter(has_problems=f.has_problems)
    if f.q:
        qs = qs.filter(search_text__contains=f.q.lower())
    return qs.only(*LEDGER_COLUMNS).order_by("-occurred_at", "-id")


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


@dataclass
class LedgerPage:
    entries: list
    number: int
    per_page: int
    count: int  # capped at LEDGER_COUNT_CAP
    count_capped: bool
    has_next: bool

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def num_pages(self) -> int:
        return max(1, -(-self.count // self.per_page))

    @property
    def start_index(self) -> int:
        return (self.number - 1) * self.per_page + 1 if self.entries else 0


def ledger_count_cap(filters: LedgerFilters | None) -> int:
    return LEDGER_SEARCH_COUNT_CAP if filters is not None and filters.q else LEDGER_COUNT_CAP


def ledger_page(qs: QuerySet[LedgerEntry], page, per_page: int = LEDGER_PAGE_SIZE, *,
                cap: int | None = None) -> LedgerPage:
    """One page in at most two queries whatever the ledger's size: the rows (one more than a page,
    to know whether there is a next one) and, unless this is the last page, a count that stops at
    ``cap`` (default ``LEDGER_COUNT_CAP``; so a rare search term costs one scan, not two)."""
    try:
        number = max(1, int(page))
    except (TypeError, ValueError):
        number = 1
    cap = cap or LEDGER_COUNT_CAP
    max_page = max(1, cap // per_page)
    number = min(number, max_page)
    offset = (number - 1) * per_page
    rows = list(qs[offset:offset + per_page + 1])
    has_next = len(rows) > per_page and number < max_page
    if len(rows) <= per_page and (rows or offset == 0):
        count = offset + len(rows)  # the last page: the count is known without a second scan
    else:
        count = qs.order_by()[:cap + 1].count()
    return LedgerPage(entries=rows[:per_page], number=number, per_page=per_page,
                      count=min(count, cap), count_capped=count > cap, has_next=has_next)


def ledger_inspectors(project: Project) -> list:
    """People who may appear as inspectors (for the filter): the project's members."""
    from apps.accounts.models import User

    return list(User.objects.filter(memberships__project=project).distinct().order_by("name", "id")
                .only("id", "name", "username"))


def ledger_kinds() -> list[tuple[str, str]]:
    return list(LedgerKind.choices)


def project_inspections_history(project: Project) -> list:
    from apps.core.history_view import history_entries

    return history_entries([
        Patrol.history.filter(project_id=project.pk),
        KeyNodeCheck.history.filter(project_id=project.pk),
        CheckItem.history.filter(project_id=project.pk),
        DefectType.history.filter(project_id=project.pk),
    ])


def patrols_required_per_week(project: Project) -> int:
    """§5.2.1 at least one patrol a week; §8.2.2 the frequency follows the risk level: a
    high-risk project is patrolled at least twice a week."""
    return PATROLS_PER_WEEK.get(project.risk_level, 1)


def patrols_required_by_week(project: Project, sundays: list[dt.date]) -> dict[dt.date, int]:
    """The patrols required in each week (given by its Sunday), with the risk level in force at
    the end of that week (``projects.hooks.risk_levels_on``): a week is not judged afresh by a
    later level."""
    levels = hooks.risk_levels_on(project, sundays)
    return {sunday: PATROLS_PER_WEEK.get(levels[sunday], 1) for sunday in sundays}
