"""Every URL of the site and of the API, with its ids filled from one project's records.

:func:`routes` walks Django's URL resolver through every ``include`` (so the API router's routes
come with it, as mounted). :func:`fill` gives the URLs of one route with each id taken from
the records of ``project``: a route may give several URLs (one per printable form, one per kind
of record that can be signed or own attachments, one per kind of a record in
``RECORD_VARIANTS``, e.g. an acceptance inspection besides a batch's). A route whose ids cannot
be filled raises :class:`Unmapped` with a message that names it: a new URL is noticed the day it
is added, and gets a line in ``PK_RECORDS``, ``KWARG_RECORDS``, ``KWARG_BY_PREFIX`` (an id that
names different records on different routes) or ``VALUE_KWARGS`` (a value, not a record) — and,
if its records are new, a record in the walk world, ``conftest.build_world``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Self

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from apps.acceptance.models import AcceptanceApplication, AcceptanceRound, MaterialLine, TeamMember
from apps.accounts.models import Organization
from apps.attachments import registry as attachables
from apps.attachments.models import Attachment
from apps.batches.models import Batch
from apps.control.models import (
    ActionItem,
    ChangeRequest,
    ImprovementPlan,
    Meeting,
    ProgressMilestone,
    QualityReport,
    RiskAssessment,
    RiskPoint,
)
from apps.core.audit_protection import historical_tables
from apps.deadlines.models import Deadline
from apps.disclosure.models import DisclosureItem, TechnicalDisclosure
from apps.evaluation.enums import Indicator
from apps.evaluation.models import Breach, QualityEvaluation
from apps.first_article.models import FirstArticleVerification, WorkContactSheet
from apps.handover.models import Handover, HandoverLine
from apps.inspections.models import CheckItem, DefectType, KeyNodeCheck, Patrol
from apps.lot_inspection.models import ItemDefect, LotInspection
from apps.notifications.models import Notification
from apps.plans.models import PlanVersion
from apps.projects.models import GateAttestation, Project, ProjectMember
from apps.qualification.models import QualificationDocument, QualificationReview
from apps.rectification.models import Incident, RectificationTicket
from apps.reports.registry import forms
from apps.signatures.models import Signature
from apps.signatures.registry import signables
from apps.teams.models import Equipment, IntegrityPledge, StaffChange, StaffFiling

CHANGING_METHODS = ("post", "put", "patch", "delete")
# The staff-only admin site is not walked: a project user never gets past its login page
# (test_idor_walk.test_admin_site_is_closed_to_project_users).
ADMIN = "admin/"


class Unmapped(LookupError):
    """A route with an id the walk does not know how to fill."""


@dataclass(frozen=True)
class Route:
    name: str          # "batches:submit", "api:project-batches-detail"; "" when unnamed
    path: str          # "batches/{pk}/submit/": the pattern with its ids in braces
    kwargs: tuple[str, ...]
    callback: Callable

    @property
    def key(self) -> str:
        """The route's name, or its path when it has none."""
        return self.name or f"/{self.path}"

    @property
    def is_api(self) -> bool:
        return self.path.startswith("api/")

    @property
    def api_methods(self) -> tuple[str, ...]:
        """The changing methods the API route answers (a viewset route's ``actions``)."""
        actions = getattr(self.callback, "actions", None) or {}
        return tuple(m for m in CHANGING_METHODS if m in actions)

    def __str__(self) -> str:
        return f"/{self.path} ({self.name or 'unnamed'})"


def _display(pattern) -> str:
    text = str(pattern).replace("^", "").replace("$", "")
    text = re.sub(r"\(\?P<(\w+)>[^)]*\)", r"{\1}", text)
    return re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", text)


def _kwargs(pattern) -> tuple[str, ...]:
    return tuple(pattern.regex.groupindex)


def routes() -> list[Route]:
    """Every URL pattern of the site (the admin site included), depth first."""
    found: list[Route] = []

    def walk(resolver: URLResolver, prefix: str, kwargs: tuple[str, ...], namespace: str) -> None:
        for entry in resolver.url_patterns:
            path, names = prefix + _display(entry.pattern), kwargs + _kwargs(entry.pattern)
            if isinstance(entry, URLResolver):
                inner = f"{namespace}:{entry.namespace}" if namespace and entry.namespace else (
                    entry.namespace or namespace)
                walk(entry, path, names, inner)
            elif isinstance(entry, URLPattern):
                name = f"{namespace}:{entry.name}" if namespace and entry.name else (entry.name or "")
                found.append(Route(name=name, path=path, kwargs=names, callback=entry.callback))

    walk(get_resolver(), "", (), "")
    return found


# ------------------------------------------------------------------ which record each id names

API = "api/v1/projects/{project_pk}/"

# ``{pk}`` names a different record on each resource: the route's text before ``{pk}`` → the
# model, and how its rows reach their project.
PK_RECORDS: dict[str, tuple[type, str]] = {
    # pages
    "projects/": (Project, "pk"),
    "attachments/": (Attachment, "project"),
    "deadlines/": (Deadline, "project"),
    "notifications/": (Notification, "project"),
    "qualification/reviews/": (QualificationReview, "project"),
    "qualification/documents/": (QualificationDocument, "project"),
    "plans/versions/": (PlanVersion, "project"),
    "teams/filings/": (StaffFiling, "project"),
    "teams/equipment/": (Equipment, "project"),
    "teams/changes/": (StaffChange, "project"),
    "disclosure/": (TechnicalDisclosure, "project"),
    "disclosure/items/": (DisclosureItem, "disclosure__project"),
    "first-article/": (FirstArticleVerification, "project"),
    "batches/": (Batch, "project"),
    "inspections/check-items/": (CheckItem, "project"),
    "inspections/defect-types/": (DefectType, "project"),
    "inspections/patrols/": (Patrol, "project"),
    "inspections/key-nodes/": (KeyNodeCheck, "project"),
    "lot-inspection/": (LotInspection, "project"),
    "lot-inspection/defects/": (ItemDefect, "sampled_item__inspection__project"),
    "problems/": (RectificationTicket, "project"),
    "problems/incidents/": (Incident, "project"),
    "control/risks/": (RiskPoint, "project"),
    "control/changes/": (ChangeRequest, "project"),
    "control/meetings/": (Meeting, "project"),
    "control/actions/": (ActionItem, "project"),
    "control/reports/": (QualityReport, "project"),
    "control/stages/": (ProgressMilestone, "project"),
    "control/improvements/": (ImprovementPlan, "project"),
    "acceptance/applications/": (AcceptanceApplication, "project"),
    "acceptance/lines/": (MaterialLine, "application__project"),
    "acceptance/team/": (TeamMember, "project"),
    "acceptance/rounds/": (AcceptanceRound, "project"),
    "handover/": (Handover, "project"),
    "handover/lines/": (HandoverLine, "handover__project"),
    "evaluation/evaluations/": (QualityEvaluation, "project"),
    "evaluation/breaches/": (Breach, "project"),
    # API
    "api/v1/projects/": (Project, "pk"),
    "api/v1/notifications/": (Notification, "project"),
    API + "members/": (ProjectMember, "project"),
    API + "signatures/": (Signature, "project"),
    API + "attachments/": (Attachment, "project"),
    API + "deadlines/": (Deadline, "project"),
    API + "qualification-reviews/": (QualificationReview, "project"),
    API + "qualification-documents/": (QualificationDocument, "project"),
    API + "plan-versions/": (PlanVersion, "project"),
    API + "staff-filings/": (StaffFiling, "project"),
    API + "equipment/": (Equipment, "project"),
    API + "staff-changes/": (StaffChange, "project"),
    API + "integrity-pledges/": (IntegrityPledge, "project"),
    API + "disclosures/": (TechnicalDisclosure, "project"),
    API + "first-article/": (FirstArticleVerification, "project"),
    API + "batches/": (Batch, "project"),
    API + "check-items/": (CheckItem, "project"),
    API + "defect-types/": (DefectType, "project"),
    API + "patrols/": (Patrol, "project"),
    API + "key-node-checks/": (KeyNodeCheck, "project"),
    API + "lot-inspections/": (LotInspection, "project"),
    API + "rectification-tickets/": (RectificationTicket, "project"),
    API + "incidents/": (Incident, "project"),
    API + "risk-points/": (RiskPoint, "project"),
    API + "risk-assessments/": (RiskAssessment, "project"),
    API + "change-requests/": (ChangeRequest, "project"),
    API + "meetings/": (Meeting, "project"),
    API + "quality-reports/": (QualityReport, "project"),
    API + "progress-stages/": (ProgressMilestone, "project"),
    API + "improvement-plans/": (ImprovementPlan, "project"),
    API + "acceptance-applications/": (AcceptanceApplication, "project"),
    API + "acceptance-rounds/": (AcceptanceRound, "project"),
    API + "handovers/": (Handover, "project"),
    API + "handover-lines/": (HandoverLine, "handover__project"),
    API + "evaluations/": (QualityEvaluation, "project"),
    API + "breaches/": (Breach, "project"),
    # the project's contractor: its performance record (contractor-performance/{org id}/)
    "api/v1/contractor-performance/": (Organization, "contractor_projects"),
}

# Every other id has one meaning wherever it appears.
KWARG_RECORDS: dict[str, tuple[type, str]] = {
    "project_id": (Project, "pk"),
    "project_pk": (Project, "pk"),
    "member_pk": (ProjectMember, "project"),
    "attestation_pk": (GateAttestation, "project"),
    "batch_id": (Batch, "project"),
    "sheet_id": (WorkContactSheet, "project"),
}

# An id whose meaning depends on the route (an organisation is the project's client on one page,
# its contractor on another): the route's text before the id → the model and how it reaches
# the project.
KWARG_BY_PREFIX: dict[str, dict[str, tuple[type, str]]] = {
    "org_id": {
        "evaluation/schemes/": (Organization, "client_projects"),        # the client's scoring scheme
        "evaluation/performance/": (Organization, "contractor_projects"),  # the contractor's record
    },
}

# Parts of a URL that are values, not records: the value each gets.
VALUE_KWARGS: dict[str, Callable[[Project], str]] = {
    "service_type": lambda project: project.service_types[0],  # a value of the contract
    "indicator": lambda project: Indicator.values[0],            # an indicator of the score sheet
}

# Records walked more than once, because the same URLs serve kinds of them that different code
# handles: (label, filter) per kind; the first is the record the walk names by default.
RECORD_VARIANTS: dict[type, tuple[tuple[str, dict], ...]] = {
    LotInspection: (("", {"purpose": "lot"}), ("acceptance inspection", {"purpose": "acceptance"})),
    RectificationTicket: (("", {}), ("warranty ticket", {"source": "warranty"})),
}


def _signable_models() -> list[type]:
    return signables.models()


def _signable_project(record):
    return signables.get(record).project_of(record)


def _attachable_models() -> list[type]:
    return [m for m in apps.get_models() if m.__module__.startswith("apps.") and attachables.is_attachable(m)]


# Routes that name a record by its type (``content_type_id``) and id: one URL per kind of record
# they accept, each with a record of the project (found through the kind's registry).
RECORD_KINDS: dict[str, tuple[Callable[[], list[type]], Callable[[Any], Any]]] = {
    "signatures:sign": (_signable_models, _signable_project),
    "attachments:upload": (_attachable_models, attachables.project_of),
}


def record_of(model: type, path: str, project: Project, **kind):
    """The first record of ``model`` (of the ``kind`` given) that belongs to ``project``
    (``path`` leads to it)."""
    record = model._default_manager.filter(**{path: project.pk}, **kind).order_by("pk").first()
    if record is None:
        what = f"{model._meta.label} {kind}" if kind else model._meta.label
        raise Unmapped(f"the walk world has no {what} of the project: add one to conftest.build_world")
    return record


def _record_by_resolver(model: type, project_of: Callable[[Any], Any], project: Project):
    for record in model._default_manager.order_by("pk").iterator():
        if getattr(project_of(record), "pk", None) == project.pk:
            return record
    raise Unmapped(f"the walk world has no {model._meta.label} of the project: add one to conftest.build_world")


@dataclass(frozen=True)
class Target:
    """One URL of a route, with the record its last id names. ``label`` names the variant (a
    printable form, a kind of record, a kind of the record); ``by_registry``: the record was
    found through a registry (printable forms, signing, uploading)."""

    route: Route
    url: str
    label: str
    record: Any
    kwargs: dict
    by_registry: bool = False

    def __str__(self) -> str:
        return f"{self.route} {self.url} {self.label}".rstrip()

    def with_unknown_id(self) -> str:
        """The same URL with its last id changed to one no record has."""
        last = [k for k in self.route.kwargs if k in self.kwargs and k not in VALUE_KWARGS][-1]
        return reverse(self.route.name, kwargs={**self.kwargs, last: 2**31 - 1})


def _pk_model(route: Route) -> tuple[type, str]:
    resource = route.path.split("{pk}", 1)[0]
    if resource not in PK_RECORDS:
        raise Unmapped(f"{route}: which record does {{pk}} name under /{resource}? Add it to PK_RECORDS.")
    return PK_RECORDS[resource]


def _model_of(route: Route, kwarg: str) -> tuple[type, str] | None:
    if kwarg == "pk":
        return _pk_model(route)
    if kwarg in KWARG_BY_PREFIX:
        prefix = route.path.split("{" + kwarg + "}", 1)[0]
        if prefix not in KWARG_BY_PREFIX[kwarg]:
            raise Unmapped(f"{route}: which record does {{{kwarg}}} name under /{prefix}? "
                           f"Add it to KWARG_BY_PREFIX.")
        return KWARG_BY_PREFIX[kwarg][prefix]
    return KWARG_RECORDS.get(kwarg)


def names_other_records(route: Route) -> bool:
    """Whether the route names a project and, below it, another record (``/projects/1/batches/7/``)."""
    models = [_model_of(route, k) for k in route.kwargs if k in KWARG_RECORDS or k in KWARG_BY_PREFIX or k == "pk"]
    return any(m and m[0] is Project for m in models) and any(m and m[0] is not Project for m in models)


def fill(route: Route, project: Project, *, in_project: Project | None = None) -> list[Target]:
    """The URLs of ``route`` with its ids taken from ``project``'s records (its project ids
    from ``in_project`` when given); :class:`Unmapped` when an id has no mapping or the project
    has no such record."""
    values: dict[str, Any] = {}
    record = named = None
    rest = []
    for kwarg in route.kwargs:  # in the order of the path: the last record is the one named
        model = _model_of(route, kwarg)
        if model is None:
            rest.append(kwarg)
            continue
        record = record_of(*model, in_project if in_project and model[0] is Project else project)
        values[kwarg] = record.pk
        named = (kwarg, model)
    for kwarg in [k for k in rest if k in VALUE_KWARGS]:
        values[kwarg] = VALUE_KWARGS[kwarg](project)
        rest.remove(kwarg)
    variants: list[tuple[dict, str, Any]] = [({}, "", record)]
    if set(rest) == {"code", "object_id"}:
        variants = _form_variants(project)
    elif set(rest) == {"content_type_id", "object_id"} and route.name in RECORD_KINDS:
        variants = _kind_variants(route, project)
    elif rest:
        raise Unmapped(f"{route}: no mapping for {', '.join(sorted(rest))}; add it to tests/security/urlwalk.py")
    elif named and named[1][0] in RECORD_VARIANTS:
        variants = _record_variants(*named, project)
    by_registry = bool(rest)
    return [Target(route, reverse(route.name, kwargs={**values, **extra}), label, obj, {**values, **extra},
                   by_registry) for extra, label, obj in variants]


def _record_variants(kwarg: str, model: tuple[type, str], project: Project) -> list[tuple[dict, str, Any]]:
    variants = []
    for label, kind in RECORD_VARIANTS[model[0]]:
        record = record_of(*model, project, **kind)
        variants.append(({kwarg: record.pk}, label, record))
    return variants


def _form_variants(project: Project) -> list[tuple[dict, str, Any]]:
    variants = []
    for spec in forms.all():
        record = _record_by_resolver(spec.model, spec.project, project)
        variants.append(({"code": spec.code, "object_id": record.pk}, f"form {spec.code}", record))
    return variants


def _kind_variants(route: Route, project: Project) -> list[tuple[dict, str, Any]]:
    models, project_of = RECORD_KINDS[route.name]
    variants = []
    for model in models():
        record = _record_by_resolver(model, project_of, project)
        variants.append(({"content_type_id": ContentType.objects.get_for_model(model).pk, "object_id": record.pk},
                         model._meta.label, record))
    return variants


@dataclass
class Walk:
    """Every route of the site, its URLs filled from one project's records (once per world)."""

    targets: list[Target]        # the URLs of every route with ids
    plain: list[Route]           # the routes without ids
    unmapped: list[str]          # why some routes could not be filled

    def below(self, project: Project, own_project: Project) -> list[Target]:
        """The routes that name a project and a record below it, with ``own_project`` and
        the records of ``project``: a record of another project through one's own."""
        routes_below = sorted({t.route for t in self.targets if names_other_records(t.route)}, key=str)
        return [t for route in routes_below for t in fill(route, project, in_project=own_project)]

    @classmethod
    def of(cls, project: Project) -> Walk:
        targets, plain, unmapped = [], [], []
        for route in routes():
            if route.path.startswith(ADMIN):
                continue
            if not route.kwargs:
                plain.append(route)
                continue
            try:
                targets += fill(route, project)
            except Unmapped as exc:
                unmapped.append(str(exc))
        return cls(targets, plain, unmapped)


# ------------------------------------------------------------------ did anything change?

def history_rows() -> int:
    """Rows in every history table: a request that changed a record has added one."""
    tables = historical_tables()
    sql = " UNION ALL ".join(f"SELECT count(*) AS n FROM {connection.ops.quote_name(t)}" for t in tables)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT sum(n) FROM ({sql}) AS counts")
        return int(cursor.fetchone()[0])


class HistoryWatch:
    """``changed()``: whether a history row was written since the last call. The rows are
    counted again only after a request sent a write statement (most send none)."""

    def __init__(self) -> None:
        self.rows = history_rows()
        self.wrote = False

    def __enter__(self) -> Self:
        self._spy = connection.execute_wrapper(self._watch)
        self._spy.__enter__()
        return self

    def __exit__(self, *exc) -> None:
        self._spy.__exit__(*exc)

    def _watch(self, execute, sql, params, many, context):
        if sql.lstrip()[:6].upper() in ("INSERT", "UPDATE", "DELETE"):
            self.wrote = True
        return execute(sql, params, many, context)

    def changed(self) -> bool:
        if not self.wrote:
            return False
        self.wrote = False
        rows, self.rows = self.rows, history_rows()
        return rows != self.rows


def report(found) -> str:
    """One line per route, for the assertion message."""
    lines = found.items() if isinstance(found, dict) else ((item, "") for item in found)
    return "\n" + "\n".join(f"{key} {value}".rstrip() for key, value in lines)
