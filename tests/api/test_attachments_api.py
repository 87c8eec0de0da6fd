"""/api/v1/projects/{id}/attachments/: list, metadata, upload (multipart), remove, download."""

from __future__ import annotations

import datetime as dt
from urllib.parse import quote

import pytest
import rules

from apps.attachments import registry
from apps.attachments.models import Attachment
from apps.attachments.services import attachment_add, attachment_remove
from apps.core.history import history_context
from apps.projects import services
from apps.projects.models import GateAttestation
from tests.attachments import factories as f
from tests.factories import ProjectFactory, UserFactory

from .conftest import project_url

CHINESE_NAME = "民国档案验收报告（终稿）.pdf"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def attachable_attestation(monkeypatch):
    """GateAttestation may own attachments (registered for the test only)."""
    monkeypatch.setitem(registry._resolvers, GateAttestation._meta.label_lower, lambda a: a.project)


def make_attestation(project, user) -> GateAttestation:
    with history_context(user=user, reason="test"):
        return GateAttestation.objects.create(project=project, gate="qualification_approved", reference="纸质记录",
                                              attested_by=user)


def url(project, attachment=None, suffix="") -> str:
    return project_url(project, "attachments/" + (f"{attachment.pk}/" if attachment else "") + suffix)


@pytest.fixture
def attachment(world):
    return attachment_add(record=world.project, project=world.project, user=world.operator, kind="report",
                          uploaded_file=f.upload(CHINESE_NAME, f.PDF))


def body_of(response) -> bytes:
    return b"".join(response.streaming_content)


def _snapshot():
    return list(Attachment.objects.order_by("pk").values_list("pk", "is_removed"))


# ---------------------------------------------------------------- reads


def test_list_and_metadata(world, as_user, attachment):
    client = as_user(world.lead)
    body = client.get(url(world.project)).json()
    assert body["count"] == 1
    row = body["results"][0]
    assert row["id"] == attachment.pk
    assert row["record"] == {"type": "projects.project", "id": world.project.pk}
    assert (row["file_name"], row["kind"], row["mime_type"], row["size"]) == (
        CHINESE_NAME, "report", "application/pdf", len(f.PDF))
    assert row["uploaded_by"]["name"] == "孙伟"
    assert row["permissions"] == {"remove": True}  # the client lead
    assert row["download_url"] == url(world.project, attachment, "download/")
    assert "file" not in row  # the storage name is never shown
    assert client.get(url(world.project, attachment)).json()["sha256"] == attachment.sha256


def test_list_filtered_by_record(world, api, attachment, attachable_attestation):
    record = make_attestation(world.project, world.lead)
    on_record = attachment_add(record=record, project=world.project, user=world.pm, kind="scan",
                               uploaded_file=f.upload("扫描.png", f.PNG))
    client = api(world.pm)
    assert {r["id"] for r in client.get(url(world.project)).json()["results"]} == {attachment.pk, on_record.pk}
    rows = client.get(url(world.project), {"record_type": "projects.gateattestation",
                                           "object_id": record.pk}).json()["results"]
    assert [r["id"] for r in rows] == [on_record.pk]


@pytest.mark.parametrize("params", [{"record_type": "projects.gateattestation"}, {"object_id": 3},
                                    {"record_type": "../etc", "object_id": 1}, {"record_type": "a.b", "object_id": "x"}])
def test_bad_list_filter_is_400(world, api, params):
    response = api(world.pm).get(url(world.project), params)
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"


def test_download_streams_with_safe_headers(world, as_user, attachment):
    response = as_user(world.pm).get(url(world.project, attachment, "download/"))
    assert response.status_code == 200
    assert body_of(response) == f.PDF
    assert response["Content-Type"] == "application/pdf"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;") and f"filename*=UTF-8''{quote(CHINESE_NAME, safe='')}" in disposition
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"
    assert "sandbox" in response["Content-Security-Policy"]


def test_download_whatever_the_client_accepts(world, api, attachment):
    response = api(world.pm).get(url(world.project, attachment, "download/"), HTTP_ACCEPT="application/pdf")
    assert response.status_code == 200
    assert body_of(response) == f.PDF


def test_download_of_a_missing_file_is_404(world, api, attachment):
    attachment.file.storage.delete(attachment.file.name)
    response = api(world.pm).get(url(world.project, attachment, "download/"))
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_removed_attachment_is_gone(world, api, attachment):
    attachment_remove(attachment=attachment, user=world.lead, reason="传错文件")
    client = api(world.lead)
    assert client.get(url(world.project)).json()["count"] == 0
    assert client.get(url(world.project, attachment)).status_code == 404
    assert client.get(url(world.project, attachment, "download/")).status_code == 404


def test_attachment_of_another_project_is_404_here(world, api):
    other = services.project_create(
        user=world.lead, name="另一个项目", contract_no="HZ-2026-002", contractor=world.contractor,
        service_types=["digitization"], risk_level="medium", confidentiality="ordinary",
        contract_signed_on=dt.date(2026, 9, 25), start_date=dt.date(2026, 9, 28), end_date=dt.date(2027, 9, 27))
    foreign = attachment_add(record=other, project=other, user=world.lead, kind="other",
                             uploaded_file=f.upload("别处.pdf", f.PDF))
    client = api(world.lead)  # may see both projects
    assert client.get(url(other, foreign)).status_code == 200
    assert client.get(url(world.project, foreign)).status_code == 404
    assert client.get(url(world.project, foreign, "download/")).status_code == 404
    assert client.delete(url(world.project, foreign), {"reason": "x"}).status_code == 404
    assert not Attachment.objects.get(pk=foreign.pk).is_removed


def test_narrowed_record_hides_its_files(world, api, attachable_attestation, record_rule):
    record = make_attestation(world.project, world.lead)
    hidden = attachment_add(record=record, project=world.project, user=world.lead, kind="scan",
                            uploaded_file=f.upload("密件.pdf", f.PDF))
    record_rule(GateAttestation, download=rules.predicate(lambda user, record: user.pk == world.lead.pk))
    client = api(world.pm)
    assert client.get(url(world.project)).json()["count"] == 0
    assert client.get(url(world.project, hidden)).status_code == 404
    assert client.get(url(world.project, hidden, "download/")).status_code == 404
    assert api(world.lead).get(url(world.project, hidden, "download/")).status_code == 200


# ---------------------------------------------------------------- upload


def test_upload_to_the_project(world, as_user):
    response = as_user(world.operator).post(url(world.project), {"file": f.upload("清单.csv", f.CSV_UTF8),
                                                                 "kind": "evidence"}, format="multipart")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["record"] == {"type": "projects.project", "id": world.project.pk}
    assert body["file_name"] == "清单.csv" and body["mime_type"].startswith("text/csv")
    attachment = Attachment.objects.get(pk=body["id"])
    assert attachment.uploaded_by == world.operator and attachment.project == world.project
    assert attachment.history.first().history_user == world.operator


def test_upload_to_a_record_of_the_project(world, api, attachable_attestation):
    record = make_attestation(world.project, world.lead)
    response = api(world.pm).post(url(world.project), {
        "file": f.upload("证书.pdf", f.PDF), "record_type": "projects.gateattestation", "object_id": record.pk,
        "kind": "certificate"}, format="multipart")
    assert response.status_code == 201, response.content
    assert Attachment.objects.get(pk=response.json()["id"]).record == record


def test_upload_to_a_record_of_another_project_is_404(world, api, attachable_attestation):
    other = ProjectFactory(client=world.client_org, contractor=world.contractor)
    foreign = make_attestation(other, world.lead)
    for object_id in (foreign.pk, foreign.pk + 1000):
        response = api(world.pm).post(url(world.project), {
            "file": f.upload("证书.pdf", f.PDF), "record_type": "projects.gateattestation", "object_id": object_id},
            format="multipart")
        assert response.status_code == 404
    assert not Attachment.objects.exists()


@pytest.mark.parametrize("data, field", [
    ({"file": ("empty.pdf", b"")}, "file"),
    ({"file": ("setup.pdf", f.EXE)}, "file"),
    ({"file": ("page.html", f.HTML)}, "file"),
    ({"file": ("a.pdf", f.PDF), "kind": "secret"}, "kind"),
    ({}, "file"),
    ({"file": ("a.pdf", f.PDF), "record_type": "projects.gateattestation"}, "object_id"),
    ({"file": ("a.pdf", f.PDF), "object_id": 1}, "record_type"),
    ({"file": ("a.pdf", f.PDF), "record_type": "accounts.user", "object_id": 1}, "record_type"),
    ({"file": ("a.pdf", f.PDF), "record_type": "Robert'); DROP", "object_id": 1}, "record_type"),
    ({"file": ("a.pdf", f.PDF), "record_type": "projects.project", "object_id": "x"}, "object_id"),
])
def test_bad_upload_is_400(world, api, data, field):
    if "file" in data:
        data = {**data, "file": f.upload(*data["file"])}
    response = api(world.pm).post(url(world.project), data, format="multipart")
    assert response.status_code == 400, response.content
    assert response.json()["field"] == field
    assert not Attachment.objects.exists()


def test_json_upload_is_415(world, api):
    response = api(world.pm).post(url(world.project), {"file": "JVBERi0="})
    assert response.status_code == 415
    assert response.json()["code"] == "unsupported_media_type"


def test_client_colleague_without_role_cannot_upload(world, as_user):
    colleague = UserFactory(organization=world.client_org)
    client = as_user(colleague)
    assert client.get(url(world.project)).status_code == 200
    response = client.post(url(world.project), {"file": f.upload("a.pdf", f.PDF)}, format="multipart")
    assert response.status_code == 403
    assert not Attachment.objects.exists()


# ---------------------------------------------------------------- remove


def test_uploader_removes_with_reason(world, as_user, attachment):
    response = as_user(world.operator).delete(url(world.project, attachment), {"reason": "传错文件"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["is_removed"] is True and body["removal_reason"] == "传错文件" and body["download_url"] is None
    attachment.refresh_from_db()
    assert attachment.is_removed and attachment.removed_by == world.operator
    assert attachment.file.storage.exists(attachment.file.name)  # kept for the audit trail
    assert "传错文件" in attachment.history.first().history_change_reason


def test_lead_removes_with_reason_in_query(world, api, attachment):
    response = api(world.lead).delete(url(world.project, attachment) + "?reason=%E9%87%8D%E5%A4%8D")
    assert response.status_code == 200
    attachment.refresh_from_db()
    assert attachment.removal_reason == "重复"


@pytest.mark.parametrize("data", [{}, {"reason": ""}, {"reason": "  "}, {"reason": "r" * 1001}])
def test_remove_needs_a_reason(world, api, attachment, data):
    response = api(world.lead).delete(url(world.project, attachment), data)
    assert response.status_code == 400
    assert response.json()["field"] == "reason"
    assert _snapshot() == [(attachment.pk, False)]


def test_remove_twice_is_404(world, api, attachment):
    client = api(world.lead)
    assert client.delete(url(world.project, attachment), {"reason": "一"}).status_code == 200
    assert client.delete(url(world.project, attachment), {"reason": "二"}).status_code == 404


@pytest.mark.parametrize("user", ["pm", "inspector"])
def test_only_uploader_or_lead_removes(world, as_user, attachment, user):
    response = as_user(getattr(world, user)).delete(url(world.project, attachment), {"reason": "x"})
    assert response.status_code == 403
    assert _snapshot() == [(attachment.pk, False)]


# ---------------------------------------------------------------- regulators and outsiders


def test_regulator_reads_and_downloads(world, as_user, attachment):
    client = as_user(world.regulator)
    row = client.get(url(world.project)).json()["results"][0]
    assert row["permissions"] == {"remove": False}
    assert client.get(url(world.project, attachment)).status_code == 200
    assert body_of(client.get(url(world.project, attachment, "download/"))) == f.PDF


@pytest.mark.parametrize("method, target, data", [
    ("post", "list", {"file": "PDF"}),
    ("delete", "detail", {"reason": "监管"}),
    ("put", "detail", {"kind": "other"}),
    ("patch", "detail", {"kind": "other"}),
])
@pytest.mark.parametrize("who", ["regulator", "other_regulator"])
def test_regulator_writes_are_403(world, as_user, auth_mode, attachment, method, target, data, who):
    if "file" in data:
        data = {"file": f.upload("a.pdf", f.PDF)}
    path = url(world.project) if target == "list" else url(world.project, attachment)
    kwargs = {"format": "multipart"} if method == "post" else {}
    response = getattr(as_user(getattr(world, who)), method)(path, data, **kwargs)
    assert response.status_code == 403
    if auth_mode == "token":
        assert response.json()["code"] == "permission_denied"
    assert _snapshot() == [(attachment.pk, False)]


@pytest.mark.parametrize("user", ["outsider", "other_regulator"])
def test_outsiders_reads_are_404(world, as_user, attachment, user):
    client = as_user(getattr(world, user))
    for path in (url(world.project), url(world.project) + "?record_type=bad", url(world.project, attachment),
                 url(world.project, attachment, "download/")):
        response = client.get(path)
        assert response.status_code == 404, path
        assert response.json()["code"] == "not_found"


def test_outsider_writes_are_404(world, as_user, attachment):
    client = as_user(world.outsider)  # another contractor's person
    assert client.post(url(world.project), {"file": f.upload("a.pdf", f.PDF)}, format="multipart").status_code == 404
    assert client.delete(url(world.project, attachment), {"reason": "x"}).status_code == 404
    assert _snapshot() == [(attachment.pk, False)]


@pytest.mark.parametrize("suffix", ["attachments/abc/", "attachments/99999999999999999999999/download/",
                                    "attachments/0/"])
def test_malformed_ids_are_404(world, api, suffix):
    assert api(world.lead).get(project_url(world.project, suffix)).status_code == 404
