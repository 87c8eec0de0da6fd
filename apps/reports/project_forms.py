"""The project's own printable forms (Annex A, the change history), registered with the forms
registry when the reports app starts: projects sits below reports and does not import it."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from apps.projects.models import GateAttestation, Project, ProjectMember, StageTask

# A history of more rows than this is printed by the worker (settings.FORMS_LARGE_HISTORY_ROWS).
HISTORY_LARGE_ROWS = 300


def _project_context(project: Project) -> dict:
    return {"project": project}


def annex_a_context(project: Project) -> dict:
    from apps.projects.selectors import annex_a_rows

    return {"project": project, "rows": annex_a_rows(project), "doc_no": project.contract_no,
            "form_code": "表 A.1"}


def history_context(project: Project) -> dict:
    from apps.projects.selectors import project_history

    return {"project": project, "entries": project_history(project), "doc_no": project.contract_no}


def history_is_large(project: Project) -> bool:
    total = (Project.history.filter(id=project.pk).count()
             + ProjectMember.history.filter(project_id=project.pk).count()
             + GateAttestation.history.filter(project_id=project.pk).count()
             + StageTask.history.filter(project_id=project.pk).count())
    from django.conf import settings

    return total > getattr(settings, "FORMS_LARGE_HISTORY_ROWS", HISTORY_LARGE_ROWS)


def register_forms() -> None:
    from .registry import FormSpec, forms

    forms.register(FormSpec(
        code="annex_a", title=_("Quality assurance process and task checklist (Annex A)"), model=Project,
        template="projects/pdf/annex_a.html", context=annex_a_context, project=lambda p: p,
        filename=lambda p: f"附录A-质量保障流程与任务对照表-{p.contract_no}.pdf"))
    forms.register(FormSpec(
        code="project_history", title=_("Project change history"), model=Project,
        template="projects/pdf/history.html", context=history_context, project=lambda p: p,
        filename=lambda p: f"项目变更历史-{p.contract_no}.pdf", is_large=history_is_large,
        watch={Project: lambda p: p, ProjectMember: lambda m: m.project,
               GateAttestation: lambda a: a.project, StageTask: lambda t: t.project}))
