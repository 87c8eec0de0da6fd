"""The contractor performance record (信用评价/履约记录): per contractor organisation, across its
projects, the evaluation scores, the first-pass acceptance rate and the acceptance rounds, the
batch pass rate, the escape rate, rectification on time, incidents and breaches.

Counted in the database with one aggregation per kind of record, grouped by contractor (or by
project for the per-project table): the number of queries does not grow with the number of
projects. The figures are counted as in a project's evaluation report (``stats``).

Who sees what (:func:`performance_scope`): the people of a client organisation see every
contractor's record over all its projects (to choose contractors); a regulator over the projects
of the clients in its jurisdiction; a contractor its own record only; anyone else nothing.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Avg, Count, F, Q, QuerySet, Sum
from django.utils import timezone

from apps.accounts.enums import OrgKind
from apps.accounts.models import Jurisdiction, Organization
from apps.projects.models import Project
from apps.rectification.models import Incident

from . import stats
from .enums import ISSUED_STATES, BreachState, Grade
from .models import Breach, QualityEvaluation


@dataclass
class Record:
    """The performance figures of one contractor (or of one project, for the per-project rows)."""

    key: int
    projects: int = 0
    evaluations: int = 0
    average_score: Decimal | None = None
    latest_score: Decimal | None = None
    latest_grade: str = ""
    accepted_projects: int = 0
    first_pass: int = 0
    rounds: int = 0
    overrides: int = 0
    batches: int = 0
    batches_accepted: int = 0
    inspected: int = 0
    conforming: int = 0
    escape_base: int = 0
    escaped: int = 0
    on_time: int = 0
    late: int = 0
    incidents: int = 0
    major_incidents: int = 0
    breaches: int = 0
    extra: dict = field(default_factory=dict)

    @property
    def first_pass_rate(self) -> Decimal | None:
        return stats.percent(self.first_pass, self.accepted_projects)

    @property
    def batch_pass_rate(self) -> Decimal | None:
        return stats.percent(self.batches_accepted, self.batches)

    @property
    def sample_pass_rate(self) -> Decimal | None:
        return stats.percent(self.conforming, self.inspected)

    @property
    def escape_rate(self) -> Decimal | None:
        return stats.percent(self.escaped, self.escape_base)

    @property
    def on_time_rate(self) -> Decimal | None:
        return stats.percent(self.on_time, self.on_time + self.late)

    @property
    def latest_grade_label(self) -> str:
        return str(Grade(self.latest_grade).label) if self.latest_grade else ""


def performance_scope(user) -> QuerySet[Project] | None:
    """The projects whose records the person may read in performance records, or None."""
    if not (user and user.is_authenticated and user.is_active):
        return None
    if user.is_superuser:
        return Project.objects.all()
    org = user.organization
    if org is None or not org.is_active:
        return None
    if org.kind == OrgKind.CLIENT:
        return Project.objects.all()
    if org.kind == OrgKind.REGULATOR:
        return Project.objects.filter(client_id__in=Jurisdiction.objects.filter(regulator=org).values("client_id"))
    if org.kind == OrgKind.CONTRACTOR:
        return Project.objects.filter(contractor=org)
    return None


def contractors_in(scope: QuerySet[Project]) -> QuerySet[Organization]:
    return Organization.objects.filter(kind=OrgKind.CONTRACTOR, pk__in=scope.values("contractor_id")).order_by("name")


def _grouped(qs, key: str, **aggregates) -> dict[int, dict]:
    return {row["k"]: row for row in qs.values(k=F(key)).annotate(**aggregates).order_by()}


def aggregate(scope: QuerySet[Project], *, by: str = "contractor", today: dt.date | None = None) -> dict[int, Record]:
    """One :class:`Record` per contractor (``by="contractor"``) or per project (``by="project"``)
    of ``scope``, in a fixed number of queries."""
    today = today or timezone.localdate()
    project_key = "contractor_id" if by == "contractor" else "pk"
    pairs = list(scope.values_list("pk", project_key))
    records: dict[int, Record] = {}
    for _pk, key in pairs:
        records.setdefault(key, Record(key=key)).projects += 1
    if not pairs:
        return records
    ids = scope.values("pk")
    via = "project__contractor" if by == "contractor" else "project"

    evaluations = QualityEvaluation.objects.filter(project__in=ids, state__in=ISSUED_STATES)
    for k, row in _grouped(evaluations, via, n=Count("id"), avg=Avg("total_score")).items():
        records[k].evaluations = row["n"]
        records[k].average_score = None if row["avg"] is None else stats.two_places(row["avg"])
    for row in (evaluations.order_by(via, "-issued_at", "-pk").distinct(via)
                .values(via, "total_score", "grade")):
        r = records[row[via]]
        r.latest_score, r.latest_grade = row["total_score"], row["grade"]

    _acceptance(records, pairs)

    lots = stats.decided_lots().filter(project__in=ids)
    for k, row in _grouped(lots, via, n=Count("id"), accepted=Count("id", filter=stats.ACCEPTED),
                           conforming=Sum("conforming_count"), defective=Sum("defective_count")).items():
        r = records[k]
        r.batches, r.batches_accepted = row["n"], row["accepted"]
        r.conforming = row["conforming"] or 0
        r.inspected = r.conforming + (row["defective"] or 0)
    escape = stats.escape_base().filter(inspection__project__in=ids)
    for k, row in _grouped(escape, "inspection__" + via, base=Count("id"),
                           escaped=Count("id", filter=stats.ESCAPED)).items():
        records[k].escape_base, records[k].escaped = row["base"], row["escaped"]
    periods = stats.rectification_periods().filter(project__in=ids)
    for k, row in _grouped(periods, via, **stats.on_time_counts(today)).items():
        records[k].on_time, records[k].late = row["on_time"], row["late"]
    incidents = Incident.objects.filter(project__in=ids)
    for k, row in _grouped(incidents, via, n=Count("id"), major=Count("id", filter=Q(is_major=True))).items():
        records[k].incidents, records[k].major_incidents = row["n"], row["major"]
    breaches = Breach.objects.filter(project__in=ids, state=BreachState.RECORDED)
    for k, row in _grouped(breaches, "contractor" if by == "contractor" else "project", n=Count("id")).items():
        if k in records:
            records[k].breaches = row["n"]
    return records


def _acceptance(records: dict[int, Record], pairs: list[tuple[int, int]]) -> None:
    """First-pass acceptance and rounds, from the acceptance app's summary (one query)."""
    from apps.acceptance.selectors import rounds_summary

    summaries = rounds_summary([pk for pk, _key in pairs])
    per_key: dict[int, list] = defaultdict(list)
    for pk, key in pairs:
        per_key[key].append(summaries[pk])
    for key, items in per_key.items():
        r = records[key]
        # Projects with a concluded acceptance round: a failed first round counts against first-pass.
        r.accepted_projects = sum(1 for s in items if s.rounds or s.passed_in is not None)
        r.first_pass = sum(1 for s in items if s.passed_in == 1)
        r.rounds = sum(s.rounds for s in items)
        r.overrides = sum(s.overrides for s in items)


def contractor_records(user, today: dt.date | None = None) -> list[tuple[Organization, Record]] | None:
    """The performance-record list the person may see (None: not for this person)."""
    scope = performance_scope(user)
    if scope is None:
        return None
    records = aggregate(scope, today=today)
    return [(org, records.get(org.pk) or Record(key=org.pk)) for org in contractors_in(scope)]


def contractor_record(user, pk, today: dt.date | None = None) -> tuple[Organization, Record, list]:
    """One contractor's record and the rows of the projects the person may see; 404 for a
    contractor outside the person's scope."""
    from django.http import Http404

    from apps.projects.selectors import projects_visible_to

    scope = performance_scope(user)
    if scope is None or not str(pk).isdigit():
        raise Http404
    org = contractors_in(scope).filter(pk=pk).first()
    if org is None:
        raise Http404
    own = scope.filter(contractor=org)
    record = aggregate(own, today=today).get(org.pk) or Record(key=org.pk)
    visible = own.filter(pk__in=projects_visible_to(user).values("pk"))
    rows = aggregate(visible, by="project", today=today)
    projects = list(visible.select_related("client").order_by("-contract_signed_on", "pk"))
    return org, record, [(p, rows[p.pk]) for p in projects]
