"""The client's supervision records: patrols (巡查) and key-node checks (关键节点检查, §5.2.1),
each entered in the inspection ledger in the same transaction, and the weekly reminder when a
week has no patrol."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.enums import ProjectRole
from apps.core.errors import DomainError
from apps.core.history import history_context, save_with_history
from apps.core.locking import lock
from apps.core.notify import notify
from apps.core.permissions import require
from apps.core.text import clean_line, clean_text
from apps.core.validation import full_clean_or_error
from apps.projects.enums import Phase
from apps.projects.models import Project, ProjectMember

from .. import selectors
from ..enums import KeyNodeResult, LedgerKind
from ..models import TEXT_MAX, KeyNodeCheck, Patrol
from ..rules import INSPECTOR_ROLES, in_supervision_phase
from .ledger import ledger_entry_record, ledger_entry_update

MAX_INSPECTORS = 10


def _date(value, *, field: str, label: str, project: Project) -> dt.date:
    if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
        raise DomainError(_("%(label)s is not a valid date.") % {"label": label}, field=field)
    if value > timezone.localdate():
        raise DomainError(_("%(label)s cannot be in the future.") % {"label": label}, field=field)
    if value < project.contract_signed_on:
        raise DomainError(_("%(label)s cannot be before the contract was signed.") % {"label": label}, field=field)
    return value


def _require_supervision_phase(project: Project) -> None:
    if not in_supervision_phase.test(None, project):
        raise DomainError(_("Patrols and key-node checks are recorded while the project is in implementation or "
                            "acceptance (now: %(phase)s).") % {"phase": project.get_phase_display()},
                          code="illegal_transition")


def _names(users: Iterable) -> str:
    return "、".join(u.get_full_name() for u in users)[:200]


def _inspectors(project: Project, inspectors, user) -> list:
    from apps.accounts.models import User

    people = list(inspectors or [])
    if not people:
        return [user]
    if len(people) > MAX_INSPECTORS:
        raise DomainError(_("At most %(n)d inspectors.") % {"n": MAX_INSPECTORS}, field="inspectors")
    ids = set()
    for person in people:
        pk = person.pk if isinstance(person, User) else person
        if isinstance(pk, bool) or not str(pk).isdigit():
            raise DomainError(_("Choose the inspectors among the client's lead and quality inspectors."),
                              field="inspectors")
        ids.add(int(pk))
    allowed = set(ProjectMember.objects.filter(project=project, is_active=True, role__in=list(INSPECTOR_ROLES),
                                               user__is_active=True, user__organization_id=project.client_id,
                                               user_id__in=ids).values_list("user_id", flat=True))
    if ids - allowed:
        raise DomainError(_("Choose the inspectors among the client's lead and quality inspectors."),
                          field="inspectors")
    return list(User.objects.filter(pk__in=ids).order_by("name", "pk"))


def _attach(record, project: Project, user, files: Iterable) -> None:
    from apps.attachments.enums import AttachmentKind
    from apps.attachments.services import attachment_add

    for uploaded in files or ():
        attachment_add(record=record, project=project, user=user, uploaded_file=uploaded,
                       kind=AttachmentKind.EVIDENCE)


def _patrol_ledger(patrol: Patrol, people: list) -> dict:
    return dict(kind=LedgerKind.PATROL, occurred_at=patrol.patrolled_on, inspector=patrol.created_by,
                inspector_name=_names(people), content=patrol.content, problems=patrol.findings,
                requirements=patrol.requirements,
                conclusion=_("Problems found, rectification required") if patrol.findings else _("No problems found"))


def patrol_create(*, project: Project, user, patrolled_on: dt.date, content: str, findings: str = "",
                  requirements: str = "", inspectors: Iterable = (), files: Iterable = ()) -> Patrol:
    """Record a patrol (巡查, §5.2.1) and its ledger entry."""
    require("inspections.may_record_patrols", user, project)
    patrolled_on = _date(patrolled_on, field="patrolled_on", label=_("The patrol date"), project=project)
    content = clean_text(content, field="content", label=_("What was checked"), max_length=TEXT_MAX)
    findings = clean_text(findings, field="findings", label=_("Problems found"), required=False,
                          max_length=TEXT_MAX)
    requirements = clean_text(requirements, field="requirements", label=_("Rectification requirements"),
                              required=False, max_length=TEXT_MAX)
    if findings and not requirements:
        raise DomainError(_("Say what the contractor must do about the problems found."), field="requirements")
    people = _inspectors(project, inspectors, user)
    with transaction.atomic(), history_context(user=user, reason=_("Patrol recorded")):
        locked = lock(project)
        _require_supervision_phase(locked)
        patrol = Patrol(project=locked, patrolled_on=patrolled_on, content=content, findings=findings,
                        requirements=requirements, created_by=user)
        full_clean_or_error(patrol, exclude=["project", "created_by", "inspectors"], validate_constraints=False)
        patrol.save()
        patrol.inspectors.set(people)
        _attach(patrol, locked, user, files)
        ledger_entry_record(project=locked, source=patrol, **_patrol_ledger(patrol, people))
    return patrol


def patrol_update(*, patrol: Patrol, user, expected_version: int, reason: str = "", **data) -> Patrol:
    """Correct a patrol record (client lead or inspector); the ledger entry follows."""
    require("inspections.may_record_patrols", user, patrol.project)
    allowed = {"patrolled_on", "content", "findings", "requirements", "inspectors"}
    if set(data) - allowed:
        raise DomainError(_("These fields cannot be changed: %(f)s.") % {"f": ", ".join(sorted(set(data) - allowed))})
    values = {}
    if "patrolled_on" in data:
        values["patrolled_on"] = _date(data["patrolled_on"], field="patrolled_on", label=_("The patrol date"),
                                       project=patrol.project)
    if "content" in data:
        values["content"] = clean_text(data["content"], field="content", label=_("What was checked"),
                                       max_length=TEXT_MAX)
    for key, label in (("findings", _("Problems found")), ("requirements", _("Rectification requirements"))):
        if key in data:
            values[key] = clean_text(data[key], field=key, label=label, required=False, max_length=TEXT_MAX)
    people = _inspectors(patrol.project, data["inspectors"], user) if "inspectors" in data else None
    with transaction.atomic(), history_context(user=user):
        locked = lock(patrol, expected_version=expected_version)
        for key, value in values.items():
            setattr(locked, key, value)
        if locked.findings and not locked.requirements:
            raise DomainError(_("Say what the contractor must do about the problems found."), field="requirements")
        locked.version += 1
        save_with_history(locked, reason=reason or _("Patrol corrected"))
        if people is not None:
            locked.inspectors.set(people)
        people = list(locked.inspectors.all().order_by("name", "pk"))
        fields = _patrol_ledger(locked, people)
        fields.pop("kind")
        if ledger_entry_update(source=locked, **fields) is None:
            ledger_entry_record(project=locked.project, source=locked, kind=LedgerKind.PATROL, **fields)
    return locked


# ---------------------------------------------------------------- key-node checks


def key_node_create(*, project: Project, user, node: str, checked_on: dt.date, content: str, result: str,
                    findings: str = "", requirements: str = "", inspector=None, files: Iterable = ()) -> KeyNodeCheck:
    """Record a check at a key node (关键节点检查, §5.2.1): a control point of the approved plan
    (recognised by its wording) or a node named freely."""
    require("inspections.may_record_key_node_checks", user, project)
    node = clean_line(node, field="node", label=_("The key node"), max_length=200)
    checked_on = _date(checked_on, field="checked_on", label=_("The check date"), project=project)
    content = clean_text(content, field="content", label=_("What was checked"), max_length=TEXT_MAX)
    if result not in KeyNodeResult.values:
        raise DomainError(_("Choose the result: conforming or not conforming."), field="result")
    findings = clean_text(findings, field="findings", label=_("Problems found"), required=False,
                          max_length=TEXT_MAX)
    requirements = clean_text(requirements, field="requirements", label=_("Rectification requirements"),
                              required=False, max_length=TEXT_MAX)
    if result == KeyNodeResult.NONCONFORMING and not (findings and requirements):
        raise DomainError(_("A node that does not conform needs the problems found and the rectification "
                            "requirements."), field="findings" if not findings else "requirements")
    if findings and not requirements:
        raise DomainError(_("Say what the contractor must do about the problems found."), field="requirements")
    inspector = _inspectors(project, [inspector] if inspector is not None else [], user)[0]
    with transaction.atomic(), history_context(user=user, reason=_("Key-node check recorded")):
        locked = lock(project)
        _require_supervision_phase(locked)
        check = KeyNodeCheck(project=locked, node=node, from_plan=node in selectors.plan_control_points(locked),
                             checked_on=checked_on, inspector=inspector, content=content, result=result,
                             findings=findings, requirements=requirements, created_by=user)
        full_clean_or_error(check, exclude=["project", "created_by", "inspector"], validate_constraints=False)
        check.save()
        _attach(check, locked, user, files)
        ledger_entry_record(
            project=locked, source=check, kind=LedgerKind.KEY_NODE, occurred_at=checked_on, inspector=inspector,
            content=f"【{node}】{content}", problems=findings, requirements=requirements,
            conclusion=check.get_result_display())
    return check


# ---------------------------------------------------------------- weekly patrol reminder


def last_working_day_of_week(day: dt.date) -> dt.date:
    """The last working day (official calendar) of ``day``'s ISO week; Friday if none is."""
    from apps.core.calendar import is_workday

    monday = day - dt.timedelta(days=day.weekday())
    for offset in range(6, -1, -1):
        candidate = monday + dt.timedelta(days=offset)
        if is_workday(candidate):
            return candidate
    return monday + dt.timedelta(days=4)


def patrol_reminders_send(*, today: dt.date | None = None) -> int:
    """Remind the client lead of each project in implementation whose current ISO week has no
    patrol yet, from the week's last working day on. Idempotent: one reminder per project-week
    (notification key). Returns the number of notifications created now."""
    today = today or timezone.localdate()
    if today < last_working_day_of_week(today):
        return 0
    monday = today - dt.timedelta(days=today.weekday())
    year, week = today.isocalendar()[:2]
    projects = (Project.objects.filter(phase=Phase.IMPLEMENTATION)
                .exclude(pk__in=Patrol.objects.filter(patrolled_on__gte=monday,
                                                      patrolled_on__lte=monday + dt.timedelta(days=6))
                         .values("project_id")))
    created = 0
    for project in projects.iterator():
        leads = [m.user for m in ProjectMember.objects.filter(
            project=project, is_active=True, role=ProjectRole.CLIENT_LEAD, user__is_active=True,
            user__organization_id=project.client_id).select_related("user")]
        if not leads:
            continue
        ids = notify(recipients=leads, key=f"patrol-week:{project.pk}:{year}-W{week:02d}",
                     title=_("No patrol recorded this week (%(week)s) in “%(project)s”") % {
                         "week": f"{year}-W{week:02d}", "project": project.name},
                     body=_("§5.2.1 requires a patrol at least once a week. Record this week's patrol."),
                     link=reverse("inspections:patrols", args=[project.pk]), project=project, kind="inspections")
        created += len(ids or [])
    return created
