"""The acceptance report (验收报告, §8.3.2) as a PDF in the style of the annex forms: the plan, the
inspection summary per service type, the problems, the conclusion and the signatures."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from apps.accounts.enums import Party, ProjectRole

from .models import AcceptanceRound, CommonProblem, PlanSampling

# Service types and grades as the standard prints them (the form is Chinese whatever the language).
ROLE_PRINTED = {ProjectRole.CLIENT_LEAD: "发包方项目负责人", ProjectRole.CLIENT_INSPECTOR: "发包方质检员",
                ProjectRole.ACCEPTANCE_MEMBER: "验收小组成员", ProjectRole.ACCEPTANCE_EXPERT: "验收专家"}
CONCLUSION_PRINTED = {"pass": "合格", "fail": "不合格", "": "（未出具）"}


def report_context(acceptance_round: AcceptanceRound) -> dict:
    from apps.inspections.printing import SERVICE_PRINTED
    from apps.signatures.selectors import signatures_for

    project = acceptance_round.project
    signatures = signatures_for(acceptance_round)
    figures = [{**row, "service": SERVICE_PRINTED.get(row["service_type"], row["service_type"]),
                "batches_printed": "、".join(str(n) for n in row.get("batches", []))}
               for row in acceptance_round.figures or []]
    team = [{**m, "role_printed": ROLE_PRINTED.get(m["role"], m["role"])} for m in acceptance_round.team or []]
    return {
        "form_title": "档案服务外包项目验收报告", "form_code": "验收报告",
        "doc_no": f"{project.contract_no}-YS{acceptance_round.number}",
        "project": project, "round": acceptance_round, "record": acceptance_round, "figures": figures, "team": team,
        "samplings": [{"service": SERVICE_PRINTED.get(s.service_type, s.service_type), "rate": s.floor_rate}
                      for s in PlanSampling.objects.filter(round=acceptance_round).order_by("service_type")],
        "standards": list(acceptance_round.standards.order_by("service_type", "order", "code")),
        "conclusion": CONCLUSION_PRINTED.get(acceptance_round.conclusion, ""),
        "problems": list(CommonProblem.objects.filter(round=acceptance_round).order_by("created_at", "pk")),
        "client_signatures": [s for s in signatures if s.party == Party.CLIENT],
        "contractor_signatures": [s for s in signatures if s.party == Party.CONTRACTOR],
    }


def register_forms() -> None:
    from apps.reports.registry import FormSpec, forms

    forms.register(FormSpec(
        code="acceptance_report", title=_("Acceptance report"), model=AcceptanceRound,
        template="acceptance/pdf/report.html", context=report_context, project=lambda r: r.project,
        filename=lambda r: f"验收报告-{r.project.contract_no}-第{r.number}轮.pdf",
        watch={AcceptanceRound: lambda r: r}))
