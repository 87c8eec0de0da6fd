"""Writes. Each service checks legality and permission, saves, and leaves a history reason."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.enums import CLIENT_ROLES, CONTRACTOR_ROLES, EXPERT_ROLES, OrgKind, ProjectRole
from apps.accounts.models import Organization
from apps.core.errors import DomainError
from apps.core.history import bulk_create_with_context, history_context, save_with_history
from apps.core.locking import lock
from apps.core.permissions import require
from apps.core.text import clean_line, clean_text
from apps.core.validation import full_clean_or_error

from . import annex_a, hooks
from .enums import ACTIVE_PHASES, PHASE_ORDER, Phase, next_phase
from .gates import BATCH_SUBMISSION, TARGET_LABELS, registry
from .models import GateAttestation, Project, ProjectMember, StageTask

EDITABLE_FIELDS = (
    "name", "contract_no", "contractor", "service_types", "risk_level", "confidentiality", "contract_signed_on",
    "start_date", "end_date", "quality_threshold", "warranty_months", "description",
)


def _full_clean(obj, exclude: list[str] | None = None) -> None:
    full_clean_or_error(obj, exclude)


SINGLE_LINE_FIELDS = ("name", "contract_no")


def _clean_texts(values: dict) -> dict:
    """The project's text fields through the kit: name and contract number are single lines,
    the description may have several."""
    for name in (*SINGLE_LINE_FIELDS, "description"):
        if name in values:
            field = Project._meta.get_field(name)
            clean = clean_line if name in SINGLE_LINE_FIELDS else clean_text
            values[name] = clean(values[name], field=name, label=field.verbose_name, required=not field.blank,
                                 max_length=field.max_length or 10_000)
    return values


def _check_parties(*, client: Organization, contractor: Organization) -> None:
    if client.kind != OrgKind.CLIENT or not client.is_active:
        raise DomainError(_("The client must be an active client organisation."), field="client")
    if contractor.kind != OrgKind.CONTRACTOR or not contractor.is_active:
        raise DomainError(_("The contractor must be an active contractor organisation."), field="contractor")


def project_create(*, user, name: str, contract_no: str, contractor: Organization, service_types: list[str],
                   risk_level: str, confidentiality: str, contract_signed_on: dt.date, start_date: dt.date,
                   end_date: dt.date, quality_threshold: Decimal = Decimal("95.00"), warranty_months: int = 12,
                   description: str = "") -> Project:
    """A client user creates a project for their own organisation and becomes its client lead."""
    require("projects.can_create_project", user)
    texts = _clean_texts({"name": name, "contract_no": contract_no, "description": description})
    name, contract_no, description = texts["name"], texts["contract_no"], texts["description"]
    client = user.organization
    _check_parties(client=client, contractor=contractor)
    project = Project(
        name=name, contract_no=contract_no, client=client, contractor=contractor, service_types=list(service_types),
        risk_level=risk_level, confidentiality=confidentiality, contract_signed_on=contract_signed_on,
        start_date=start_date, end_date=end_date, quality_threshold=quality_threshold,
        warranty_months=warranty_months, description=description, created_by=user,
    )
    _full_clean(project)
    with transaction.atomic(), history_context(user=user, reason=_("Project created")):
        try:
            with transaction.atomic():
                project.save()
        except IntegrityError as exc:
            raise DomainError(_("This client already has a project with this contract number."),
                              field="contract_no") from exc
        ProjectMember.objects.create(project=project, user=user, role=ProjectRole.CLIENT_LEAD)
        stage_tasks_sync(project=project)
        hooks.project_created(project=project, user=user)
    return project


def project_update(*, project: Project, user, expected_version: int, reason: str = "", **fields: Any) -> Project:
    require("projects.can_manage_project", user, project)
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise DomainError(_("These fields cannot be changed here: %(f)s") % {"f": ", ".join(sorted(unknown))})
    with transaction.atomic(), history_context(user=user, reason=reason or _("Project details edited")):
        locked = lock(project, expected_version=expected_version)
        if "contractor" in fields and fields["contractor"].pk != locked.contractor_id:
            if locked.phase != Phase.PREPARATION:
                raise DomainError(_("The contractor can only be changed during preparation."), field="contractor")
            if locked.members.filter(is_active=True, role__in=CONTRACTOR_ROLES).exists():
                raise DomainError(_("Remove the contractor's members before changing the contractor."),
                                  field="contractor")
            _check_parties(client=locked.client, contractor=fields["contractor"])
        fields = _clean_texts(dict(fields))
        changed = [name for name, value in fields.items() if getattr(locked, name) != value]
        for name in changed:
            setattr(locked, name, fields[name])
        if not changed:
            return locked
        _full_clean(locked)
        locked.version += 1
        try:
            with transaction.atomic():
                locked.save()
        except IntegrityError as exc:
            raise DomainError(_("This client already has a project with this contract number."),
                              field="contract_no") from exc
        if {"contract_signed_on"} & set(changed):
            stage_tasks_sync(project=locked)
            from .hooks import contract_signed_changed

            contract_signed_changed(project=locked, user=user)
        if "service_types" in changed:
            from .hooks import service_types_changed

            service_types_changed(project=locked, user=user)
    return locked


# ---------------------------------------------------------------- members

def member_add(*, project: Project, actor, user, role: str) -> ProjectMember:
    """Give ``user`` a role on the project. Client roles go to the client's people, contractor
    roles to the contractor's; invited experts may come from any organisation but the
    contractor's (§5.3.1: independence of acceptance)."""
    require("projects.can_manage_project", actor, project)
    if role not in ProjectRole.values:
        raise DomainError(_("Unknown project role."), field="role")
    if not user.is_active or user.organization_id is None:
        raise DomainError(_("This person's account is not active."), field="user")
    if role in CLIENT_ROLES and user.organization_id != project.client_id:
        raise DomainError(_("Client roles can only be given to people of the client organisation."), field="user")
    if role in CONTRACTOR_ROLES and user.organization_id != project.contractor_id:
        raise DomainError(_("Contractor roles can only be given to people of the contractor organisation."),
                          field="user")
    if role in EXPERT_ROLES and (user.organization_id == project.contractor_id
                                 or user.organization.kind == OrgKind.REGULATOR):
        raise DomainError(_("An acceptance expert cannot be from the contractor or the regulator."), field="user")
    with transaction.atomic(), history_context(user=actor, reason=_("Member added")):
        if project.members.filter(user=user, role=role, is_active=True).exists():
            raise DomainError(_("This person already has this role on the project."), field="role")
        member = ProjectMember.objects.create(project=project, user=user, role=role)
    return member


def member_remove(*, member: ProjectMember, actor, reason: str) -> ProjectMember:
    project = member.project
    require("projects.can_manage_project", actor, project)
    if not reason.strip():
        raise DomainError(_("Give a reason for removing the member."), field="reason")
    if not member.is_active:
        raise DomainError(_("This member has already been removed."))
    if member.role == ProjectRole.CLIENT_LEAD and not project.members.filter(
            role=ProjectRole.CLIENT_LEAD, is_active=True).exclude(pk=member.pk).exists():
        raise DomainError(_("A project must keep at least one client lead; add another lead first."))
    member.is_active = False
    member.removed_at = timezone.now()
    with transaction.atomic(), history_context(user=actor):
        save_with_history(member, reason=reason.strip(), update_fields=["is_active", "removed_at"])
    return member


# ---------------------------------------------------------------- gates and lifecycle

def _missing_message(target: str, unmet) -> str:
    names = "；".join(f"{r.gate.label}（{r.gate.clause}）" for r in unmet)
    return _("%(target)s is not possible yet. Missing: %(names)s") % {"target": TARGET_LABELS.get(target, target),
                                                                     "names": names}


def gates_require(*, project: Project, target: str) -> None:
    """Raise a DomainError naming every unmet gate of ``target``. Other apps call this before
    an action a gate guards (e.g. batch submission)."""
    unmet = registry.unmet(project, target)
    if unmet:
        raise DomainError(_missing_message(target, unmet), code="gate_unmet", details=[r.gate.code for r in unmet])


def project_advance(*, project: Project, user, expected_version: int | None = None, reason: str = "") -> Project:
    """Move the project to the next phase of the lifecycle, if every gate of that phase is met."""
    require("projects.can_manage_project", user, project)
    with transaction.atomic(), history_context(user=user):
        locked = lock(project, expected_version=expected_version)
        if locked.phase == Phase.SUSPENDED:
            raise DomainError(_("The project is suspended; resume it first."), code="illegal_transition")
        target = next_phase(locked.phase)
        if target is None:
            raise DomainError(_("The project is already closed."), code="illegal_transition")
        gates_require(project=locked, target=target)
        old = locked.get_phase_display()
        locked.phase = target
        locked.phase_changed_at = timezone.now()
        locked.version += 1
        text = _("Phase %(old)s → %(new)s") % {"old": old, "new": locked.get_phase_display()}
        save_with_history(locked, reason=f"{text}. {reason}".strip() if reason else text,
                          update_fields=["phase", "phase_changed_at", "version", "updated_at"])
        stage_tasks_sync(project=locked)
    return locked


def project_acceptance_record(*, project: Project, user, accepted_on, reason: str) -> Project:
    """The acceptance module records that the project passed acceptance on ``accepted_on`` (the
    date of the signed acceptance report, §5.3.1): the date the handover, the warranty and the
    evaluation count from. Called inside the acceptance's transaction, after its own rule checks;
    tells the modules that count from it (``hooks.acceptance_passed``)."""
    with history_context(user=user):
        locked = lock(project)
        if locked.accepted_on is not None:
            raise DomainError(_("The project's acceptance has already been recorded."), code="illegal_transition")
        locked.accepted_on = accepted_on
        locked.version += 1
        save_with_history(locked, reason=reason, update_fields=["accepted_on", "version", "updated_at"])
        # The Annex A rows that count from the acceptance (handover, evaluation) get their dates.
        stage_tasks_sync(project=locked)
        hooks.acceptance_passed(project=locked, user=user)
    return locked


def project_suspend(*, project: Project, user, reason: str, expected_version: int | None = None) -> Project:
    """§5.2.3, §6.3.3: the client may suspend the project from any active phase on the grounds the
    suspension rules accept (apps.rectification: a refused, repeatedly failed or overdue ticket,
    an incident); a reason is required. Resuming requires those causes to be closed."""
    require("projects.can_manage_project", user, project)
    if not (reason or "").strip():
        raise DomainError(_("A reason is required to suspend the project."), field="reason")
    with transaction.atomic(), history_context(user=user):
        locked = lock(project, expected_version=expected_version)
        if locked.phase not in ACTIVE_PHASES:
            raise DomainError(_("Only a project in an active phase can be suspended."), code="illegal_transition")
        refusal = hooks.suspend_refusal(locked)
        if refusal:
            raise DomainError(refusal, code="illegal_transition")
        locked.resume_phase = locked.phase
        locked.phase = Phase.SUSPENDED
        locked.phase_changed_at = timezone.now()
        locked.version += 1
        save_with_history(locked, reason=_("Suspended: %(r)s") % {"r": reason.strip()},
                          update_fields=["phase", "resume_phase", "phase_changed_at", "version", "updated_at"])
        hooks.project_suspended(project=locked, user=user, reason=reason.strip())
    return locked


def project_resume(*, project: Project, user, reason: str, expected_version: int | None = None) -> Project:
    require("projects.can_manage_project", user, project)
    if not (reason or "").strip():
        raise DomainError(_("A reason is required to resume the project."), field="reason")
    with transaction.atomic(), history_context(user=user):
        locked = lock(project, expected_version=expected_version)
        if locked.phase != Phase.SUSPENDED:
            raise DomainError(_("The project is not suspended."), code="illegal_transition")
        refusal = hooks.resume_refusal(locked)
        if refusal:
            raise DomainError(refusal, code="illegal_transition")
        locked.phase = locked.resume_phase
        locked.resume_phase = ""
        locked.phase_changed_at = timezone.now()
        locked.version += 1
        save_with_history(locked, reason=_("Resumed: %(r)s") % {"r": reason.strip()},
                          update_fields=["phase", "resume_phase", "phase_changed_at", "version", "updated_at"])
        hooks.project_resumed(project=locked, user=user, reason=reason.strip())
    return locked


def gate_attest(*, project: Project, user, gate: str, reference: str, note: str = "") -> GateAttestation:
    """Record that a pending gate's step was done on paper (线下确认)."""
    require("projects.can_manage_project", user, project)
    if gate not in registry:
        raise DomainError(_("Unknown gate."), field="gate")
    if not registry.get(gate).is_pending:
        raise DomainError(_("This gate is checked from the system's own records and cannot be attested."),
                          field="gate")
    if gate not in attestable_gates(project):
        raise DomainError(_("This gate belongs to a later phase; it can be attested when the project gets there."),
                          field="gate", code="illegal_transition")
    if not (reference or "").strip():
        raise DomainError(_("Give the reference of the paper record."), field="reference")
    with transaction.atomic(), history_context(user=user, reason=_("Gate attested from paper record")):
        if project.gate_attestations.filter(gate=gate).exists():
            raise DomainError(_("This gate has already been attested."), field="gate")
        attestation = GateAttestation(project=project, gate=gate, reference=reference.strip(), note=note.strip(),
                                      attested_by=user)
        _full_clean(attestation, exclude=["attested_by"])
        attestation.save()
    return attestation


def attestable_gates(project: Project) -> set[str]:
    """Pending gates of the next phase (and of batch production while it has not started)."""
    effective = project.resume_phase or project.phase
    targets = {next_phase(effective)}
    if effective in (Phase.PREPARATION, Phase.IMPLEMENTATION):
        targets.add(BATCH_SUBMISSION)
    return {g.code for target in targets if target for g in registry.for_target(target) if g.is_pending}


def gate_attestation_revoke(*, attestation: GateAttestation, user, reason: str) -> None:
    project = attestation.project
    require("projects.can_manage_project", user, project)
    if not (reason or "").strip():
        raise DomainError(_("Give a reason for withdrawing the attestation."), field="reason")
    effective = project.resume_phase or project.phase
    entered = [g for g in registry.get(attestation.gate).guards
               if g in PHASE_ORDER and PHASE_ORDER.index(effective) >= PHASE_ORDER.index(g)]
    if entered:
        raise DomainError(_("The phase this gate guards has already been entered; the attestation stays on record."),
                          code="illegal_transition")
    with transaction.atomic(), history_context(user=user):
        attestation._change_reason = reason.strip()
        attestation.delete()


# ---------------------------------------------------------------- Annex A

def stage_tasks_sync(*, project: Project) -> None:
    """Create the project's Annex A rows and (re)compute the due dates their rules give."""
    existing = {t.step: t for t in project.stage_tasks.all()}
    new = []
    for position, step in enumerate(annex_a.STEPS, start=1):
        due = step.due(project) if step.due else None
        task = existing.get(step.code)
        if task is None:
            new.append(StageTask(project=project, step=step.code, stage=step.stage, position=position, due_date=due))
        elif task.due_date != due and step.due is not None:
            task.due_date = due
            save_with_history(task, reason=_("Due date recomputed from the contract"), update_fields=["due_date"])
    if new:
        bulk_create_with_context(new, StageTask, reason=_("Annex A rows created for the project"))
