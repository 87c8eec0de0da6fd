"""Writes for team and equipment filing (§8.1.1, §5.2.4, §6.1.3). One service per transition;
each checks role and state, saves with a history reason and notifies on commit."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.enums import CLIENT_ROLES, CONTRACTOR_ROLES, Party
from apps.core.errors import DomainError
from apps.core.history import history_context, save_with_history
from apps.core.locking import lock
from apps.core.notify import notify
from apps.core.permissions import require
from apps.core.text import clean_line, clean_text
from apps.core.validation import full_clean_or_error
from apps.projects.models import Project

from .enums import LEVEL_RANK, CertificateLevel, ChangeStatus, FilingStatus, TrainingResult
from .models import Equipment, IntegrityPledge, StaffChange, StaffFiling
from .selectors import (
    client_leads,
    client_members_without_pledge,
    client_reviewers,
    contractor_pms,
    is_approved_staff,
)

FILING_FIELDS = ("post", "cert_name", "cert_number", "cert_level", "cert_issuer", "cert_valid_from",
                 "cert_valid_until", "years_experience", "no_criminal_record", "training_result", "training_note",
                 "confidentiality_signed_on")
EQUIPMENT_FIELDS = ("name", "model_no", "serial_number", "use", "network_isolated", "usb_disabled", "other_measures")

# The default text of the integrity pledge (document content, kept in the record as signed).
PLEDGE_TEXT = (
    "本人作为发包方项目组成员，郑重承诺：严格遵守国家法律法规和廉洁自律各项规定，秉公履职；"
    "不接受承包方的宴请、礼品、礼金、有价证券及其他利益；不利用职务便利为承包方或他人谋取不正当利益；"
    "不泄露项目招标、验收、评价等工作中的保密信息；发现违规违纪问题及时报告。如有违反，愿承担相应责任。"
)


# ---------------------------------------------------------------- helpers

def _full_clean(obj, exclude: list[str] | None = None) -> None:
    full_clean_or_error(obj, exclude, set_field=True)


def _unknown(fields: dict, allowed: tuple[str, ...]) -> None:
    unknown = set(fields) - set(allowed)
    if unknown:
        raise DomainError(_("These fields cannot be set here: %(f)s") % {"f": ", ".join(sorted(unknown))})


def _clean_text_fields(model, fields: dict, *, multi_line: tuple[str, ...] = ()) -> dict:
    """The free-text values of ``fields`` as the kit cleans them: stripped, one line without
    control characters (``multi_line`` ones keep their line breaks). A missing required value is
    refused by the model's own validation."""
    cleaned = dict(fields)
    for name, value in fields.items():
        field = model._meta.get_field(name)
        if isinstance(value, str) and isinstance(field, (models.CharField, models.TextField)) and not field.choices:
            clean = clean_text if name in multi_line else clean_line
            cleaned[name] = clean(value, field=name, label=field.verbose_name, required=False,
                                  max_length=field.max_length)
    return cleaned


def _stamp(moment: dt.datetime) -> str:
    return moment.strftime("%Y%m%d%H%M%S%f")


# ---------------------------------------------------------------- qualification

def qualification_label(filing: StaffFiling, day: dt.date | None = None) -> str:
    level, years = filing.qualification_rank(day)
    names = {LEVEL_RANK[value]: str(label) for value, label in CertificateLevel.choices}
    return _("%(level)s, %(years)d years of experience") % {"level": names.get(level, "?"), "years": years}


def approval_problems(filing: StaffFiling, day: dt.date | None = None) -> list[str]:
    """What keeps a filing from being approved (§6.1.3 持证上岗, §8.1.1), as sentences."""
    problems = []
    if filing.is_key_post and not filing.certificate_valid_on(day):
        problems.append(_("%(role)s is a key post: it needs a valid certificate (name, number, level and a validity "
                          "date that has not passed).") % {"role": filing.get_role_display()})
    if not filing.no_criminal_record:
        problems.append(_("The no-criminal-record proof is missing."))
    if filing.training_result != TrainingResult.PASSED:
        problems.append(_("The training and assessment has not been passed."))
    if filing.confidentiality_signed_on is None:
        problems.append(_("The confidentiality agreement has not been signed."))
    return problems


def _refuse_unapprovable(filing: StaffFiling) -> None:
    problems = approval_problems(filing)
    if problems:
        raise DomainError(_("The filing of %(name)s cannot be approved: %(p)s")
                          % {"name": filing.person, "p": " ".join(problems)}, code="incomplete", details=problems)


# ---------------------------------------------------------------- staff filings

def staff_filing_create(*, project: Project, user, person, role: str, **fields: Any) -> StaffFiling:
    """The contractor PM files one person for one post on the project."""
    require("teams.can_file", user, project)
    _unknown(fields, FILING_FIELDS)
    fields = _clean_text_fields(StaffFiling, fields)
    if role not in CONTRACTOR_ROLES:
        raise DomainError(_("Choose one of the contractor's project roles."), field="role")
    if person is None or not person.is_active or person.organization_id != project.contractor_id:
        raise DomainError(_("Only active people of the contractor can be filed."), field="person")
    filing = StaffFiling(project=project, person=person, role=role, submitted_by=user, **fields)
    _full_clean(filing, exclude=["project", "person", "submitted_by", "decided_by"])
    with transaction.atomic(), history_context(user=user, reason=_("Staff filed")):
        try:
            with transaction.atomic():
                filing.save()
        except IntegrityError as exc:
            raise DomainError(_("This person already has an open filing on this project."), field="person") from exc
        notify(recipients=client_reviewers(project), key=f"teams:filing:{filing.pk}:submitted:"
               f"{_stamp(filing.submitted_at)}", title=_("Staff filing to review: %(f)s") % {"f": filing},
               link=filing.get_absolute_url(), project=project, kind="teams")
    return filing


def staff_filing_update(*, filing: StaffFiling, user, **fields: Any) -> StaffFiling:
    """Correct a submitted or rejected filing; it goes (back) to the client as submitted."""
    _unknown(fields, FILING_FIELDS)
    fields = _clean_text_fields(StaffFiling, fields)
    with transaction.atomic(), history_context(user=user):
        locked = lock(filing, related=("project",))
        require("teams.may_change_filing", user, locked)
        if locked.status not in (FilingStatus.SUBMITTED, FilingStatus.REJECTED):
            raise DomainError(_("Only a filing that is not yet approved can be changed."), code="illegal_transition")
        was_rejected = locked.status == FilingStatus.REJECTED
        for name, value in fields.items():
            setattr(locked, name, value)
        locked.status = FilingStatus.SUBMITTED
        locked.submitted_at = timezone.now()
        _full_clean(locked, exclude=["project", "person", "submitted_by", "decided_by"])
        save_with_history(locked, reason=_("Filing resubmitted") if was_rejected else _("Filing corrected"))
        notify(recipients=client_reviewers(locked.project),
               key=f"teams:filing:{locked.pk}:submitted:{_stamp(locked.submitted_at)}",
               title=_("Staff filing to review: %(f)s") % {"f": locked}, link=locked.get_absolute_url(),
               project=locked.project, kind="teams")
    return locked


def _refuse_undecidable(filing: StaffFiling, *, message: str) -> None:
    if filing.status != FilingStatus.SUBMITTED:
        raise DomainError(message % {"s": filing.get_status_display()}, code="illegal_transition")
    if filing.changes_incoming.filter(status=ChangeStatus.REQUESTED).exists():
        raise DomainError(_("This person replaces someone: decide on the staff change instead."),
                          code="illegal_transition")


def staff_filing_approve(*, filing: StaffFiling, user, note: str = "") -> StaffFiling:
    """The client lead or inspector approves a complete filing."""
    note = clean_text(note, field="note", label=_("note"), required=False, max_length=2000)
    with transaction.atomic(), history_context(user=user):
        locked = lock(filing, related=("project",))
        require("teams.can_review", user, locked)
        _refuse_undecidable(locked, message=_("Only a submitted filing can be approved (this one is %(s)s)."))
        _refuse_unapprovable(locked)
        _approve(locked, user=user, note=note, reason=_("Filing approved"))
    return locked


def _approve(filing: StaffFiling, *, user, note: str, reason: str) -> None:
    filing.status = FilingStatus.APPROVED
    filing.decided_by = user
    filing.decided_at = timezone.now()
    filing.decision_note = note
    save_with_history(filing, reason=reason,
                      update_fields=["status", "decided_by", "decided_at", "decision_note"])
    notify(recipients=contractor_pms(filing.project), key=f"teams:filing:{filing.pk}:approved",
           title=_("Staff filing approved: %(f)s") % {"f": filing}, link=filing.get_absolute_url(),
           project=filing.project, kind="teams")


def staff_filing_reject(*, filing: StaffFiling, user, reason: str) -> StaffFiling:
    with transaction.atomic(), history_context(user=user):
        locked = lock(filing, related=("project",))
        require("teams.can_review", user, locked)
        reason = clean_text(reason, field="reason", label=_("reason"), required=False, max_length=2000)
        if not reason:
            raise DomainError(_("Give the reason for rejecting the filing."), field="reason")
        _refuse_undecidable(locked, message=_("Only a submitted filing can be rejected (this one is %(s)s)."))
        _reject(locked, user=user, reason=reason)
    return locked


def _reject(filing: StaffFiling, *, user, reason: str) -> None:
    filing.status = FilingStatus.REJECTED
    filing.decided_by = user
    filing.decided_at = timezone.now()
    filing.decision_note = reason
    save_with_history(filing, reason=_("Filing rejected: %(r)s") % {"r": reason},
                      update_fields=["status", "decided_by", "decided_at", "decision_note"])
    notify(recipients=contractor_pms(filing.project),
           key=f"teams:filing:{filing.pk}:rejected:{_stamp(filing.decided_at)}",
           title=_("Staff filing rejected: %(f)s") % {"f": filing}, link=filing.get_absolute_url(),
           project=filing.project, kind="teams")


def staff_filing_end(*, filing: StaffFiling, user, reason: str) -> StaffFiling:
    """The client lead ends an approved filing (the person leaves without replacement); the
    person's project role of that filing is removed too."""
    with transaction.atomic(), history_context(user=user):
        locked = lock(filing, related=("project",))
        require("teams.may_end_filing", user, locked)
        reason = clean_line(reason, field="reason", label=_("reason"), required=False, max_length=500)
        if not reason:
            raise DomainError(_("Give the reason for ending the filing."), field="reason")
        if locked.status != FilingStatus.APPROVED:
            raise DomainError(_("Only an approved filing can be ended."), code="illegal_transition")
        _refuse_replacement_in_effect(locked)
        _end(locked, user=user, reason=reason)
    return locked


def _refuse_replacement_in_effect(filing: StaffFiling) -> None:
    # §5.2.4: a person filed for the same post after this one is in effect a replacement; it
    # goes through a staff change (which refuses a lower qualification), not around it.
    if filing.decided_at is None:
        return
    later = StaffFiling.objects.filter(project=filing.project, role=filing.role, status=FilingStatus.APPROVED,
                                       decided_at__gt=filing.decided_at).exclude(pk=filing.pk)
    today = timezone.localdate()
    for incoming in later:
        try:
            _refuse_lower_qualification(leaving=filing, incoming=incoming, day=today)
        except DomainError as exc:
            raise DomainError(_("%(why)s Ending the filing would replace %(old)s this way: request a staff "
                                "change instead.") % {"why": exc.message, "old": filing.person},
                              code="lower_qualification") from None


def _end(filing: StaffFiling, *, user, reason: str) -> None:
    from apps.projects.services import member_remove

    filing.status = FilingStatus.ENDED
    filing.ended_at = timezone.now()
    filing.end_reason = reason[:500]
    save_with_history(filing, reason=_("Filing ended: %(r)s") % {"r": reason},
                      update_fields=["status", "ended_at", "end_reason"])
    for member in filing.project.members.filter(user=filing.person, role=filing.role, is_active=True):
        member_remove(member=member, actor=user, reason=reason)


# ---------------------------------------------------------------- equipment

def equipment_file(*, project: Project, user, **fields: Any) -> Equipment:
    require("teams.may_file_equipment", user, project)
    _unknown(fields, EQUIPMENT_FIELDS)
    fields = _clean_text_fields(Equipment, fields, multi_line=("other_measures",))
    equipment = Equipment(project=project, submitted_by=user, **fields)
    _full_clean(equipment, exclude=["project", "submitted_by", "decided_by"])
    with transaction.atomic(), history_context(user=user, reason=_("Equipment filed")):
        try:
            with transaction.atomic():
                equipment.save()
        except IntegrityError as exc:
            raise DomainError(_("Equipment with this serial number is already filed on this project."),
                              field="serial_number") from exc
        notify(recipients=client_reviewers(project),
               key=f"teams:equipment:{equipment.pk}:submitted:{_stamp(equipment.submitted_at)}",
               title=_("Equipment filing to review: %(e)s") % {"e": equipment},
               link=equipment.get_absolute_url(), project=project, kind="teams")
    return equipment


def equipment_update(*, equipment: Equipment, user, **fields: Any) -> Equipment:
    _unknown(fields, EQUIPMENT_FIELDS)
    fields = _clean_text_fields(Equipment, fields, multi_line=("other_measures",))
    with transaction.atomic(), history_context(user=user):
        locked = lock(equipment, related=("project",))
        require("teams.may_change_equipment", user, locked)
        if locked.status not in (FilingStatus.SUBMITTED, FilingStatus.REJECTED):
            raise DomainError(_("Only a filing that is not yet approved can be changed."), code="illegal_transition")
        for name, value in fields.items():
            setattr(locked, name, value)
        locked.status = FilingStatus.SUBMITTED
        locked.submitted_at = timezone.now()
        _full_clean(locked, exclude=["project", "submitted_by", "decided_by"])
        try:
            with transaction.atomic():
                save_with_history(locked, reason=_("Equipment filing corrected"))
        except IntegrityError as exc:
            raise DomainError(_("Equipment with this serial number is already filed on this project."),
                              field="serial_number") from exc
    return locked


def equipment_approve(*, equipment: Equipment, user, note: str = "") -> Equipment:
    note = clean_text(note, field="note", label=_("note"), required=False, max_length=2000)
    with transaction.atomic(), history_context(user=user):
        locked = lock(equipment, related=("project",))
        require("teams.can_review", user, locked)
        if locked.status != FilingStatus.SUBMITTED:
            raise DomainError(_("Only submitted equipment can be approved."), code="illegal_transition")
        # §6.1.3: equipment that handles archives carries recorded security measures.
        if not (locked.network_isolated or locked.usb_disabled or locked.other_measures.strip()):
            raise DomainError(_("Record the equipment's security measures (e.g. disconnected from networks, USB "
                                "disabled) before approving it."), code="incomplete")
        locked.status = FilingStatus.APPROVED
        locked.decided_by = user
        locked.decided_at = timezone.now()
        locked.decision_note = note
        save_with_history(locked, reason=_("Equipment approved"),
                          update_fields=["status", "decided_by", "decided_at", "decision_note"])
    return locked


def equipment_reject(*, equipment: Equipment, user, reason: str) -> Equipment:
    with transaction.atomic(), history_context(user=user):
        locked = lock(equipment, related=("project",))
        require("teams.can_review", user, locked)
        reason = clean_text(reason, field="reason", label=_("reason"), required=False, max_length=2000)
        if not reason:
            raise DomainError(_("Give the reason for rejecting the filing."), field="reason")
        if locked.status != FilingStatus.SUBMITTED:
            raise DomainError(_("Only submitted equipment can be rejected."), code="illegal_transition")
        locked.status = FilingStatus.REJECTED
        locked.decided_by = user
        locked.decided_at = timezone.now()
        locked.decision_note = reason
        save_with_history(locked, reason=_("Equipment rejected: %(r)s") % {"r": reason},
                          update_fields=["status", "decided_by", "decided_at", "decision_note"])
    return locked


def equipment_retire(*, equipment: Equipment, user, reason: str) -> Equipment:
    """The contractor PM withdraws approved equipment from the project."""
    with transaction.atomic(), history_context(user=user):
        locked = lock(equipment, related=("project",))
        require("teams.may_retire_equipment", user, locked)
        reason = clean_line(reason, field="reason", label=_("reason"), required=False, max_length=500)
        if not reason:
            raise DomainError(_("Give the reason for withdrawing the equipment."), field="reason")
        if locked.status != FilingStatus.APPROVED:
            raise DomainError(_("Only approved equipment can be withdrawn."), code="illegal_transition")
        locked.status = FilingStatus.ENDED
        locked.ended_at = timezone.now()
        locked.end_reason = reason
        save_with_history(locked, reason=_("Equipment withdrawn: %(r)s") % {"r": reason},
                          update_fields=["status", "ended_at", "end_reason"])
    return locked


# ---------------------------------------------------------------- staff changes

def _refuse_lower_qualification(*, leaving: StaffFiling, incoming: StaffFiling, day: dt.date) -> None:
    # §5.2.4: a replacement's qualification may not be lower than the person replaced.
    if incoming.qualification_rank(day) < leaving.qualification_rank(day):
        raise DomainError(
            _("%(new)s's qualification (%(new_q)s) is lower than that of %(old)s (%(old_q)s), who would be "
              "replaced; a replacement must be at least as qualified.")
            % {"new": incoming.person, "new_q": qualification_label(incoming, day), "old": leaving.person,
               "old_q": qualification_label(leaving, day)},
            code="lower_qualification", field="incoming")


def _check_change_request(*, project: Project, leaving: StaffFiling, incoming: StaffFiling,
                          planned_date: dt.date) -> None:
    if not isinstance(planned_date, dt.date) or isinstance(planned_date, dt.datetime):
        raise DomainError(_("Give the planned date of the change."), field="planned_date")
    today = timezone.localdate()
    if planned_date < today:
        raise DomainError(_("A staff change is requested in advance: the planned date cannot be in the past."),
                          field="planned_date")
    if (planned_date - today).days > 3650:
        raise DomainError(_("The planned date is too far in the future."), field="planned_date")
    if leaving is None or leaving.project_id != project.pk or leaving.status != FilingStatus.APPROVED:
        raise DomainError(_("The person leaving must have an approved filing on this project."), field="leaving")
    if incoming is None or incoming.project_id != project.pk or incoming.status != FilingStatus.SUBMITTED:
        raise DomainError(_("File the replacement first; their filing must be submitted and not yet decided."),
                          field="incoming")
    if incoming.person_id == leaving.person_id:
        raise DomainError(_("The replacement must be another person."), field="incoming")
    if incoming.role != leaving.role:
        raise DomainError(_("The replacement must be filed for the same post (%(role)s).")
                          % {"role": leaving.get_role_display()}, field="incoming")
    _refuse_lower_qualification(leaving=leaving, incoming=incoming, day=planned_date)


def staff_change_request(*, project: Project, user, leaving: StaffFiling, incoming: StaffFiling, reason: str,
                         planned_date: dt.date) -> StaffChange:
    """The contractor PM asks in advance to replace an approved person by a newly filed one."""
    from apps.deadlines.enums import Counting, DeadlineKind
    from apps.deadlines.services import deadline_create

    require("teams.can_request_change", user, project)
    reason = clean_text(reason, field="reason", label=_("reason"), required=False, max_length=2000)
    if not reason:
        raise DomainError(_("Give the reason for the staff change."), field="reason")
    _check_change_request(project=project, leaving=leaving, incoming=incoming, planned_date=planned_date)
    today = timezone.localdate()
    change = StaffChange(project=project, leaving=leaving, incoming=incoming, reason=reason,
                         planned_date=planned_date, requested_by=user)
    with transaction.atomic(), history_context(user=user, reason=_("Staff change requested")):
        try:
            with transaction.atomic():
                change.save()
        except IntegrityError as exc:
            raise DomainError(_("A staff change for one of these people is already awaiting a decision."),
                              field="leaving") from exc
        deadline_create(record=change, project=project, kind=DeadlineKind.STAFF_CHANGE,
                        title=_("Decide on the staff change: %(c)s") % {"c": change}, base_date=today,
                        amount=(planned_date - today).days, counting=Counting.CALENDAR_DAYS,
                        responsible_org=project.client, user=user)
        notify(recipients=client_leads(project), key=f"teams:change:{change.pk}:requested",
               title=_("Staff change to decide: %(c)s") % {"c": change}, link=change.get_absolute_url(),
               project=project, kind="teams")
    return change


def _refuse_decided(change: StaffChange) -> None:
    if change.status != ChangeStatus.REQUESTED:
        raise DomainError(_("This staff change has already been decided or withdrawn."), code="illegal_transition")


def staff_change_approve(*, change: StaffChange, user, note: str = "") -> StaffChange:
    """The client lead approves: the newcomer's filing is approved, the leaver's ends, and the
    project roles follow (through the projects services, the lead as actor)."""
    from apps.deadlines.services import deadlines_close_for_record
    from apps.projects.services import member_add

    note = clean_text(note, field="note", label=_("note"), required=False, max_length=2000)
    with transaction.atomic(), history_context(user=user):
        locked = lock(change, related=("project",))
        require("teams.can_decide_change", user, locked)
        _refuse_decided(locked)
        leaving = lock(StaffFiling, pk=locked.leaving_id, related=("project",))
        incoming = lock(StaffFiling, pk=locked.incoming_id, related=("project",))
        if leaving.status != FilingStatus.APPROVED or incoming.status != FilingStatus.SUBMITTED:
            raise DomainError(_("The filings of this change are no longer in the state it was requested in."),
                              code="illegal_transition")
        _refuse_lower_qualification(leaving=leaving, incoming=incoming,
                                    day=max(locked.planned_date, timezone.localdate()))
        _refuse_unapprovable(incoming)
        _approve(incoming, user=user, note=note, reason=_("Filing approved with staff change"))
        _end(leaving, user=user, reason=_("Replaced by %(p)s (staff change)") % {"p": incoming.person})
        if not locked.project.members.filter(user=incoming.person, role=incoming.role, is_active=True).exists():
            member_add(project=locked.project, actor=user, user=incoming.person, role=incoming.role)
        locked.status = ChangeStatus.APPROVED
        locked.decided_by = user
        locked.decided_at = timezone.now()
        locked.decision_note = note
        save_with_history(locked, reason=_("Staff change approved"),
                          update_fields=["status", "decided_by", "decided_at", "decision_note"])
        deadlines_close_for_record(record=locked, user=user)
        notify(recipients=contractor_pms(locked.project), key=f"teams:change:{locked.pk}:approved",
               title=_("Staff change approved: %(c)s") % {"c": locked}, link=locked.get_absolute_url(),
               project=locked.project, kind="teams")
    return locked


def staff_change_reject(*, change: StaffChange, user, reason: str) -> StaffChange:
    """The client lead refuses the change; the newcomer's filing is rejected with it."""
    from apps.deadlines.services import deadlines_close_for_record

    with transaction.atomic(), history_context(user=user):
        locked = lock(change, related=("project",))
        require("teams.can_decide_change", user, locked)
        reason = clean_text(reason, field="reason", label=_("reason"), required=False, max_length=2000)
        if not reason:
            raise DomainError(_("Give the reason for rejecting the staff change."), field="reason")
        _refuse_decided(locked)
        locked.status = ChangeStatus.REJECTED
        locked.decided_by = user
        locked.decided_at = timezone.now()
        locked.decision_note = reason
        save_with_history(locked, reason=_("Staff change rejected: %(r)s") % {"r": reason},
                          update_fields=["status", "decided_by", "decided_at", "decision_note"])
        incoming = lock(StaffFiling, pk=locked.incoming_id, related=("project",))
        if incoming.status == FilingStatus.SUBMITTED:
            _reject(incoming, user=user, reason=reason)
        deadlines_close_for_record(record=locked, user=user)
        notify(recipients=contractor_pms(locked.project), key=f"teams:change:{locked.pk}:rejected",
               title=_("Staff change rejected: %(c)s") % {"c": locked}, link=locked.get_absolute_url(),
               project=locked.project, kind="teams")
    return locked


def staff_change_withdraw(*, change: StaffChange, user, reason: str) -> StaffChange:
    """The contractor PM withdraws a change that awaits the client's decision."""
    from apps.deadlines.services import deadlines_close_for_record

    with transaction.atomic(), history_context(user=user):
        locked = lock(change, related=("project",))
        require("teams.may_withdraw_change", user, locked)
        reason = clean_text(reason, field="reason", label=_("reason"), required=False, max_length=2000)
        if not reason:
            raise DomainError(_("Give the reason for withdrawing the request."), field="reason")
        _refuse_decided(locked)
        locked.status = ChangeStatus.WITHDRAWN
        save_with_history(locked, reason=_("Staff change withdrawn: %(r)s") % {"r": reason},
                          update_fields=["status"])
        deadlines_close_for_record(record=locked, user=user)
    return locked


# ---------------------------------------------------------------- integrity pledges

def pledge_create(*, project: Project, user, member, text: str | None = None) -> IntegrityPledge:
    """The client lead prepares the integrity pledge (廉洁承诺书) of one client team member."""
    require("teams.can_manage_pledges", user, project)
    if member is None or member.organization_id != project.client_id or not project.members.filter(
            user=member, is_active=True, role__in=list(CLIENT_ROLES)).exists():
        raise DomainError(_("Integrity pledges are signed by active client team members of the project."),
                          field="member")
    text = clean_text(PLEDGE_TEXT if text is None else text, field="text", label=_("pledge text"), required=False,
                      max_length=10000)
    if not text:
        raise DomainError(_("The pledge needs a text."), field="text")
    pledge = IntegrityPledge(project=project, member=member, text=text, created_by=user)
    with transaction.atomic(), history_context(user=user, reason=_("Integrity pledge prepared")):
        try:
            with transaction.atomic():
                pledge.save()
        except IntegrityError as exc:
            raise DomainError(_("This member already has an integrity pledge on this project."),
                              field="member") from exc
        notify(recipients=[member], key=f"teams:pledge:{pledge.pk}:prepared",
               title=_("Please sign your integrity pledge"), link=pledge.get_absolute_url(), project=project,
               kind="teams")
    return pledge


def pledges_prepare_missing(*, project: Project, user) -> list[IntegrityPledge]:
    """The client lead prepares the pledge of every client team member who has none yet."""
    require("teams.can_manage_pledges", user, project)
    with transaction.atomic():
        return [pledge_create(project=project, user=user, member=m) for m in client_members_without_pledge(project)]


# ---------------------------------------------------------------- signer check (apps.signatures)

def signer_check(*, user, project, party: str, record) -> str | None:
    """Registered in apps.signatures.services.signer_checks (TeamsConfig.ready()).

    * An integrity pledge is signed by its own member only.
    * For the contractor party, only approved filed staff sign (§8.1.1). With
      ``settings.TEAMS_STRICT_SIGNER_CHECK`` (the default) this holds on every project; the
      test settings turn it off, and then it holds once a project has any staff filing.
    """
    if isinstance(record, IntegrityPledge) and user.pk != record.member_id:
        return _("Only %(name)s signs their own integrity pledge.") % {"name": record.member}
    if party != Party.CONTRACTOR or project is None:
        return None
    strict = getattr(settings, "TEAMS_STRICT_SIGNER_CHECK", True)
    if not strict and not StaffFiling.objects.filter(project=project).exists():
        return None
    if not is_approved_staff(user, project):
        return _("Your staff filing on this project has not been approved by the client: only filed and approved "
                 "contractor staff can sign.")
    return None
