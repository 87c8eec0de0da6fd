"""Upload, download, removal and the project page over HTTP (security.md rows 8, 9, 21)."""

from urllib.parse import quote

import pytest
import rules
from django.contrib.contenttypes.models import ContentType

from apps.attachments.models import Attachment
from apps.attachments.services import attachment_add, attachment_remove
from apps.projects.models import Project
from tests.factories import ProjectFactory

from . import factories as f

pytestmark = pytest.mark.django_db
CHINESE_NAME = "民国档案验收报告（终稿）.pdf"


@pytest.fixture
def attachment(world):
    return attachment_add(record=world.project, project=world.project, user=world.operator, kind="report",
                          uploaded_file=f.upload(CHINESE_NAME, f.PDF))


def upload_url(record):
    return f"/attachments/upload/{ContentType.objects.get_for_model(record).pk}/{record.pk}/"


def body_of(response) -> bytes:
    return b"".join(response.streaming_content)


# ---------------------------------------------------------------- download

def test_member_downloads_with_safe_headers(world, login, attachment):
    response = login(world.pm).get(f"/attachments/{attachment.pk}/download/")
    assert response.status_code == 200
    assert body_of(response) == f.PDF
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert f"filename*=UTF-8''{quote(CHINESE_NAME, safe='')}" in disposition
    assert "%E6%B0%91%E5%9B%BD" in disposition  # 民国
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "private, no-store"
    assert "sandbox" in response["Content-Security-Policy"]


def test_ascii_fallback_name_cannot_break_the_header(world, login):
    a = attachment_add(record=world.project, project=world.project, user=world.pm, kind="other",
                       uploaded_file=f.upload('x";evil=1.pdf', f.PDF))
    disposition = login(world.pm).get(f"/attachments/{a.pk}/download/")["Content-Disposition"]
    assert disposition.count('"') == 2 and "\n" not in disposition


def test_text_file_is_served_with_its_detected_charset(world, login):
    a = attachment_add(record=world.project, project=world.project, user=world.pm, kind="other",
                       uploaded_file=f.upload("清单.csv", f.CSV_GB18030, content_type="text/html"))
    response = login(world.pm).get(f"/attachments/{a.pk}/download/")
    assert response["Content-Type"] == "text/csv; charset=gb18030"


@pytest.mark.parametrize("who", ["outsider", "other_regulator"])
def test_outsider_download_gets_404(world, login, attachment, who):
    assert login(getattr(world, who)).get(f"/attachments/{attachment.pk}/download/").status_code == 404


def test_anonymous_download_redirects_to_login(client, attachment):
    response = client.get(f"/attachments/{attachment.pk}/download/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_regulator_in_jurisdiction_downloads(world, login, attachment):
    assert login(world.regulator).get(f"/attachments/{attachment.pk}/download/").status_code == 200


def test_removed_attachment_gets_404(world, login, attachment):
    attachment_remove(attachment=attachment, user=world.operator, reason="错误文件")
    assert login(world.lead).get(f"/attachments/{attachment.pk}/download/").status_code == 404


def test_unknown_id_gets_404(world, login):
    c = login(world.lead)
    assert c.get("/attachments/999999/download/").status_code == 404
    assert c.get("/attachments/99999999999999999999999/download/").status_code == 404
    assert c.get("/attachments/abc/download/").status_code == 404


def test_missing_stored_file_gets_404_not_500(world, login, attachment):
    attachment.file.storage.delete(attachment.file.name)
    assert login(world.pm).get(f"/attachments/{attachment.pk}/download/").status_code == 404


def test_record_rule_narrows_downloads(world, login, attachment, record_rule):
    record_rule(Project, download=rules.predicate(lambda user, record: user.pk == world.lead.pk))
    assert login(world.pm).get(f"/attachments/{attachment.pk}/download/").status_code == 404
    assert CHINESE_NAME not in login(world.pm).get(f"/attachments/projects/{world.project.pk}/").content.decode()
    assert login(world.lead).get(f"/attachments/{attachment.pk}/download/").status_code == 200


def test_media_url_does_not_serve_files(world, login, attachment):
    assert login(world.pm).get(f"/media/{attachment.file.name}").status_code == 404


# ---------------------------------------------------------------- upload

def test_member_uploads_to_the_project_and_is_sent_back(world, login):
    response = login(world.operator).post(upload_url(world.project), {
        "file": f.upload("扫描件.png", f.PNG), "kind": "scan", "next": f"/projects/{world.project.pk}/"})
    assert response.status_code == 302 and response["Location"] == f"/projects/{world.project.pk}/"
    a = Attachment.objects.get()
    assert a.original_name == "扫描件.png" and a.kind == "scan" and a.uploaded_by == world.operator


@pytest.mark.parametrize("next_url", ["https://evil.example/", "//evil.example/x", "/\\evil.example",
                                      "javascript:alert(1)", ""])
def test_next_must_be_relative(world, login, next_url):
    response = login(world.pm).post(upload_url(world.project), {
        "file": f.upload("a.pdf", f.PDF), "kind": "evidence", "next": next_url})
    assert response.status_code == 302
    assert response["Location"] == f"/attachments/projects/{world.project.pk}/"


def test_regulator_upload_gets_403(world, login):
    response = login(world.regulator).post(upload_url(world.project), {"file": f.upload("a.pdf", f.PDF),
                                                                       "kind": "evidence"})
    assert response.status_code == 403
    assert not Attachment.objects.exists()


def test_outsider_upload_gets_404(world, login):
    response = login(world.outsider).post(upload_url(world.project), {"file": f.upload("a.pdf", f.PDF),
                                                                      "kind": "evidence"})
    assert response.status_code == 404
    assert not Attachment.objects.exists()


def test_client_colleague_without_role_gets_403(world, login):
    from tests.factories import UserFactory

    colleague = UserFactory(organization=world.client_org)
    response = login(colleague).post(upload_url(world.project), {"file": f.upload("a.pdf", f.PDF),
                                                                 "kind": "evidence"})
    assert response.status_code == 403


def test_upload_get_is_not_allowed(world, login):
    assert login(world.pm).get(upload_url(world.project)).status_code == 405


@pytest.mark.parametrize("data", [
    {"file": f.upload("fake.pdf", f.PNG), "kind": "evidence"},
    {"file": f.upload("page.pdf", f.HTML), "kind": "evidence"},
    {"file": f.upload("setup.exe", f.EXE), "kind": "evidence"},
    {"file": f.upload("empty.pdf", b""), "kind": "evidence"},
    {"file": f.upload("a.pdf", f.PDF), "kind": "nonsense"},
    {"kind": "evidence"},
    {},
])
def test_bad_uploads_give_a_message_not_a_500(world, login, data):
    c = login(world.pm)
    response = c.post(upload_url(world.project), data, follow=True)
    assert response.status_code == 200
    assert list(response.context["messages"])
    assert not Attachment.objects.exists()


def test_oversize_upload_gives_a_message(world, login, settings):
    settings.ATTACHMENT_MAX_BYTES = 10
    response = login(world.pm).post(upload_url(world.project), {"file": f.upload("a.pdf", f.PDF),
                                                                "kind": "evidence"}, follow=True)
    assert "larger than the limit" in " ".join(str(m) for m in response.context["messages"])
    assert not Attachment.objects.exists()


@pytest.mark.parametrize("path", ["/attachments/upload/999999/1/", "/attachments/upload/{ct}/999999/",
                                  "/attachments/upload/{ct}/99999999999999999999999/",
                                  "/attachments/upload/{user_ct}/{pm}/"])
def test_unknown_or_unattachable_targets_get_404(world, login, path):
    url = path.format(ct=ContentType.objects.get_for_model(Project).pk, pm=world.pm.pk,
                      user_ct=ContentType.objects.get_for_model(world.pm).pk)
    response = login(world.pm).post(url, {"file": f.upload("a.pdf", f.PDF), "kind": "evidence"})
    assert response.status_code == 404


# ---------------------------------------------------------------- project page and removal

def test_project_page_lists_attachments_with_upload_form(world, login, attachment):
    body = login(world.pm).get(f"/attachments/projects/{world.project.pk}/").content.decode()
    assert CHINESE_NAME in body and f"/attachments/{attachment.pk}/download/" in body
    assert upload_url(world.project) in body and 'enctype="multipart/form-data"' in body


def test_project_page_for_regulator_has_no_upload_form(world, login, attachment):
    response = login(world.regulator).get(f"/attachments/projects/{world.project.pk}/")
    assert response.status_code == 200
    body = response.content.decode()
    assert CHINESE_NAME in body and "multipart/form-data" not in body


@pytest.mark.parametrize("who", ["outsider", "other_regulator"])
def test_project_page_for_outsiders_is_404(world, login, who):
    assert login(getattr(world, who)).get(f"/attachments/projects/{world.project.pk}/").status_code == 404


def test_project_page_does_not_list_other_projects_or_removed(world, login, attachment):
    other = ProjectFactory(client=world.client_org, contractor=world.contractor)
    gone = attachment_add(record=world.project, project=world.project, user=world.pm, kind="other",
                          uploaded_file=f.upload("已删除.pdf", f.PDF))
    attachment_remove(attachment=gone, user=world.pm, reason="错误")
    body = login(world.pm).get(f"/attachments/projects/{world.project.pk}/").content.decode()
    assert "已删除.pdf" not in body
    assert login(world.pm).get(f"/attachments/projects/{other.pk}/").status_code == 200


def test_uploader_removes_through_the_page(world, login, attachment):
    response = login(world.operator).post(f"/attachments/{attachment.pk}/remove/", {"reason": "上传错了"})
    assert response.status_code == 302
    attachment.refresh_from_db()
    assert attachment.is_removed and attachment.removal_reason == "上传错了"


def test_other_member_cannot_remove(world, login, attachment):
    assert login(world.pm).post(f"/attachments/{attachment.pk}/remove/", {"reason": "x"}).status_code == 403
    attachment.refresh_from_db()
    assert not attachment.is_removed


def test_outsider_remove_gets_404(world, login, attachment):
    assert login(world.outsider).post(f"/attachments/{attachment.pk}/remove/", {"reason": "x"}).status_code == 404


def test_regulator_remove_gets_403(world, login, attachment):
    assert login(world.regulator).post(f"/attachments/{attachment.pk}/remove/", {"reason": "x"}).status_code == 403


def test_remove_without_reason_gives_a_message(world, login, attachment):
    response = login(world.operator).post(f"/attachments/{attachment.pk}/remove/", {"reason": ""}, follow=True)
    assert response.status_code == 200
    attachment.refresh_from_db()
    assert not attachment.is_removed


def test_panel_tag_renders_for_a_record(world, rf, attachment):
    from django.template import engines

    request = rf.get("/somewhere/")
    request.user = world.lead
    html = engines["django"].from_string("{% load attachment_tags %}{% attachment_panel record %}").render(
        {"record": world.project}, request)
    assert CHINESE_NAME in html and upload_url(world.project) in html and 'name="next" value="/somewhere/"' in html
