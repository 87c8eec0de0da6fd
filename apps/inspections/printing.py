"""The Annex B form (表B.1 质量缺陷分级细则): the grading rules in the standard's words, then
the project's defects counted per grade and service type."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.projects.enums import ServiceType
from apps.projects.models import Project

from .enums import GRADE_ORDER, GRADE_PRINTED
from .standard import GRADE_CASES, GRADE_DEFINITIONS, SERVICE_CLAUSES

# Service type names as the standard prints them.
SERVICE_PRINTED = {
    ServiceType.DIGITIZATION: "档案数字化加工", ServiceType.ARRANGEMENT: "档案整理", ServiceType.STORAGE: "档案寄存",
    ServiceType.RELOCATION: "档案搬迁", ServiceType.DATA_PROCESSING: "档案数据处理",
    ServiceType.CONSULTING: "咨询", ServiceType.OTHER: "其他外包事项",
}


def annex_b_context(project: Project) -> dict:
    from .models import DefectType
    from .services import defect_counts

    rules = [{"grade": GRADE_PRINTED[g], "definition": GRADE_DEFINITIONS[g],
              "cases": "；".join(f"{i}. {c}" for i, c in enumerate(GRADE_CASES[g], start=1))} for g in GRADE_ORDER]
    counts = defect_counts(project)
    types = list(project.service_types or [])
    for service_type, _grade in counts:
        if service_type not in types:
            types.append(service_type)
    rows = []
    totals = {g: 0 for g in GRADE_ORDER}
    for st in types:
        per = [counts.get((st, str(g)), 0) for g in GRADE_ORDER]
        for g, n in zip(GRADE_ORDER, per):
            totals[g] += n
        rows.append({"service": SERVICE_PRINTED.get(st, st), "clause": SERVICE_CLAUSES.get(st, ("7.2.6", ""))[0],
                     "counts": per, "total": sum(per)})
    # The project's own catalogue per service type and grade (the cases it judges against).
    catalogue = []
    by_key: dict = {}
    for d in DefectType.objects.filter(project=project, active=True).order_by("service_type", "order", "code"):
        by_key.setdefault((d.service_type, d.grade), []).append(d.name)
    for st in project.service_types or []:
        for g in GRADE_ORDER:
            names = by_key.get((st, str(g)))
            if names:
                catalogue.append({"service": SERVICE_PRINTED.get(st, st), "grade": GRADE_PRINTED[g],
                                  "names": "、".join(names)})
    return {"project": project, "rules": rules, "rows": rows, "totals": [totals[g] for g in GRADE_ORDER],
            "grand_total": sum(totals.values()), "grades": [GRADE_PRINTED[g] for g in GRADE_ORDER],
            "catalogue": catalogue, "doc_no": project.contract_no, "form_code": "表B.1",
            "generated_at": timezone.now()}


def register_forms() -> None:
    from apps.reports.registry import FormSpec, forms

    forms.register(FormSpec(
        code="annex_b", title=_("Quality defect grading rules and the project's defects (Annex B)"), model=Project,
        template="inspections/pdf/annex_b.html", context=annex_b_context, project=lambda p: p,
        filename=lambda p: f"附录B-质量缺陷分级细则-{p.contract_no}.pdf"))
