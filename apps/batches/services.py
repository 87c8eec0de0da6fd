"""Writes: batches, item lists and the contractor's three-level inspection (§5.2.2, §6.2.1).

    batch_create (contractor) ─► DRAFT ──batch_submit (PM; gates, special inspection)──► SUBMITTED
      ──batch_inspection_start (client; lot_inspection)──► UNDER_INSPECTION
      ──batch_decision_record──► ACCEPTED | NOT_ACCEPTED (marked for rectification)
    NOT_ACCEPTED ──batch_resubmit (PM)──► RESUBMITTED, and a new DRAFT batch (resubmission_of) with
      the same item list, which needs its own special inspection and submission.

Every service is keyword-only (``<entity>_<action>(*, <entity>, user, …)``), asks its rule
(``rules.py``, with the rule's own refusal sentence), then checks the state under a row lock
(``apps.core.locking.lock``), saves with a history reason and raises :class:`DomainError`
(nothing saved) when something refuses.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.enums import ProjectRole
from apps.core.errors import DomainError
from apps.core.history import history_context, save_with_history, write_history_rows
from apps.core.locking import lock
from apps.core.notify import notify
from apps.core.permissions import require
from apps.core.text import clean_line, clean_text
from apps.core.validation import full_clean_or_error
from apps.projects.enums import Phase, ServiceType
from apps.projects.models import Project, ProjectMember
from apps.projects.rules import project_in_preparation_or_implementation

from . import selectors
from .enums import BatchStatus, InspectionConclusion, Unit
from .models import (
    MAX_COUNT,
    STEP_MAX,
    TEXT_MAX,
    Batch,
    BatchItem,
    MutualCheck,
    SelfCheck,
    SpecialInspection,
)
from .validators import CHECKER_NOT_PRODUCER, checker_is_not_producer

MAX_DESCRIPTION = 500
MAX_PAST_DAYS = 366
# Told when a batch is submitted (the client's sampling inspectors) and decided (the contractor).
CLIENT_INSPECTORS = (ProjectRole.CLIENT_LEAD, ProjectRole.CLIENT_INSPECTOR)
CONTRACTOR_RECIPIENTS = (ProjectRole.CONTRACTOR_PM, ProjectRole.CONTRACTOR_INSPECTOR)


# ---------------------------------------------------------------- helpers

def _count(value, *, field: str, label: str, minimum: int = 0) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not minimum <= value <= MAX_COUNT:
        raise DomainError(_("%(label)s must be a whole number between %(min)d and %(max)d.")
                          % {"label": label, "min": minimum, "max": MAX_COUNT}, field=field)
    return value


def _day(value, *, field: str, label: str) -> dt.date:
    if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
        raise DomainError(_("%(label)s is not a valid date.") % {"label": label}, field=field)
    today = timezone.localdate()
    if value > today:
        raise DomainError(_("%(label)s cannot be in the future.") % {"label": label}, field=field)
    if value < today - dt.timedelta(days=MAX_PAST_DAYS):
        raise DomainError(_("%(label)s is more than a year ago.") % {"label": label}, field=field)
    return value


def _working(project: Project) -> None:
    if not project_in_preparation_or_implementation.test(None, project):
        raise DomainError(_("This can only be done while the project is in preparation or implementation (it is "
                            "now: %(phase)s).") % {"phase": project.get_phase_display()}, code="illegal_transition")


def _service_type(project: Project, value) -> str:
    if value not in ServiceType.values:
        raise DomainError(_("Choose a service type."), field="service_type")
    if project.service_types and value not in project.service_types:
        raise DomainError(_("The project's contract does not include this service type."), field="service_type")
    return value


def _member_users(project: Project, roles: Iterable[str], org_id: int) -> list:
    members = (ProjectMember.objects.filter(project=project, is_active=True, role__in=list(roles),
                                            user__is_active=True, user__organization_id=org_id)
               .select_related("user"))
    return list({m.user_id: m.user for m in members}.values())


def _staff(person, project: Project, *, field: str, label: str, role: str | None = None) -> None:
    """An operator, producer, checker or special inspector is contractor staff filed on the project
    and approved by the client (§8.1.1, ``apps.teams``), and an active contractor member."""
    from apps.teams.selectors import is_approved_staff

    if person is None or not is_approved_staff(person, project):
        raise DomainError(_("%(label)s must be a member of the contractor's team whose staff filing the client "
                            "approved.") % {"label": label}, field=field)
    if role and not project.members.filter(user=person, is_active=True, role=role).exists():
        raise DomainError(_("%(label)s must hold the role of special inspector on this project.")
                          % {"label": label}, field=field)


def _next_number(project: Project) -> int:
    return (Batch.objects.filter(project=project).aggregate(m=Max("number"))["m"] or 0) + 1


# ---------------------------------------------------------------- drafts

def batch_create(*, project: Project, user, service_type: str, unit: str = Unit.ITEM, quantity: int = 0,
                 description: str = "") -> Batch:
    """A new draft batch (contractor PM or special inspector); numbered 1, 2, … per project."""
    require("batches.may_create_batch", user, project)
    service_type = _service_type(project, service_type)
    if unit not in Unit.values:
        raise DomainError(_("Choose the unit: items, pages, volumes, boxes or entries."), field="unit")
    quantity = _count(quantity, field="quantity", label=_("The quantity"))
    description = clean_line(description, field="description", label=_("The description"), required=False,
                             max_length=MAX_DESCRIPTION)
    with transaction.atomic(), history_context(user=user):
        locked_project = lock(project)  # serialises the numbers
        _working(locked_project)
        batch = Batch(project=locked_project, service_type=service_type, number=_next_number(locked_project),
                      unit=unit, quantity=quantity, description=description, created_by=user,
                      content_changed_at=timezone.now())
        full_clean_or_error(batch, exclude=["project", "created_by", "submitted_by", "decided_by",
                                            "resubmission_of"], validate_constraints=False)
        save_with_history(batch, reason=_("Batch %(n)d created") % {"n": batch.number})
    return batch


def batch_update(*, batch: Batch, user, expected_version: int | None = None, service_type: str | None = None,
                 unit: str | None = None, quantity: int | None = None, description: str | None = None) -> Batch:
    """Change a draft. With an item list the quantity is the number of items and cannot be set."""
    require("batches.may_edit_batch", user, batch)
    with transaction.atomic(), history_context(user=user):
        locked = lock(batch, expected_version=expected_version, related=("project",))
        if locked.status != BatchStatus.DRAFT:
            raise DomainError(_("Only a draft batch can be changed (this one is %(s)s).")
                              % {"s": locked.get_status_display()}, code="illegal_transition")
        _working(locked.project)
        fields = []
        if service_type is not None and service_type != locked.service_type:
            if locked.resubmission_of_id:
                raise DomainError(_("A resubmitted batch keeps the service type of the original batch."),
                                  field="service_type")
            locked.service_type = _service_type(locked.project, service_type)
            fields.append("service_type")
        if unit is not None and unit != locked.unit:
            if unit not in Unit.values:
                raise DomainError(_("Choose the unit: items, pages, volumes, boxes or entries."), field="unit")
            locked.unit = unit
            fields.append("unit")
        if description is not None:
            locked.description = clean_line(description, field="description", label=_("The description"),
                                            required=False, max_length=MAX_DESCRIPTION)
            fields.append("description")
        if quantity is not None and quantity != locked.quantity:
            quantity = _count(quantity, field="quantity", label=_("The quantity"))
            if locked.items.exists():
                raise DomainError(_("This batch has an item list: its quantity is the number of items (%(n)d). "
                                    "Import a new list to change it.") % {"n": locked.quantity}, field="quantity")
            locked.quantity = quantity
            locked.content_changed_at = timezone.now()
            fields += ["quantity", "content_changed_at"]
        if not fields:
            return locked
        locked.version += 1
        save_with_history(locked, reason=_("Draft batch changed"), update_fields=fields + ["version", "updated_at"])
    return locked


def _history_rows(model, objs: list, *, history_type: str, user, reason: str) -> None:
    """Historical rows for a bulk create or delete (django-simple-history writes none for those)."""
    write_history_rows(model.history.model, objs, history_type=history_type, user_id=getattr(user, "pk", None),
                       reason=reason)


def batch_items_replace(*, batch: Batch, user, rows: list[dict], expected_version: int | None = None) -> Batch:
    """Replace the draft's item list with ``rows`` (dicts with archive_code, title, pages,
    file_name; positions follow the order), all or nothing. The quantity becomes the number of
    items. ``rows`` come from :func:`apps.batches.imports.parse_item_file` or the API."""
    from .imports import MAX_ROWS, validate_rows

    require("batches.may_edit_batch", user, batch)
    if not isinstance(rows, list) or not rows:
        raise DomainError(_("The item list is empty."), field="file")
    if len(rows) > MAX_ROWS:
        raise DomainError(_("Too many items: at most %(n)d per batch.") % {"n": MAX_ROWS}, field="file")
    clean = validate_rows(rows)  # raises with the row-level errors
    with transaction.atomic(), history_context(user=user):
        locked = lock(batch, expected_version=expected_version, related=("project",))
        if locked.status != BatchStatus.DRAFT:
            raise DomainError(_("The item list of a submitted batch cannot be changed."), code="illegal_transition")
        _working(locked.project)
        reason = _("Item list imported (%(n)d items)") % {"n": len(clean)}
        old = list(locked.items.all())
        if old:
            _history_rows(BatchItem, old, history_type="-", user=user, reason=reason)
            locked.items.all().delete()
        items = [BatchItem(batch=locked, position=i, archive_code=r["archive_code"], title=r["title"],
                           pages=r["pages"], file_name=r["file_name"]) for i, r in enumerate(clean, start=1)]
        BatchItem.objects.bulk_create(items, batch_size=2000)
        _history_rows(BatchItem, items, history_type="+", user=user, reason=reason)
        locked.quantity = len(items)
        locked.content_changed_at = timezone.now()
        locked.version += 1
        save_with_history(locked, reason=reason,
                          update_fields=["quantity", "content_changed_at", "version", "updated_at"])
    return locked


# ---------------------------------------------------------------- three-level inspection

def self_check_record(*, project: Project, user, operator, date: dt.date, process_step: str, output_count: int,
                      self_checked_count: int, nonconforming_count: int = 0, findings: str = "",
                      batch: Batch | None = None) -> SelfCheck:
    """自检 (§6.2.1 a): one operator, one day, one process step. An operator records their own;
    the PM or special inspector may record for any operator."""
    require("batches.may_record_self_checks", user, project)
    if operator != user:
        require("batches.may_record_self_checks_of_others", user, project)
    _staff(operator, project, field="operator", label=_("The operator"))
    date = _day(date, field="date", label=_("The date"))
    process_step = clean_line(process_step, field="process_step", label=_("The process step"), max_length=STEP_MAX)
    output_count = _count(output_count, field="output_count", label=_("The output"))
    self_checked_count = _count(self_checked_count, field="self_checked_count", label=_("The self-checked count"))
    nonconforming_count = _count(nonconforming_count, field="nonconforming_count", label=_("The defects found"))
    if self_checked_count > output_count:
        raise DomainError(_("The self-checked count cannot exceed the output."), field="self_checked_count")
    if nonconforming_count > self_checked_count:
        raise DomainError(_("The defects found cannot exceed the self-checked count."), field="nonconforming_count")
    findings = clean_text(findings, field="findings", label=_("The findings"), required=False, max_length=TEXT_MAX)
    _check_batch(project, batch)
    _working(project)
    with transaction.atomic(), history_context(user=user):
        check = SelfCheck(project=project, batch=batch, operator=operator, date=date, process_step=process_step,
                          output_count=output_count, self_checked_count=self_checked_count,
                          nonconforming_count=nonconforming_count, findings=findings, recorded_by=user)
        reason = _("Self-check recorded")
        if check.incomplete:
            reason = _("Self-check recorded: only %(c)d of %(o)d checked") % {"c": self_checked_count,
                                                                             "o": output_count}
        save_with_history(check, reason=reason)
    return check


def _check_batch(project: Project, batch: Batch | None) -> None:
    if batch is not None and batch.project_id != project.pk:
        raise DomainError(_("This batch belongs to another project."), field="batch")


def mutual_check_record(*, project: Project, user, producer, checker, date: dt.date, process_step: str,
                        checked_count: int, nonconforming_count: int = 0, findings: str = "",
                        batch: Batch | None = None) -> MutualCheck:
    """互检 (§6.2.1 b): when work passes to the next process step, a colleague checks it. The
    checker is never the producer (``validators.checker_is_not_producer``, also a database
    constraint). An operator records the checks they made themselves; the PM or special
    inspector any."""
    require("batches.may_record_mutual_checks", user, project)
    if checker != user:
        require("batches.may_record_mutual_checks_of_others", user, project)
    _staff(producer, project, field="producer", label=_("The producer"))
    _staff(checker, project, field="checker", label=_("The checker"))
    checker_is_not_producer(producer, checker)
    date = _day(date, field="date", label=_("The date"))
    process_step = clean_line(process_step, field="process_step", label=_("The process step"), max_length=STEP_MAX)
    checked_count = _count(checked_count, field="checked_count", label=_("The checked count"), minimum=1)
    nonconforming_count = _count(nonconforming_count, field="nonconforming_count",
                                 label=_("The nonconforming count"))
    if nonconforming_count > checked_count:
        raise DomainError(_("The nonconforming count cannot exceed the checked count."), field="nonconforming_count")
    findings = clean_text(findings, field="findings", label=_("The findings"), required=False, max_length=TEXT_MAX)
    _check_batch(project, batch)
    _working(project)
    with transaction.atomic(), history_context(user=user):
        check = MutualCheck(project=project, batch=batch, producer=producer, checker=checker, date=date,
                            process_step=process_step, checked_count=checked_count,
                            nonconforming_count=nonconforming_count, findings=findings, recorded_by=user)
        try:
            with transaction.atomic():
                save_with_history(check, reason=_("Mutual check recorded"))
        except IntegrityError as exc:
            raise DomainError(str(CHECKER_NOT_PRODUCER), field="checker") from exc
    return check


def special_inspection_record(*, batch: Batch, user, date: dt.date, checked_count: int, conclusion: str,
                              nonconforming_count: int = 0, findings: str = "", inspector=None,
                              nonconforming_positions: Iterable[int] = ()) -> SpecialInspection:
    """专检 (§6.2.1 c): the special inspector's final inspection of a draft batch before it is
    submitted. The positions of the items found nonconforming mark those items as not passed
    by the contractor; the latest special inspection decides (items it does not list count as
    passed again: they were rectified)."""
    require("batches.may_record_special_inspection", user, batch)
    inspector = inspector or user
    project = batch.project
    _staff(inspector, project, field="inspector", label=_("The special inspector"),
           role=ProjectRole.CONTRACTOR_INSPECTOR)
    date = _day(date, field="date", label=_("The date"))
    checked_count = _count(checked_count, field="checked_count", label=_("The checked count"), minimum=1)
    nonconforming_count = _count(nonconforming_count, field="nonconforming_count",
                                 label=_("The nonconforming count"))
    if nonconforming_count > checked_count:
        raise DomainError(_("The nonconforming count cannot exceed the checked count."), field="nonconforming_count")
    if conclusion not in InspectionConclusion.values:
        raise DomainError(_("Choose the conclusion: passed or failed."), field="conclusion")
    findings = clean_text(findings, field="findings", label=_("The findings"),
                          required=conclusion == InspectionConclusion.FAILED, max_length=TEXT_MAX)
    try:
        positions = sorted({int(p) for p in nonconforming_positions or ()})
    except (TypeError, ValueError):
        raise DomainError(_("The positions of nonconforming items must be whole numbers."),
                          field="nonconforming_positions") from None
    if len(positions) > nonconforming_count:
        raise DomainError(_("More nonconforming items are listed (%(n)d) than the nonconforming count.")
                          % {"n": len(positions)}, field="nonconforming_positions")
    with transaction.atomic(), history_context(user=user):
        locked = lock(batch, related=("project",))
        if locked.status != BatchStatus.DRAFT:
            raise DomainError(_("The special inspection is recorded before the batch is submitted."),
                              code="illegal_transition")
        _working(locked.project)
        if locked.quantity and checked_count > locked.quantity:
            raise DomainError(_("The checked count cannot exceed the batch quantity (%(n)d).")
                              % {"n": locked.quantity}, field="checked_count")
        has_items = locked.items.exists()
        if positions:
            limit = locked.quantity
            bad = [p for p in positions if not 1 <= p <= limit]
            if bad:
                raise DomainError(_("These positions are not in the batch (1–%(n)d): %(p)s")
                                  % {"n": limit, "p": "、".join(map(str, bad[:20]))}, field="nonconforming_positions")
        inspection = SpecialInspection(project=locked.project, batch=locked, inspector=inspector, date=date,
                                       checked_count=checked_count, nonconforming_count=nonconforming_count,
                                       conclusion=conclusion, findings=findings,
                                       nonconforming_positions=positions, recorded_by=user)
        save_with_history(inspection, reason=_("Special inspection recorded: %(c)s")
                          % {"c": inspection.get_conclusion_display()})
        if has_items:
            reason = _("Special inspection of %(date)s") % {"date": date.isoformat()}
            _set_contractor_passed(locked, positions, reason=reason, user=user)
    return inspection


def _set_contractor_passed(batch: Batch, failed_positions: list[int], *, reason: str, user) -> None:
    from django.db.models import Q

    changed = list(batch.items.filter(
        Q(position__in=failed_positions, contractor_passed=True)
        | (~Q(position__in=failed_positions) & Q(contractor_passed=False))))
    for item in changed:
        item.contractor_passed = item.position not in failed_positions
    if changed:
        BatchItem.objects.bulk_update(changed, ["contractor_passed"], batch_size=2000)
        _history_rows(BatchItem, changed, history_type="~", user=user, reason=reason)


# ---------------------------------------------------------------- submission (contractor)

def submission_refusals(batch: Batch) -> list[str]:
    """Every reason why ``batch`` cannot be submitted now (empty when it can)."""
    from apps.projects.gates import BATCH_SUBMISSION, registry

    project = batch.project
    reasons = []
    if batch.status != BatchStatus.DRAFT:
        reasons.append(_("The batch has already been submitted (%(s)s).") % {"s": batch.get_status_display()})
        return reasons
    if project.phase != Phase.IMPLEMENTATION:
        reasons.append(_("Batches are submitted while the project is in implementation (it is now: %(p)s).")
                       % {"p": project.get_phase_display()})
    unmet = registry.unmet(project, BATCH_SUBMISSION)
    for result in unmet:
        reasons.append(_("Gate not met: %(gate)s (%(clause)s).") % {"gate": result.gate.label,
                                                                   "clause": result.gate.clause})
    if batch.quantity == 0:
        reasons.append(_("The batch is empty: give its quantity or import its item list."))
    if not selectors.special_inspection_covers(batch):
        reasons.append(_("No passed special inspection of this batch is recorded since its content last changed "
                         "(§6.2.1 c)."))
    return reasons


def batch_submit(*, batch: Batch, user, expected_version: int | None = None) -> Batch:
    """The contractor PM submits the batch to the client for sampling inspection (§5.2.2)."""
    require("batches.may_submit_batch", user, batch)
    with transaction.atomic(), history_context(user=user):
        locked = lock(batch, expected_version=expected_version, related=("project",))
        refusals = submission_refusals(locked)
        if refusals:
            code = "illegal_transition"
            raise DomainError(_("The batch cannot be submitted: %(r)s") % {"r": " ".join(refusals)}, code=code,
                              details=refusals)
        locked.status = BatchStatus.SUBMITTED
        locked.submitted_at = timezone.now()
        locked.submitted_by = user
        locked.version += 1
        save_with_history(locked, reason=_("Batch %(n)d submitted for sampling inspection") % {"n": locked.number},
                          update_fields=["status", "submitted_at", "submitted_by", "version", "updated_at"])
        project = locked.project
        notify(recipients=_member_users(project, CLIENT_INSPECTORS, project.client_id),
               key=f"batches:{locked.pk}:submitted",
               title=_("Batch %(n)d submitted for sampling inspection (%(project)s)")
               % {"n": locked.number, "project": project.name},
               link=locked.get_absolute_url(), project=project, kind="batches")
    return locked


# ---------------------------------------------------------------- called by apps.lot_inspection

def batch_inspection_start(*, batch: Batch, user, expected_version: int | None = None) -> Batch:
    """SUBMITTED → UNDER_INSPECTION (the client opened its sampling inspection)."""
    require("batches.may_inspect_batch", user, batch)
    with transaction.atomic(), history_context(user=user):
        locked = lock(batch, expected_version=expected_version, related=("project",))
        if locked.status != BatchStatus.SUBMITTED:
            raise DomainError(_("Only a submitted batch can be inspected (this one is %(s)s).")
                              % {"s": locked.get_status_display()}, code="illegal_transition")
        if locked.project.phase != Phase.IMPLEMENTATION:
            raise DomainError(_("Batches are inspected while the project is in implementation (it is now: %(p)s).")
                              % {"p": locked.project.get_phase_display()}, code="illegal_transition")
        locked.status = BatchStatus.UNDER_INSPECTION
        locked.inspection_started_at = timezone.now()
        locked.version += 1
        save_with_history(locked, reason=_("Sampling inspection started"),
                          update_fields=["status", "inspection_started_at", "version", "updated_at"])
    return locked


def batch_decision_record(*, batch: Batch, user, accepted: bool, expected_version: int | None = None) -> Batch:
    """UNDER_INSPECTION → ACCEPTED or NOT_ACCEPTED (marked for rectification)."""
    require("batches.may_decide_batch", user, batch)
    if not isinstance(accepted, bool):
        raise DomainError(_("Say whether the batch is accepted."), field="accepted")
    with transaction.atomic(), history_context(user=user):
        locked = lock(batch, expected_version=expected_version, related=("project",))
        if locked.status != BatchStatus.UNDER_INSPECTION:
            raise DomainError(_("Only a batch under inspection can be decided (this one is %(s)s).")
                              % {"s": locked.get_status_display()}, code="illegal_transition")
        if locked.project.phase == Phase.CLOSED:
            raise DomainError(_("The project is closed."), code="illegal_transition")
        locked.status = BatchStatus.ACCEPTED if accepted else BatchStatus.NOT_ACCEPTED
        locked.decided_at = timezone.now()
        locked.decided_by = user
        locked.version += 1
        reason = (_("Batch accepted") if accepted
                  else _("Batch not accepted: marked for rectification"))
        save_with_history(locked, reason=reason,
                          update_fields=["status", "decided_at", "decided_by", "version", "updated_at"])
        project = locked.project
        notify(recipients=_member_users(project, CONTRACTOR_RECIPIENTS, project.contractor_id),
               key=f"batches:{locked.pk}:decided",
               title=(_("Batch %(n)d accepted (%(project)s)") if accepted
                      else _("Batch %(n)d not accepted: rectify and resubmit (%(project)s)"))
               % {"n": locked.number, "project": project.name},
               link=locked.get_absolute_url(), project=project, kind="batches")
    return locked


def batch_resubmit(*, batch: Batch, user, expected_version: int | None = None) -> Batch:
    """A not-accepted batch, once rectified, comes back as a new draft batch linked by
    ``resubmission_of`` with the same service type, unit and item list; the old one becomes
    RESUBMITTED. The new draft needs its own special inspection before it is submitted."""
    require("batches.may_resubmit_batch", user, batch)
    with transaction.atomic(), history_context(user=user):
        locked_project = lock(Project, pk=batch.project_id)
        locked = lock(batch, expected_version=expected_version, related=("project",))
        if locked.status != BatchStatus.NOT_ACCEPTED:
            raise DomainError(_("Only a batch that was not accepted can be resubmitted (this one is %(s)s).")
                              % {"s": locked.get_status_display()}, code="illegal_transition")
        if locked_project.phase != Phase.IMPLEMENTATION:
            raise DomainError(_("Batches are resubmitted while the project is in implementation (it is now: %(p)s).")
                              % {"p": locked_project.get_phase_display()}, code="illegal_transition")
        new = Batch(project=locked_project, service_type=locked.service_type, number=_next_number(locked_project),
                    unit=locked.unit, quantity=locked.quantity, resubmission_of=locked, created_by=user,
                    description=(_("Rectified resubmission of batch %(n)d") % {"n": locked.number}
                                 + (f" · {locked.description}" if locked.description else ""))[:MAX_DESCRIPTION],
                    content_changed_at=timezone.now())
        save_with_history(new, reason=_("Resubmission of batch %(n)d after rectification") % {"n": locked.number})
        items = [BatchItem(batch=new, position=i.position, archive_code=i.archive_code, title=i.title,
                           pages=i.pages, file_name=i.file_name) for i in locked.items.order_by("position")]
        if items:
            BatchItem.objects.bulk_create(items, batch_size=2000)
            _history_rows(BatchItem, items, history_type="+", user=user,
                          reason=_("Item list copied from batch %(n)d") % {"n": locked.number})
        locked.status = BatchStatus.RESUBMITTED
        locked.version += 1
        save_with_history(locked, reason=_("Rectified: resubmitted as batch %(n)d") % {"n": new.number},
                          update_fields=["status", "version", "updated_at"])
    return new
