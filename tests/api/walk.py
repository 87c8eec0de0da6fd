"""What the generated API tests share: the OpenAPI schema as the API serves it, its operations,
a project with one record of every kind the API lists, clients per person, values made from the
schema (valid-ish and malformed) and a cheap count of the history rows.

The records of the after-implementation resources (``AFTER_RESOURCES``: acceptance, handover,
warranty, evaluation, breaches) need a project past implementation, while the older ones need
it in implementation (a draft batch, an open inspection, an open ticket): they are on a second
project of the same client, contractor and people (``world.after_project``), carried through
the acceptance into 质保 by the apps' own builders. :func:`project_for` says which project a
path is walked on.

The tests built on it (``test_schema_walk``, ``test_malformed``, ``test_mass_assignment``) walk
the schema, so an endpoint added later is covered without editing them.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from types import SimpleNamespace
from urllib.parse import urlencode

from django.apps import apps
from django.db import connection
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from apps.accounts.enums import OrgKind, ProjectRole
from apps.projects import services as projects
from apps.projects.enums import Phase
from apps.projects.models import Project
from tests.factories import OrganizationFactory, UserFactory

METHODS = ("get", "post", "put", "patch", "delete")
PROJECT_API = "/api/v1/projects/{project_pk}/"
# The resources walked on ``world.after_project`` (see the module's docstring).
AFTER_RESOURCES = ("acceptance-applications/", "acceptance-rounds/", "handovers/", "handover-lines/", "evaluations/",
                   "breaches/", "warranty/")
# The people of ``tests.conftest.world`` who act on the project, most often allowed first.
ACTORS = ("lead", "pm", "special", "inspector", "operator", "security", "acceptance")
MISSING_ID = 2_000_000_000


# ---------------------------------------------------------------- the schema


@dataclass
class Operation:
    method: str
    path: str
    spec: dict
    schema: dict = field(repr=False)

    @property
    def documented(self) -> set[int]:
        return {int(code) for code in self.spec["responses"] if code.isdigit()}

    @property
    def query_parameters(self) -> list[dict]:
        return [p for p in self.spec.get("parameters", []) if p["in"] == "query"]

    @property
    def body_types(self) -> list[str]:
        return list(self.spec.get("requestBody", {}).get("content", {}))

    @property
    def body_schema(self) -> dict | None:
        content = self.spec.get("requestBody", {}).get("content", {})
        for media in ("application/json", "multipart/form-data"):
            if media in content:
                return resolve(self.schema, content[media]["schema"])
        return None

    @property
    def multipart_only(self) -> bool:
        return bool(self.body_types) and "application/json" not in self.body_types

    @property
    def project_scoped(self) -> bool:
        return "{project_pk}" in self.path or self.path.startswith("/api/v1/projects/{id}/")

    def __str__(self) -> str:
        return f"{self.method.upper()} {self.path}"


def load_schema() -> dict:
    """The schema exactly as ``/api/schema/`` serves it."""
    from django.urls import include, path
    from drf_spectacular.generators import SchemaGenerator
    from drf_spectacular.settings import patched_settings

    from apps.api.docs import SPECTACULAR_OVERRIDES
    from apps.api.urls import api_patterns

    with patched_settings(SPECTACULAR_OVERRIDES):
        generator = SchemaGenerator(patterns=[path("api/", include(api_patterns))])
        return json.loads(json.dumps(generator.get_schema(request=None, public=True), default=str))


def operations(schema: dict) -> list[Operation]:
    return [Operation(method, path, spec, schema) for path, item in sorted(schema["paths"].items())
            for method, spec in item.items() if method in METHODS]


def resolve(schema: dict, node: dict) -> dict:
    while "$ref" in node:
        node = schema["components"]["schemas"][node["$ref"].rsplit("/", 1)[-1]]
    if "allOf" in node and len(node["allOf"]) == 1:
        return resolve(schema, node["allOf"][0])
    return node


def properties(schema: dict, body: dict | None) -> dict[str, dict]:
    if not body:
        return {}
    return {name: resolve(schema, prop) for name, prop in body.get("properties", {}).items()}


# ---------------------------------------------------------------- the world


def build(world) -> SimpleNamespace:
    """``world`` (tests/conftest.py) in implementation, with one record of each kind the API
    lists, and another client's project the people of ``world`` may not see."""
    from apps.attachments.services import attachment_add
    from apps.control import services as control_services
    from apps.disclosure.services import disclosure_create
    from apps.inspections import services as inspections
    from apps.rectification.services import incident_report
    from apps.teams import services as teams
    from tests.attachments.factories import PDF, upload
    from tests.batches.builders import draft, file_staff
    from tests.control import builders as control
    from tests.deadlines.builders import make_deadline
    from tests.first_article.builders import sign_both, submit, verify_pass
    from tests.lot_inspection.builders import open_for
    from tests.plans.builders import draft as plan_draft
    from tests.qualification.builders import add_documents, open_round
    from tests.rectification.builders import raise_ticket
    from tests.teams.builders import complete_fields

    w = world
    today = timezone.localdate()
    w.review = open_round(w)
    add_documents(w, w.review)
    plan_draft(w)
    disclosure_create(project=w.project, user=w.lead, meeting_date=today, place="档案馆三楼会议室")
    w.verification = verify_pass(submit(w), w.inspector)
    sign_both(w.verification, w)
    Project.objects.filter(pk=w.project.pk).update(phase=Phase.IMPLEMENTATION,
                                                   phase_changed_at=timezone.now() - dt.timedelta(days=20))
    w.project.refresh_from_db()
    file_staff(w)
    teams.equipment_file(project=w.project, user=w.pm, **_equipment_fields())
    newcomer = UserFactory(username="newcomer", name="吴新", organization=w.contractor)
    projects.member_add(project=w.project, actor=w.lead, user=newcomer, role=ProjectRole.CONTRACTOR_OPERATOR)
    filing = teams.staff_filing_create(project=w.project, user=w.pm, person=newcomer,
                                       role=ProjectRole.CONTRACTOR_OPERATOR, **complete_fields())
    leaving = w.project.staff_filings.get(person=w.operator)
    teams.staff_change_request(project=w.project, user=w.pm, leaving=leaving, incoming=filing,
                               reason="调岗", planned_date=today + dt.timedelta(days=10))
    teams.pledge_create(project=w.project, user=w.lead, member=w.inspector)
    w.batch = draft(w)
    open_for(w, items=20)
    inspections.patrol_create(project=w.project, user=w.inspector, patrolled_on=today, content="巡查扫描工位")
    inspections.key_node_create(project=w.project, user=w.inspector, node="图像处理", checked_on=today,
                                content="检查纠偏", result="conforming")
    raise_ticket(w)
    incident_report(project=w.project, user=w.pm, category="quality", title="扫描仪故障",
                    occurred_at=timezone.now(), description="扫描仪停机", scale="一台", remedial_action="更换备机")
    control.point(w)
    control.assess(w)
    control.change(w)
    control.meeting(w)
    control.report(w)
    control_services.quality_report_submit(
        quality_report=control.report(w, period_start=today - dt.timedelta(days=20),
                                      period_end=today - dt.timedelta(days=14)), user=w.pm)
    control.stage(w)
    control.improvement(w)
    make_deadline(w, due=today + dt.timedelta(days=3))
    attachment_add(record=w.project, project=w.project, user=w.pm, uploaded_file=upload("记录.pdf", PDF),
                   kind="evidence")

    w.after_project = after_implementation(w)

    other_client = OrganizationFactory(kind=OrgKind.CLIENT, name="苏州市档案馆")
    w.other_lead = UserFactory(username="other_lead", name="刘䶮", organization=other_client)
    w.other_project = projects.project_create(
        user=w.other_lead, name="婚姻登记档案数字化", contract_no="SZ-2026-009", contractor=w.other_contractor,
        service_types=["digitization"], risk_level="low", confidentiality="ordinary",
        contract_signed_on=dt.date(2026, 9, 25), start_date=dt.date(2026, 9, 28), end_date=dt.date(2027, 9, 27))
    w.project.refresh_from_db()
    return w


def after_implementation(w) -> Project:
    """A second project of ``w``'s client, contractor and people, carried past implementation by
    the apps' builders: accepted in round 1 (application with its lines, team with an invited
    expert, plan, acceptance inspection, report signed, a common problem), advanced into 质保,
    the handover list submitted, a warranty problem reported, the evaluation issued and a breach
    of contract recorded."""
    from apps.acceptance import services as acceptance
    from tests.acceptance.builders import pass_acceptance
    from tests.evaluation.builders import breach, issued
    from tests.handover.builders import submitted
    from tests.warranty.builders import report

    after = SimpleNamespace(**vars(w))
    after.project = projects.project_create(
        user=w.lead, name="民国档案数字化（一期）", contract_no="HZ-2025-009", contractor=w.contractor,
        service_types=["digitization"], risk_level="medium", confidentiality="ordinary",
        contract_signed_on=dt.date(2025, 9, 25), start_date=dt.date(2025, 9, 28), end_date=dt.date(2026, 9, 27))
    for user, role in [(w.inspector, ProjectRole.CLIENT_INSPECTOR), (w.acceptance, ProjectRole.ACCEPTANCE_MEMBER),
                       (w.pm, ProjectRole.CONTRACTOR_PM), (w.special, ProjectRole.CONTRACTOR_INSPECTOR),
                       (w.operator, ProjectRole.CONTRACTOR_OPERATOR), (w.security, ProjectRole.SECURITY_OFFICER)]:
        projects.member_add(project=after.project, actor=w.lead, user=user, role=role)
    acceptance_round = pass_acceptance(after)
    acceptance.common_problem_record(acceptance_round=acceptance_round, user=w.lead, category="quality",
                                     description="部分图像纠偏不到位。", suggested_control="互检环节增加图像偏斜抽查。")
    after.project = projects.project_advance(project=after.project, user=w.lead)
    assert after.project.phase == Phase.WARRANTY
    submitted(after)
    report(after)
    issued(after)
    breach(after)
    w.expert = after.expert
    after.project.refresh_from_db()
    return after.project


def project_for(path: str, world) -> int:
    """The id of the project a path is walked on: ``world.after_project`` for AFTER_RESOURCES."""
    if path.startswith(PROJECT_API) and path[len(PROJECT_API):].startswith(AFTER_RESOURCES):
        return world.after_project.pk
    return world.project.pk


def _equipment_fields() -> dict:
    from apps.teams import services as teams
    from apps.teams.models import Equipment

    values = {}
    for name in teams.EQUIPMENT_FIELDS:
        model_field = Equipment._meta.get_field(name)
        if model_field.blank or model_field.has_default():
            continue
        kind = model_field.get_internal_type()
        values[name] = {"DateField": timezone.localdate(), "BooleanField": True, "IntegerField": 1,
                        "PositiveIntegerField": 1, "PositiveSmallIntegerField": 1}.get(kind, "设备1")
        if getattr(model_field, "choices", None):
            values[name] = model_field.choices[0][0]
    return values


# ---------------------------------------------------------------- clients and requests


PEOPLE = (*ACTORS, "regulator", "outsider", "other_regulator")


class Clients:
    """One token client per person (and an anonymous one), made once, before any savepoint."""

    def __init__(self, world):
        self._clients: dict[str, APIClient] = {"anonymous": APIClient()}
        for who in PEOPLE:
            client = APIClient()
            key = Token.objects.get_or_create(user=getattr(world, who))[0].key
            client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
            self._clients[who] = client

    def __call__(self, who: str | None) -> APIClient:
        return self._clients[who or "anonymous"]


def send(client: APIClient, method: str, path: str, *, query=None, body=None, raw: bytes | None = None,
         content_type: str = "application/json", multipart: bool = False, headers: dict | None = None):
    url = path + ("?" + urlencode(query, doseq=True) if query else "")
    extra = headers or {}
    if multipart:
        return getattr(client, method)(url, body or {}, format="multipart", **extra)
    if raw is not None:
        return client.generic(method.upper(), url, raw, content_type=content_type, **extra)
    if body is None:
        return client.generic(method.upper(), url, **extra)
    return client.generic(method.upper(), url, json.dumps(body), content_type="application/json", **extra)


# Lists whose rows name their record under another key than ``id``.
ID_KEYS = {"/api/v1/contractor-performance/": "contractor"}


def record_ids(ops: list[Operation], clients: Clients, world) -> dict[str, list[int]]:
    """For each list path, the ids of its first records (as the client lead, else the contractor's
    PM sees them; on the path's project, :func:`project_for`): the ``{id}`` of its detail paths."""
    ids = {}
    for op in ops:
        if op.method != "get" or "{id}" in op.path or op.path.endswith("/verify/"):
            continue
        for who in ("lead", "pm"):
            response = send(clients(who), "get", op.path.replace("{project_pk}", str(project_for(op.path, world))))
            if response.status_code != 200:
                continue
            data = response.json()
            rows = data.get("results", []) if isinstance(data, dict) else data
            key = ID_KEYS.get(op.path, "id")
            found = [row[key] for row in rows[:5] if isinstance(row, dict) and key in row]
            if found:
                ids[op.path] = found
                break
    return ids


def detail_ids(op: Operation, ids: dict[str, list[int]]) -> list[int]:
    """The ids of the records an operation on ``{id}`` may name (a missing one if none)."""
    if "{id}" not in op.path or op.path.startswith("/api/v1/projects/{id}"):
        return [0]
    return ids.get(op.path.split("{id}")[0]) or [MISSING_ID]


def path_for(op: Operation, world, ids: dict[str, list[int]], *, project_pk: int | None = None,
             record_id: int | None = None) -> str:
    project_pk = project_pk or project_for(op.path, world)
    if op.path.startswith("/api/v1/projects/{id}/") or op.path == "/api/v1/projects/{id}/":
        return op.path.replace("{id}", str(project_pk))
    record_id = record_id or detail_ids(op, ids)[0]
    return op.path.replace("{project_pk}", str(project_pk)).replace("{id}", str(record_id))


# ---------------------------------------------------------------- values from the schema


def valid_value(schema: dict, name: str, prop: dict, world):
    prop = resolve(schema, prop)
    if "oneOf" in prop or "anyOf" in prop:
        options = [resolve(schema, p) for p in prop.get("oneOf", prop.get("anyOf"))]
        return valid_value(schema, name, next((o for o in options if o.get("enum")), options[0]), world)
    if prop.get("enum"):
        return next(v for v in prop["enum"] if v is not None)
    if name in NAMED:
        return NAMED[name]
    kind = prop.get("type")
    if kind == "string":
        fmt = prop.get("format")
        if fmt == "date":
            return timezone.localdate().isoformat()
        if fmt == "date-time":
            return timezone.now().isoformat()
        if fmt == "decimal" or prop.get("pattern", "").startswith("^-?\\d"):
            return "5.00"
        if fmt == "binary":
            return None
        return "测试内容"[: max(1, prop.get("maxLength", 8))]
    if kind == "integer":
        return _ids(world).get(name, max(1, prop.get("minimum", 1)))
    if kind == "number":
        return max(1, prop.get("minimum", 1))
    if kind == "boolean":
        return True
    if kind == "array":
        item = valid_value(schema, name, prop.get("items", {}), world)
        return [item] if item is not None else []
    if kind == "object" or "properties" in prop:
        return {k: valid_value(schema, k, v, world) for k, v in prop.get("properties", {}).items()}
    return "测试"


def _ids(world) -> dict[str, int]:
    return {"user": world.acceptance.pk, "person": world.special.pk, "member": world.inspector.pk,
            "operator": world.operator.pk, "producer": world.operator.pk, "checker": world.special.pk,
            "inspector": world.special.pk, "inspectors": world.inspector.pk, "attendees": world.pm.pk,
            "version": world.project.version, "object_id": world.verification.pk, "batch": world.batch.pk,
            "review": world.review.pk}


# Values no schema type can make up: a record of the project that can be signed and carry files.
NAMED = {"record_type": "first_article.firstarticleverification"}


def valid_body(op: Operation, world) -> dict:
    return {name: value for name, prop in properties(op.schema, op.body_schema).items()
            if (value := valid_value(op.schema, name, prop, world)) is not None}


def multipart_body(op: Operation, world) -> dict:
    from tests.attachments.factories import PDF, upload

    # An upload without record_type and object_id goes to the project itself.
    body = {k: v for k, v in valid_body(op, world).items()
            if not isinstance(v, (list, dict)) and k not in ("record_type", "object_id")}
    for name, prop in properties(op.schema, op.body_schema).items():
        if prop.get("format") == "binary":
            body[name] = upload("扫描件.pdf", PDF)
    return body


# ---------------------------------------------------------------- what was saved


def history_rows() -> int:
    """All history rows of every tracked model, in one query."""
    tables = [m._meta.db_table for m in apps.get_models() if m.__name__.startswith("Historical")]
    sql = " + ".join(f'(SELECT count(*) FROM "{t}")' for t in tables)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {sql}")
        return cursor.fetchone()[0]


__all__ = [
    "ACTORS",
    "AFTER_RESOURCES",
    "MISSING_ID",
    "PROJECT_API",
    "Clients",
    "Operation",
    "build",
    "detail_ids",
    "history_rows",
    "load_schema",
    "multipart_body",
    "operations",
    "path_for",
    "project_for",
    "properties",
    "record_ids",
    "resolve",
    "send",
    "valid_body",
    "valid_value",
]
