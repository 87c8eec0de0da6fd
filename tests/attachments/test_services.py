"""attachment_add / attachment_remove: checks, storage names, history."""

import re

import pytest
import rules
from django.core.files.storage import default_storage

from apps.attachments import registry
from apps.attachments.models import Attachment
from apps.attachments.services import attachment_add, attachment_remove
from apps.core.errors import DomainError, PermissionDenied
from apps.projects.models import Project, ProjectMember
from tests.factories import ProjectFactory, UserFactory

from . import factories as f

pytestmark = pytest.mark.django_db
STORAGE_NAME = re.compile(r"^attachments/\d{4}/\d{2}/[0-9a-f]{32}\.[a-z]+$")


def add(world, name="验收报告.pdf", content=f.PDF, user=None, kind="evidence", **kw):
    return attachment_add(record=kw.pop("record", world.project), project=kw.pop("project", world.project),
                          user=user or world.pm, uploaded_file=f.upload(name, content), kind=kind)


@pytest.mark.parametrize("name, content, mime", [
    ("验收报告.pdf", f.PDF, "application/pdf"),
    ("scan-001.PNG", f.PNG, "image/png"),
    ("照片.jpg", f.JPEG, "image/jpeg"),
    ("整改说明.docx", f.DOCX, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ("清单.csv", f.CSV_GB18030, "text/csv; charset=gb18030"),
    ("电子发票.ofd", f.OFD, "application/ofd"),
])
def test_good_files_are_accepted_and_stored_under_a_generated_name(world, name, content, mime, media):
    attachment = add(world, name=name, content=content)
    attachment.refresh_from_db()
    assert attachment.original_name == name
    assert attachment.mime_type == mime
    assert attachment.size == len(content)
    assert len(attachment.sha256) == 64
    assert STORAGE_NAME.match(attachment.file.name)
    assert attachment.file.name.endswith("." + name.rsplit(".", 1)[1].lower())
    assert default_storage.exists(attachment.file.name)
    assert (media / attachment.file.name).read_bytes() == content
    assert attachment.record == world.project and attachment.project == world.project
    assert attachment.uploaded_by == world.pm
    row = attachment.history.get()
    assert row.history_user == world.pm and row.history_change_reason == "Attachment uploaded"


def test_browser_content_type_is_ignored(world):
    attachment = attachment_add(record=world.project, project=world.project, user=world.pm, kind="scan",
                                uploaded_file=f.upload("a.png", f.PNG, content_type="text/html"))
    assert attachment.mime_type == "image/png"


def test_two_uploads_with_the_same_name_get_different_storage_names(world):
    assert add(world).file.name != add(world).file.name


@pytest.mark.parametrize("name", ["../../etc/passwd.pdf", "..\\x.pdf", "..\\..\\..\\boot.ini.pdf", "a\x00b.pdf",
                                  "a\nb.pdf", "/absolute/path.pdf", "....pdf", "%2e%2e%2fx.pdf"])
def test_path_tricks_never_reach_the_storage_name(world, name, media):
    attachment = add(world, name=name)
    assert STORAGE_NAME.match(attachment.file.name)
    assert ".." not in attachment.file.name and "\\" not in attachment.file.name
    for ch in "/\\\x00\n":
        assert ch not in attachment.original_name
    assert (media / attachment.file.name).exists()
    assert not (media.parent / "etc").exists()


def test_oversize_is_rejected(world, settings):
    settings.ATTACHMENT_MAX_BYTES = 100
    with pytest.raises(DomainError, match="larger than the limit"):
        add(world, content=f.PDF + b"%" * 200)
    assert not Attachment.objects.exists()
    add(world, content=f.PDF)  # under the limit: fine


def test_default_limit_is_50_mib():
    from apps.attachments.services import max_upload_bytes

    assert max_upload_bytes() == 50 * 1024 * 1024


@pytest.mark.parametrize("name, content, message", [
    ("fake.pdf", f.PNG, "does not match"),
    ("page.pdf", f.HTML, "Web pages"),
    ("setup.pdf", f.EXE, "Executable"),
    ("setup.exe", f.EXE, "not accepted"),
    ("drawing.svg", f.SVG, "not accepted"),
    ("index.html", f.HTML, "not accepted"),
    ("empty.pdf", b"", "empty"),
    ("\x00\n\u202e", f.PDF, "no usable name"),
    ("data.csv", b"a,b\x00", "NUL"),
])
def test_bad_files_are_rejected_and_nothing_is_stored(world, name, content, message, media):
    with pytest.raises(DomainError, match=message):
        add(world, name=name, content=content)
    assert not Attachment.objects.exists()
    assert not (media / "attachments").exists() or not any((media / "attachments").rglob("*.*"))


def test_unknown_kind_is_rejected(world):
    with pytest.raises(DomainError, match="Unknown attachment kind"):
        add(world, kind="malware")


@pytest.mark.parametrize("who", ["lead", "inspector", "acceptance", "pm", "special", "operator", "security"])
def test_every_project_role_can_attach(world, who):
    assert add(world, user=getattr(world, who)).uploaded_by == getattr(world, who)


@pytest.mark.parametrize("who", ["regulator", "outsider", "other_regulator"])
def test_regulators_and_outsiders_cannot_attach(world, who):
    with pytest.raises(PermissionDenied):
        add(world, user=getattr(world, who))
    assert not Attachment.objects.exists()


def test_client_colleague_who_is_not_a_member_cannot_attach(world):
    colleague = UserFactory(organization=world.client_org)  # sees the project, has no role on it
    with pytest.raises(PermissionDenied, match="Only members"):
        add(world, user=colleague)


def test_former_member_cannot_attach(world):
    from apps.projects.services import member_remove

    member_remove(member=ProjectMember.objects.get(project=world.project, user=world.operator), actor=world.lead,
                  reason="调离")
    with pytest.raises(PermissionDenied):
        add(world, user=world.operator)


def test_record_of_another_project_is_refused(world):
    other = ProjectFactory(client=world.client_org, contractor=world.contractor)
    with pytest.raises(DomainError, match="does not belong"):
        add(world, record=other, project=world.project)


def test_record_of_an_unregistered_model_is_refused(world):
    with pytest.raises(DomainError, match="cannot be attached"):
        add(world, record=world.pm)


def test_registered_model_can_own_attachments(world, monkeypatch):
    monkeypatch.setitem(registry._resolvers, "projects.projectmember", lambda member: member.project)
    member = world.project.members.get(user=world.pm)
    attachment = add(world, record=member)
    assert attachment.record == member and attachment.project == world.project


def test_record_rule_can_refuse_uploads(world, record_rule):
    record_rule(Project, add=rules.always_deny, message="Files can no longer be attached to this record.")
    with pytest.raises(PermissionDenied, match="no longer"):
        add(world)


# ---------------------------------------------------------------- removal

def test_uploader_removes_softly_and_the_file_stays(world, media):
    attachment = add(world, user=world.operator)
    removed = attachment_remove(attachment=attachment, user=world.operator, reason="上传错了文件")
    removed.refresh_from_db()
    assert removed.is_removed and removed.removed_by == world.operator and removed.removed_at
    assert removed.removal_reason == "上传错了文件"
    assert (media / removed.file.name).exists()
    last = removed.history.latest()
    assert last.history_user == world.operator and "上传错了文件" in last.history_change_reason


def test_client_lead_can_remove_anyones_attachment(world):
    attachment = add(world, user=world.operator)
    assert attachment_remove(attachment=attachment, user=world.lead, reason="重复").is_removed


@pytest.mark.parametrize("who", ["pm", "inspector", "regulator", "outsider"])
def test_others_cannot_remove(world, who):
    attachment = add(world, user=world.operator)
    with pytest.raises(PermissionDenied):
        attachment_remove(attachment=attachment, user=getattr(world, who), reason="x")
    attachment.refresh_from_db()
    assert not attachment.is_removed


def test_removal_needs_a_reason(world):
    attachment = add(world)
    with pytest.raises(DomainError, match="reason"):
        attachment_remove(attachment=attachment, user=world.pm, reason="   ")


def test_removing_twice_is_refused(world):
    attachment = add(world)
    attachment_remove(attachment=attachment, user=world.pm, reason="错误")
    with pytest.raises(DomainError, match="already been removed"):
        attachment_remove(attachment=attachment, user=world.pm, reason="again")
    attachment.refresh_from_db()
    with pytest.raises(DomainError, match="already been removed"):
        attachment_remove(attachment=attachment, user=world.lead, reason="again")


def test_storage_name_constraint_holds_in_the_database(world):
    from django.db import IntegrityError, transaction

    attachment = add(world)
    attachment.file.name = "../../etc/passwd"
    with pytest.raises(IntegrityError), transaction.atomic():
        attachment.save(update_fields=["file"])

