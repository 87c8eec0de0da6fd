"""Change request services (变更联系单, §6.4.2, §8.2.3)::

    submit (contractor PM) ──► SUBMITTED ──approve + signature (client lead)──► APPROVED ──confirm──► IMPLEMENTED
                                   │            └─ touches the plan: a new plan version is opened
                                   │            └─ major: a risk re-assessment is requested
                                   ├──reject (client lead, with reasons)──► REJECTED
                                   └──withdraw (contractor PM)──► WITHDRAWN
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.enums import Party, ProjectRole
from apps.core.errors import DomainError
from apps.core.history import history_context, save_with_history
from apps.core.notify import notify
from apps.core.permissions import require
from apps.core.text import clean_line, clean_text
from apps.projects.models import Project
from apps.signatures.enums import SignatureMeaning

from ..enums import AssessmentTrigger, ChangeCategory, ChangeState
from ..models import TEXT_MAX, ChangeRequest
from ..rules import CLIENT_LEAD, CLIENT_STAFF, CONTRACTOR_PM
from .common import attach, choice, lock_open_project, lock_record, next_number, people, yes_no
from .risks import risk_reassessment_request


def _awaiting_decision(change: ChangeRequest) -> ChangeRequest:
    """``change`` locked, refused unless it still awaits the client lead's decision."""
    locked = lock_record(change)
    if locked.state != ChangeState.SUBMITTED:
        raise DomainError(_("This change request is no longer awaiting a decision (%(state)s).")
                          % {"state": locked.get_state_display()}, code="illegal_transition")
    return locked


def _request_texts(*, title, description, reason, quality_impact) -> dict:
    return {
        "title": clean_line(title, field="title", label=_("The change in brief"), max_length=200),
        "description": clean_text(description, field="description", label=_("The proposed change"),
                                  max_length=TEXT_MAX),
        "reason": clean_text(reason, field="reason", label=_("The reason for the change"), max_length=TEXT_MAX),
        "quality_impact": clean_text(quality_impact, field="quality_impact", label=_("The impact on quality"),
                                     max_length=TEXT_MAX),
    }


def change_request_submit(*, project: Project, user, category: str, title: str, description: str, reason: str,
                          quality_impact: str, touches_plan: bool = False, is_major: bool = False,
                          files: Iterable = ()) -> ChangeRequest:
    """The contractor's written change request (§6.4.2): what changes, why, and the impact on
    quality. Nothing changes before the client lead approves it in writing."""
    require("control.may_request_change", user, project)
    category = choice(category, ChangeCategory, field="category", label=_("what changes"))
    texts = _request_texts(title=title, description=description, reason=reason, quality_impact=quality_impact)
    touches_plan = yes_no(touches_plan, field="touches_plan", label=_("changes the implementation plan"))
    is_major = yes_no(is_major, field="is_major", label=_("major change"))
    with transaction.atomic(), history_context(user=user, reason=_("Change request submitted")):
        locked = lock_open_project(project)
        change = ChangeRequest.objects.create(
            project=locked, number=next_number(ChangeRequest, locked), category=category, touches_plan=touches_plan,
            is_major=is_major, requested_by=user, **texts)
        attach(change, locked, user, files)
        notify(recipients=people(locked, CLIENT_LEAD), key=f"control:change:{change.pk}:submitted",
               title=_("Change request No. %(n)d awaits your decision: %(title)s") % {"n": change.number,
                                                                                       "title": change.title},
               body=change.quality_impact, link=change.get_absolute_url(), project=locked, kind="control")
    return change


def change_request_withdraw(*, change_request: ChangeRequest, user, reason: str) -> ChangeRequest:
    require("control.may_withdraw_change", user, change_request)
    reason = clean_text(reason, field="reason", label=_("The reason for withdrawing"), max_length=TEXT_MAX)
    with transaction.atomic(), history_context(user=user):
        locked = _awaiting_decision(change_request)
        locked.state = ChangeState.WITHDRAWN
        locked.withdrawn_reason = reason
        save_with_history(locked, reason=_("Withdrawn: %(r)s") % {"r": reason},
                          update_fields=["state", "withdrawn_reason", "updated_at"])
    return locked


def _check_password(change_request: ChangeRequest, user, password, request_ip) -> None:
    """The approval is the lead's signature: with a wrong password nothing is approved (and the
    signatures app logs the failed attempt, which counts towards the lock-out)."""
    from apps.signatures.services import signature_sign

    if not isinstance(password, str) or not password:
        raise DomainError(_("Enter your password: the approval is your written signature."), field="password")
    if not user.check_password(password):
        signature_sign(record=change_request, user=user, password=password, party=Party.CLIENT,
                       meaning=SignatureMeaning.APPROVE, request_ip=request_ip)
        raise DomainError(_("Wrong password: nothing was signed."), field="password", code="bad_password")


def change_request_approve(*, change_request: ChangeRequest, user, password: str, opinion: str = "",
                           is_major: bool | None = None, request_ip: str | None = None) -> ChangeRequest:
    """The client lead approves in writing (§6.4.2 书面同意): the approval and the lead's
    signature (批准) are one step; with a wrong password nothing is approved. An approved change
    that touches the plan opens a new plan version for review (§8.2.3: 审核通过后修订方案); a
    major change asks for a risk re-assessment (§5.2.2)."""
    from apps.signatures.services import signature_sign

    require("control.may_approve_change", user, change_request)
    opinion = clean_text(opinion, field="opinion", label=_("The opinion"), required=False, max_length=TEXT_MAX)
    if is_major is not None:
        is_major = yes_no(is_major, field="is_major", label=_("major change"))
    _check_password(change_request, user, password, request_ip)
    with transaction.atomic(), history_context(user=user):
        locked = _awaiting_decision(change_request)
        locked.state = ChangeState.APPROVED
        locked.decided_by, locked.decided_at = user, timezone.now()
        locked.decision_note = opinion
        if is_major is not None:
            locked.is_major = is_major
        save_with_history(locked, reason=_("Approved in writing by the client lead"),
                          update_fields=["state", "decided_by", "decided_at", "decision_note", "is_major",
                                         "updated_at"])
        signature_sign(record=locked, user=user, password=password, party=Party.CLIENT,
                       meaning=SignatureMeaning.APPROVE, request_ip=request_ip)
        project = locked.project
        if locked.touches_plan:
            _open_plan_version(locked, user)
        if locked.is_major:
            risk_reassessment_request(
                project=project, trigger=AssessmentTrigger.MAJOR_CHANGE,
                note=_("After the approved major change: %(title)s") % {"title": locked.title},
                source_label=str(locked), source_url=locked.get_absolute_url())
        notify(recipients=people(project, [*CONTRACTOR_PM, ProjectRole.CLIENT_INSPECTOR]),
               key=f"control:change:{locked.pk}:approved",
               title=_("Change request No. %(n)d approved: %(title)s") % {"n": locked.number, "title": locked.title},
               body=locked.plan_note or opinion, link=locked.get_absolute_url(), project=project, kind="control")
    return locked


def _open_plan_version(change: ChangeRequest, user) -> None:
    """Part of the approval: the plan version in force is copied into a new draft for review
    (apps.plans). When that is impossible (no plan in force yet, or a version is already being
    prepared or reviewed) the change is recorded to be written into that version instead."""
    from apps.plans.services import plan_version_open_from_change

    reason = _("Change request No. %(n)d: %(title)s") % {"n": change.number, "title": change.title}
    try:
        with transaction.atomic():
            version = plan_version_open_from_change(project=change.project, user=user, reason=reason)
    except DomainError as exc:
        change.plan_note = _("No new plan version was opened (%(why)s). The change must be written into the plan "
                             "version being prepared or reviewed.") % {"why": exc.message}
        save_with_history(change, reason=_("The change touches the plan"), update_fields=["plan_note", "updated_at"])
        return
    change.plan_version = version
    change.plan_note = _("Plan version %(n)d opened for review.") % {"n": version.number}
    save_with_history(change, reason=_("New plan version opened for review"),
                      update_fields=["plan_version", "plan_note", "updated_at"])


def change_request_reject(*, change_request: ChangeRequest, user, opinion: str) -> ChangeRequest:
    """The client lead refuses the change, with its reasons: the contractor may not make it."""
    require("control.may_reject_change", user, change_request)
    opinion = clean_text(opinion, field="opinion", label=_("The reasons for rejecting"), max_length=TEXT_MAX)
    with transaction.atomic(), history_context(user=user):
        locked = _awaiting_decision(change_request)
        locked.state = ChangeState.REJECTED
        locked.decided_by, locked.decided_at = user, timezone.now()
        locked.decision_note = opinion
        save_with_history(locked, reason=_("Rejected: %(r)s") % {"r": opinion},
                          update_fields=["state", "decided_by", "decided_at", "decision_note", "updated_at"])
        notify(recipients=people(locked.project, CONTRACTOR_PM), key=f"control:change:{locked.pk}:rejected",
               title=_("Change request No. %(n)d rejected: %(title)s") % {"n": locked.number, "title": locked.title},
               body=opinion, link=locked.get_absolute_url(), project=locked.project, kind="control")
    return locked


def change_request_confirm(*, change_request: ChangeRequest, user, note: str) -> ChangeRequest:
    """The contractor confirms that the approved change is implemented (§8.2.3 确认实施). A
    change that opened a plan version is confirmed only once that version is approved."""
    from apps.plans.enums import PlanStatus

    require("control.may_confirm_change", user, change_request)
    note = clean_text(note, field="note", label=_("How it was implemented"), max_length=TEXT_MAX)
    with transaction.atomic(), history_context(user=user):
        locked = lock_record(change_request)
        if locked.state != ChangeState.APPROVED:
            raise DomainError(_("Only an approved change request can be confirmed as implemented (%(state)s).")
                              % {"state": locked.get_state_display()}, code="illegal_transition")
        if locked.plan_version_id and locked.plan_version.status != PlanStatus.APPROVED:
            raise DomainError(_("The plan version %(n)d opened by this change must be approved before the change is "
                                "implemented.") % {"n": locked.plan_version.number}, code="plan_not_approved")
        locked.state = ChangeState.IMPLEMENTED
        locked.implemented_by, locked.implemented_at = user, timezone.now()
        locked.implementation_note = note
        save_with_history(locked, reason=_("Implementation confirmed"),
                          update_fields=["state", "implemented_by", "implemented_at", "implementation_note",
                                         "updated_at"])
        notify(recipients=people(locked.project, CLIENT_STAFF), key=f"control:change:{locked.pk}:implemented",
               title=_("Change request No. %(n)d implemented: %(title)s") % {"n": locked.number,
                                                                              "title": locked.title},
               body=note, link=locked.get_absolute_url(), project=locked.project, kind="control")
    return locked
