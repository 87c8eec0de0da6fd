"""Reads, always scoped to what the user may see."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from apps.accounts.enums import OrgKind
from apps.accounts.models import Jurisdiction

from .models import Project, ProjectMember


def projects_visible_to(user) -> QuerySet[Project]:
    """Client and contractor users see their organisation's projects; a regulator sees the
    projects of the clients in its jurisdiction; everybody else sees none."""
    qs = Project.objects.select_related("client", "contractor")
    if not (user and user.is_authenticated and user.is_active):
        return qs.none()
    if user.is_superuser:
        return qs
    org = user.organization
    if org is None or not org.is_active:
        return qs.none()
    # Invited acceptance experts see the projects they are active members of.
    member_of = Q(pk__in=ProjectMember.objects.filter(user=user, is_active=True).values("project_id"))
    if org.kind == OrgKind.CLIENT:
        return qs.filter(Q(client=org) | member_of)
    if org.kind == OrgKind.CONTRACTOR:
        return qs.filter(contractor=org)
    if org.kind == OrgKind.REGULATOR:
        return qs.filter(client_id__in=Jurisdiction.objects.filter(regulator=org).values("client_id"))
    return qs.none()


def project_for_user(user, pk) -> Project:
    """The project with this id if the user may see it; 404 otherwise (never 403: an outsider
    must not learn that the id exists)."""
    try:
        return projects_visible_to(user).get(pk=pk)
    except (Project.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


# ---------------------------------------------------------------- gates and Annex A

def project_gate_overview(project: Project) -> list[dict]:
    """Every target (phase or action) with its gates and whether each is met."""
    from .enums import PHASE_ORDER
    from .gates import BATCH_SUBMISSION, TARGET_LABELS, registry

    targets = [*PHASE_ORDER[1:3], BATCH_SUBMISSION, *PHASE_ORDER[3:]]
    overview = []
    for target in targets:
        results = registry.evaluate(project, target)
        if results:
            overview.append({"target": target, "label": TARGET_LABELS[target], "results": results,
                             "all_met": all(r.met for r in results)})
    return overview


def annex_a_rows(project: Project, today=None) -> list[dict]:
    """The Annex A checklist with each step's status computed from the project's records."""
    import datetime as dt

    from django.utils import timezone

    from . import annex_a
    from .enums import PHASE_ORDER, TaskStatus
    from .gates import registry

    today = today or timezone.localdate()
    effective = project.resume_phase or project.phase
    reached_index = PHASE_ORDER.index(effective)
    tasks = {t.step: t for t in project.stage_tasks.all()}
    attestations = {a.gate: a for a in project.gate_attestations.all()}
    rows = []
    for step in annex_a.STEPS:
        task = tasks.get(step.code)
        due: dt.date | None = task.due_date if task else None
        reached = reached_index >= PHASE_ORDER.index(annex_a.STAGE_REACHED_FROM[step.stage])
        met = False
        evidence = ""
        evidence_url = ""
        if step.gate:
            gate = registry.get(step.gate)
            if gate.is_pending:
                att = attestations.get(step.gate)
                met = att is not None
                evidence = att.reference if att else ""
            else:
                met = bool(gate.check(project))
                found = gate.evidence(project) if gate.evidence else None
                if found:
                    evidence, evidence_url = found
        reading = None
        reader = (annex_a.step_reader(step.code)
                  if not step.gate and (reached or annex_a.reads_before_reached(step.code)) else None)
        if reader is not None:
            reading = reader(project, today)
            # Before its stage is reached, a row shows only what its records already prove.
            if reading is not None and not reached and reading.status not in (
                    TaskStatus.DONE, TaskStatus.DUE, TaskStatus.OVERDUE):
                reading = None
            if reading is not None:
                evidence, evidence_url = reading.evidence, reading.evidence_url
        if reading is not None and reading.status:
            status = reading.status
        elif met:
            status = TaskStatus.DONE
        elif not reached and not (due and due < today and step.stage == annex_a.Stage.PRE):
            status = TaskStatus.NOT_REACHED
        elif due and due < today:
            status = TaskStatus.OVERDUE
        elif due:
            status = TaskStatus.DUE
        else:
            status = TaskStatus.ONGOING
        rows.append({"step": step, "task": task, "due_date": due, "status": status,
                     "status_label": TaskStatus(status).label, "evidence": evidence,
                     "evidence_url": evidence_url, "attested": bool(step.gate and registry.get(step.gate).is_pending
                                                                    and evidence)})
    return rows


def project_history(project: Project) -> list:
    """Every history row of the project and its members, attestations and Annex A rows,
    newest first, each with its field changes (old → new)."""
    from apps.core.history_view import history_entries

    from .models import GateAttestation, ProjectMember, StageTask

    from .hooks import history_sources

    return history_entries([
        Project.history.filter(id=project.pk),
        ProjectMember.history.filter(project_id=project.pk),
        GateAttestation.history.filter(project_id=project.pk),
        StageTask.history.filter(project_id=project.pk),
        *(source(project) for source in history_sources()),
    ])
