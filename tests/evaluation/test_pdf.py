"""The evaluation report as a PDF (annex style): the figures, the analysis, the score sheet with
its total and grade, the contractor's answer and the lead's signature."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from .builders import TEXTS, accepted, answered, issued

pytestmark = pytest.mark.django_db


def pdf_text(data: bytes) -> str:
    return "".join("".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(data)).pages)


def test_the_issued_report_prints_with_its_sheet_and_signature(world, login):
    evaluation = answered(world, issued(world))
    for who in ("lead", "pm", "regulator"):
        response = login(getattr(world, who)).get(f"/reports/forms/evaluation_report/{evaluation.pk}/")
        assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    for expected in ["档案服务外包质量评估报告", "履约评估表", world.project.name, world.project.contract_no,
                     "抽检合格率", "整改按期率", "配合与服务", "违约记录", str(evaluation.total_score),
                     {"excellent": "优秀", "good": "良好", "pass": "合格", "fail": "不合格"}[evaluation.grade],
                     "".join(TEXTS["weaknesses"].split()), "专检环节抽查比例偏低。", world.lead.name, "汇档数字科技有限公司"]:
        assert expected in text, expected
    assert "草稿" not in text


def test_a_draft_prints_marked_as_a_draft_for_the_client_only(world, login):
    evaluation = accepted(world)
    response = login(world.lead).get(f"/reports/forms/evaluation_report/{evaluation.pk}/")
    assert response.status_code == 200 and "草稿" in pdf_text(response.content)
    assert login(world.pm).get(f"/reports/forms/evaluation_report/{evaluation.pk}/").status_code == 404
