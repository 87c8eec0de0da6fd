"""The evaluation report (质量评估报告, with the score sheet) as a PDF, in the style of the annex
forms, registered with the reports app's form registry (``reports:form`` with code
``evaluation_report``). A draft prints with its live figures and is marked as a draft; the
contractor and the regulator can print it once issued (``QualityEvaluation.can_view_form``)."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import QualityEvaluation

FORM_CODE = "evaluation_report"


def evaluation_report_context(evaluation: QualityEvaluation) -> dict:
    from . import display, selectors

    data = selectors.report(evaluation)
    return {"evaluation": evaluation, "project": evaluation.project, "doc_no": evaluation.doc_no,
            "report": data, "tables": display.tables(data["figures"]),
            "generated_at": timezone.now()}


def register_forms() -> None:
    from apps.reports.registry import FormSpec, forms

    forms.register(FormSpec(
        code=FORM_CODE, title=_("Quality evaluation report"), model=QualityEvaluation,
        template="evaluation/pdf/report.html", context=evaluation_report_context, project=lambda e: e.project,
        filename=lambda e: f"质量评估报告-{e.project.contract_no}.pdf"))
