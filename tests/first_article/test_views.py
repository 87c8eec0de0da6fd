from __future__ import annotations

import datetime as dt
import io

import pytest
from django.utils import timezone
from pypdf import PdfReader

from apps.accounts.enums import Party, ProjectRole
from apps.first_article.enums import ContactSheetState, VerificationStatus
from apps.first_article.models import FirstArticleVerification
from apps.projects import services as project_services
from tests.factories import UserFactory

from .builders import sign, sign_both, submit, verify_fail, verify_pass

pytestmark = pytest.mark.django_db


def _text(pdf_bytes: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf_bytes)).pages)


# ---------------------------------------------------------------- project page

@pytest.mark.parametrize("who", ["lead", "pm", "operator", "regulator"])
def test_project_page_for_project_viewers(world, login, who):
    v = verify_pass(submit(world), world.inspector)
    response = login(getattr(world, who)).get(f"/first-article/projects/{world.project.pk}/")
    assert response.status_code == 200
    body = response.content.decode()
    assert f"/first-article/{v.pk}/" in body


def test_project_page_shows_submit_button_only_to_submitters(world, login):
    url = f"/first-article/projects/{world.project.pk}/"
    submit_url = f"/first-article/projects/{world.project.pk}/submit/"
    assert submit_url in login(world.special).get(url).content.decode()
    assert submit_url not in login(world.lead).get(url).content.decode()
    assert submit_url not in login(world.regulator).get(url).content.decode()


def test_outsider_gets_404_everywhere(world, login):
    v = verify_fail(submit(world), world.inspector)
    client = login(world.outsider)
    for url in [f"/first-article/projects/{world.project.pk}/", f"/first-article/projects/{world.project.pk}/submit/",
                f"/first-article/{v.pk}/", f"/first-article/{v.pk}/verify/", f"/first-article/{v.pk}/annex-c.pdf",
                f"/first-article/sheets/{v.contact_sheet.pk}/answer/"]:
        assert client.get(url).status_code == 404, url


def test_other_regulator_gets_404(world, login):
    v = submit(world)
    assert login(world.other_regulator).get(f"/first-article/{v.pk}/").status_code == 404


# ---------------------------------------------------------------- submit / verify / answer pages

def test_submit_through_the_page(world, login):
    client = login(world.special)
    response = client.post(f"/first-article/projects/{world.project.pk}/submit/", {
        "batch_description": "第1盒", "quantity": "120", "unit": "volume",
        "batch_date": (timezone.localdate() - dt.timedelta(days=1)).isoformat(), "self_check_result": "合格",
        "status": "passed", "round_no": "7"})  # mass assignment: ignored
    v = FirstArticleVerification.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/first-article/{v.pk}/"
    assert v.status == VerificationStatus.SUBMITTED and v.round_no == 1 and v.unit == "volume"


def test_submit_bad_input_shows_form_errors(world, login):
    response = login(world.special).post(f"/first-article/projects/{world.project.pk}/submit/", {
        "batch_description": "第1盒", "quantity": "many", "unit": "kg", "batch_date": "2026-13-45",
        "self_check_result": ""})
    assert response.status_code == 200
    assert not FirstArticleVerification.objects.exists()


def test_client_cannot_open_the_submit_page(world, login):
    assert login(world.lead).get(f"/first-article/projects/{world.project.pk}/submit/").status_code == 403


def test_regulator_post_is_403(world, login):
    v = submit(world)
    client = login(world.regulator)
    assert client.post(f"/first-article/projects/{world.project.pk}/submit/", {}).status_code == 403
    assert client.post(f"/first-article/{v.pk}/verify/", {}).status_code == 403


def test_verify_fail_through_the_page_then_answer(world, login):
    v = submit(world)
    client = login(world.inspector)
    due = (timezone.localdate() + dt.timedelta(days=7)).isoformat()
    response = client.post(f"/first-article/{v.pk}/verify/", {
        "operation_result": "fail", "operation_reason": "未按方案拆卷", "quality_result": "pass",
        "safety_result": "pass", "conclusion": "fail", "rectification_due": due, "requirement": "按方案重新拆卷"})
    assert response.status_code == 302
    v.refresh_from_db()
    assert v.status == VerificationStatus.FAILED
    sheet = v.contact_sheet
    page = client.get(f"/first-article/{v.pk}/").content.decode()
    assert "未按方案拆卷" in page and f"/first-article/sheets/{sheet.pk}/answer/" not in page

    pm = login(world.pm)
    assert f"/first-article/sheets/{sheet.pk}/answer/" in pm.get(f"/first-article/{v.pk}/").content.decode()
    response = pm.post(f"/first-article/sheets/{sheet.pk}/answer/", {"measures": "重新拆卷", "result": "已合格"})
    assert response.status_code == 302
    sheet.refresh_from_db()
    assert sheet.state == ContactSheetState.ANSWERED
    # Answering again: told it is answered, nothing changes.
    response = pm.post(f"/first-article/sheets/{sheet.pk}/answer/", {"measures": "x", "result": "y"}, follow=True)
    assert "already been answered" in response.content.decode()


def test_verify_page_bad_input_keeps_the_round_submitted(world, login):
    v = submit(world)
    response = login(world.inspector).post(f"/first-article/{v.pk}/verify/", {
        "operation_result": "fail", "operation_reason": "", "quality_result": "pass", "safety_result": "pass",
        "conclusion": "fail", "rectification_due": "", "requirement": ""})
    assert response.status_code == 200
    assert "Give the reason" in response.content.decode() or "reason" in response.content.decode()
    v.refresh_from_db()
    assert v.status == VerificationStatus.SUBMITTED


def test_contractor_cannot_open_the_verify_page(world, login):
    v = submit(world)
    assert login(world.pm).post(f"/first-article/{v.pk}/verify/", {"conclusion": "pass"}).status_code == 403


def test_client_cannot_answer_a_sheet(world, login):
    sheet = verify_fail(submit(world), world.inspector).contact_sheet
    response = login(world.lead).post(f"/first-article/sheets/{sheet.pk}/answer/", {"measures": "m", "result": "r"})
    assert response.status_code == 403


# ---------------------------------------------------------------- Annex C PDF

def test_annex_c_pdf_has_the_form_labels_project_and_signers(world, login):
    rare = UserFactory(username="liuyan", name="刘䶮", organization=world.client_org)
    project_services.member_add(project=world.project, actor=world.lead, user=rare, role=ProjectRole.CLIENT_INSPECTOR)
    v = verify_pass(submit(world), rare, client_verifiers="刘䶮、王建国")
    sign(v, rare, Party.CLIENT)
    sign(v, world.pm, Party.CONTRACTOR)

    response = login(world.regulator).get(f"/first-article/{v.pk}/annex-c.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "annex-c-round-1.pdf" in response["Content-Disposition"]
    text = _text(response.content)
    for label in ["首件（批）验证记录表", "基本信息", "项目名称", "验证批次/数量", "验证日期", "验证人员（发包方/承包方）",
                  "验证内容及结果", "作业规范性", "质量达标情况", "安全措施落实", "合格，同意启动批量作业",
                  "不合格，需限期整改", "发包方签字", "承包方签字"]:
        assert label in text, label
    assert world.project.name in text
    assert "刘䶮" in text and world.pm.name in text
    assert "1260" in text


def test_annex_c_pdf_of_a_failed_round_prints_reason_and_deadline(world, login):
    v = verify_fail(submit(world), world.inspector)
    text = _text(login(world.pm).get(f"/first-article/{v.pk}/annex-c.pdf").content)
    assert "3页黑边超标" in text
    assert f"{v.rectification_due.year}年" in text


def test_annex_c_pdf_is_get_only(world, login):
    v = submit(world)
    assert login(world.pm).post(f"/first-article/{v.pk}/annex-c.pdf").status_code == 405


def test_detail_page_shows_signatures_and_baseline(world, login):
    v = verify_pass(submit(world), world.inspector)
    sign_both(v, world)
    body = login(world.lead).get(f"/first-article/{v.pk}/").content.decode()
    assert world.inspector.name in body and world.pm.name in body
    page = login(world.lead).get(f"/first-article/projects/{world.project.pk}/").content.decode()
    assert f"/first-article/{v.pk}/" in page


def test_project_page_shows_the_history_with_reasons(world, login):
    v = verify_fail(submit(world), world.inspector)
    body = login(world.lead).get(f"/first-article/projects/{world.project.pk}/").content.decode()
    assert "First batch submitted for verification (round 1)" in body
    assert "Work contact sheet issued" in body
    assert v.contact_sheet.due_date.strftime("%Y-%m-%d") in body


def test_verify_page_of_a_verified_round_sends_back_with_the_reason(world, login):
    v = verify_pass(submit(world), world.inspector)
    response = login(world.lead).get(f"/first-article/{v.pk}/verify/", follow=True)
    assert response.redirect_chain == [(f"/first-article/{v.pk}/", 302)]
    assert "already been verified" in response.content.decode()


def test_verify_page_shows_the_batch_and_the_form(world, login):
    v = submit(world)
    body = login(world.inspector).get(f"/first-article/{v.pk}/verify/").content.decode()
    assert "全宗J001 第1—3盒" in body and "自检全部合格" in body and 'name="conclusion"' in body
    assert f"/first-article/projects/{world.project.pk}/" in body  # breadcrumb to the loop's page
