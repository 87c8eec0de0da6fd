"""Fields a person may not set are not input fields, and sending them changes nothing (security.md
row 10): status, phase, state, project, organisation, owner, author, number, signature fields …

- the schema offers none of them in any request body (``version`` is only ever the version the
  client read, for optimistic locking; a project's confidentiality is the client lead's to set);
- for every write the API accepts, the same request with those fields added (forged values) is
  answered exactly as without them: they are ignored;
- and, read in the database, for the project and its members.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction

from apps.accounts.enums import ProjectRole
from apps.projects import services as projects
from apps.projects.enums import Phase
from apps.projects.models import Project, ProjectMember
from tests.factories import UserFactory

from .walk import (
    ACTORS,
    AFTER_RESOURCES,
    PROJECT_API,
    Clients,
    build,
    detail_ids,
    load_schema,
    multipart_body,
    operations,
    path_for,
    properties,
    record_ids,
    send,
    valid_body,
)

pytestmark = pytest.mark.django_db

PROTECTED = {
    "id", "status", "state", "phase", "resume_phase", "decision", "project", "organization", "client",
    "contractor_org", "owner", "created_by", "raised_by", "submitted_by", "decided_by", "reviewed_by", "closed_by",
    "recorded_by", "uploaded_by", "opened_by", "requested_by", "signer", "signed_at", "content_hash", "sha256",
    "is_valid", "is_active", "number", "round_no", "classification", "confidentiality", "accepted_on",
    "created_at", "updated_at", "submitted_at", "decided_at", "closed_at", "version",
    # the after-implementation records: who issued, answered, acknowledged, withdrew, concluded,
    # the frozen figures and score, the contractor a breach counts against, an item's position
    "contractor", "issued_by", "answered_by", "acknowledged_by", "withdrawn_by", "concluded_by", "reported_by",
    "plan_approved_by", "override_by", "signed_on", "total_score", "grade", "figures", "sheet", "submissions",
    "position", "response_due", "responded_at", "issued_at", "answered_at", "acknowledged_at",
}
# What a person does set: the version they read (compared, never stored), the confidentiality and
# the contractor of a project (the client lead's contract data) and the number printed on a
# qualification document.
DOCUMENTS = "/api/v1/projects/{project_pk}/qualification-documents/"
ALLOWED = {("*", "version"), ("/api/v1/projects/", "confidentiality"), ("/api/v1/projects/{id}/", "confidentiality"),
           ("/api/v1/projects/", "contractor"), ("/api/v1/projects/{id}/", "contractor"),
           (DOCUMENTS, "number"), (DOCUMENTS + "{id}/", "number")}


def _forged(world) -> dict:
    other = world.other_project
    return {"id": 987654, "status": "approved", "state": "closed", "phase": "closed", "resume_phase": "implementation",
            "decision": "accepted", "project": other.pk, "organization": other.client_id, "client": other.client_id,
            "owner": world.outsider.pk, "created_by": world.outsider.pk, "raised_by": world.outsider.pk,
            "submitted_by": world.outsider.pk, "decided_by": world.outsider.pk, "recorded_by": world.outsider.pk,
            "uploaded_by": world.outsider.pk, "signer": world.outsider.pk, "signed_at": "2001-01-01T00:00:00Z",
            "content_hash": "0" * 64, "sha256": "0" * 64, "is_valid": True, "is_active": False, "number": 999,
            "round_no": 99, "classification": "secret", "confidentiality": "secret", "accepted_on": "2001-01-01",
            "created_at": "2001-01-01T00:00:00Z", "version": 999, "contractor": world.other_contractor.pk,
            "issued_by": world.outsider.pk, "answered_by": world.outsider.pk, "acknowledged_by": world.outsider.pk,
            "withdrawn_by": world.outsider.pk, "concluded_by": world.outsider.pk, "reported_by": world.outsider.pk,
            "plan_approved_by": world.outsider.pk, "override_by": world.outsider.pk, "signed_on": "2001-01-01",
            "total_score": "100.00", "grade": "excellent", "figures": '{"batches": []}', "sheet": '{"rows": []}',
            "submissions": 9, "position": 99, "response_due": "2001-01-01", "responded_at": "2001-01-01T00:00:00Z",
            "issued_at": "2001-01-01T00:00:00Z", "answered_at": "2001-01-01T00:00:00Z",
            "acknowledged_at": "2001-01-01T00:00:00Z"}


def _stable(data):
    """An answer without what differs between two identical requests (ids, times, links)."""
    if isinstance(data, dict):
        return {k: _stable(v) for k, v in data.items()
                if k != "id" and not k.endswith("_at") and not k.endswith("url") and k != "checked_at"}
    if isinstance(data, list):
        return [_stable(v) for v in data]
    return data


def test_no_request_body_offers_a_protected_field(db):
    schema = load_schema()
    offered = []
    for op in operations(schema):
        for name in properties(schema, op.body_schema):
            if name in PROTECTED and ("*", name) not in ALLOWED and (op.path, name) not in ALLOWED:
                offered.append(f"{op}: {name}")
    assert offered == []


def test_protected_fields_sent_with_a_write_are_ignored(world, settings, tmp_path, capsys):
    settings.MEDIA_ROOT = tmp_path
    w = build(world)
    clients, schema = Clients(w), load_schema()
    ids = record_ids(operations(schema), clients, w)
    forged = _forged(w)
    checked, differences = [], []
    for op in operations(schema):
        if op.method not in ("post", "put", "patch") or not op.body_types or op.path == "/api/v1/auth/token/":
            continue
        body = multipart_body(op, w) if op.multipart_only else valid_body(op, w)
        extra = {k: v for k, v in forged.items() if k not in properties(schema, op.body_schema)}
        for record_id in detail_ids(op, ids):
            path = path_for(op, w, ids, record_id=record_id or None)
            answers = {}
            for who in ACTORS:
                for label, sent in (("plain", body), ("forged", {**body, **extra})):
                    if op.multipart_only:
                        sent = {**multipart_body(op, w), **{k: v for k, v in sent.items() if k in extra}}
                    with transaction.atomic():
                        response = send(clients(who), op.method, path, body=sent, multipart=op.multipart_only)
                        answers[label] = (response.status_code, response.json() if response.content else None)
                        transaction.set_rollback(True)
                    if label == "plain" and response.status_code >= 300:
                        break
                if answers["plain"][0] < 300:
                    break
            if answers["plain"][0] < 300:
                checked.append(str(op))
                if (answers["plain"][0], _stable(answers["plain"][1])) != \
                        (answers["forged"][0], _stable(answers["forged"][1])):
                    differences.append(f"{op}: {answers['plain']} != {answers['forged']}")
                break
    after = [op for op in checked if op.split(" ", 1)[1].startswith(tuple(PROJECT_API + r for r in AFTER_RESOURCES))]
    with capsys.disabled():
        print(f"\nmass assignment: {len(checked)} writes accepted and compared ({len(after)} of the "
              f"after-implementation resources: {after}), {len(differences)} differences")
    assert len(checked) >= 34 and len(after) >= 4
    assert differences == [], "\n".join(differences)


def test_project_create_ignores_phase_client_author_and_version(world, api):
    response = api(world.lead, token=True).post("/api/v1/projects/", {
        "name": "新项目", "contract_no": "HZ-2026-777", "contractor": world.contractor.pk,
        "service_types": ["digitization"], "contract_signed_on": "2026-10-01", "start_date": "2026-10-02",
        "end_date": "2027-10-01", "phase": Phase.CLOSED, "resume_phase": Phase.IMPLEMENTATION,
        "client": world.other_contractor.pk, "created_by": world.outsider.pk, "version": 42,
        "accepted_on": "2026-10-05"})
    assert response.status_code == 201
    project = Project.objects.get(pk=response.json()["id"])
    assert (project.phase, project.resume_phase, project.client_id, project.created_by_id, project.version,
            project.accepted_on) == (Phase.PREPARATION, "", world.lead.organization_id, world.lead.pk, 1, None)


def test_project_patch_ignores_phase_client_and_author(world, api):
    project = world.project
    before = (project.phase, project.client_id, project.created_by_id, project.contractor_id)
    response = api(world.lead, token=True).patch(f"/api/v1/projects/{project.pk}/", {
        "version": project.version, "name": "民国档案数字化（二期）", "phase": Phase.CLOSED,
        "client": world.other_contractor.pk, "created_by": world.outsider.pk,
        "accepted_on": dt.date(2026, 10, 5).isoformat()})
    assert response.status_code == 200
    project.refresh_from_db()
    assert project.name == "民国档案数字化（二期）"
    assert (project.phase, project.client_id, project.created_by_id, project.contractor_id) == before
    assert project.accepted_on is None


def test_member_added_to_another_project_or_inactive_is_ignored(world, api):
    other = projects.project_create(
        user=world.lead, name="另一个项目", contract_no="HZ-2026-002", contractor=world.contractor,
        service_types=["digitization"], risk_level="low", confidentiality="ordinary", contract_signed_on=dt.date(2026, 9, 25), start_date=dt.date(2026, 9, 28),
        end_date=dt.date(2027, 9, 27))
    newcomer = UserFactory(username="newcomer", name="吴新", organization=world.client_org)
    response = api(world.lead, token=True).post(f"/api/v1/projects/{world.project.pk}/members/", {
        "user": newcomer.pk, "role": ProjectRole.ACCEPTANCE_MEMBER, "project": other.pk, "is_active": False,
        "added_at": "2001-01-01T00:00:00Z"})
    assert response.status_code == 201, response.json()
    member = ProjectMember.objects.get(pk=response.json()["id"])
    assert (member.project_id, member.is_active) == (world.project.pk, True)
    assert member.added_at.year > 2001
