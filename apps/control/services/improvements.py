"""Quality improvement plan services (质量改进计划, §6.2.3, §10.2)::

    create ──► DRAFT ──submit──► FILED ──file (client)──► IN_PROGRESS ──complete──► COMPLETED
                 ▲                 └──return──► RETURNED       ▲              │
                                                               └─not effective┤
                                                         effective ──► VERIFIED
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.enums import CONTRACTOR_ROLES, Party
from apps.core.errors import DomainError
from apps.core.history import history_context, save_with_history
from apps.core.locking import lock
from apps.core.notify import notify
from apps.core.permissions import require
from apps.core.text import clean_text
from apps.projects.enums import Phase
from apps.projects.models import Project

from ..enums import IMPROVEMENT_EDITABLE, ImprovementSource, ImprovementState
from ..models import TEXT_MAX, ImprovementPlan
from ..rules import CLIENT_STAFF, CONTRACTOR_PM
from .common import (
    ahead,
    choice,
    deadline_open,
    deadlines_close,
    lock_open_project,
    member,
    next_number,
    people,
    project_closed_error,
    yes_no,
)

DEADLINE_IMPROVEMENT = "improvement_plan"


def _plan_text(value, field: str, label, required: bool = True) -> str:
    return clean_text(value, field=field, label=label, required=required, max_length=TEXT_MAX)


def _improvement_values(project: Project, *, source, problem_analysis, target, owner, path, deadline,
                        verification_method) -> dict:
    return {
        "source": choice(source, ImprovementSource, field="source", label=_("the basis")),
        "problem_analysis": _plan_text(problem_analysis, "problem_analysis", _("The problems and causes")),
        "target": _plan_text(target, "target", _("The improvement target")),
        "owner": member(project, owner, roles=CONTRACTOR_ROLES, field="owner",
                        message=_("The responsible person must be an active member of the contractor's team.")),
        "path": _plan_text(path, "path", _("The implementation path")),
        "deadline": ahead(deadline, field="deadline", label=_("The completion deadline"), allow_today=False),
        "verification_method": _plan_text(verification_method, "verification_method", _("The verification method")),
    }


def improvement_plan_create(*, project: Project, user, source: str, problem_analysis: str, target: str, owner,
                            path: str, deadline: dt.date, verification_method: str) -> ImprovementPlan:
    """The contractor's quality improvement plan (§6.2.3, §10.2): target, responsible person,
    path, deadline and verification method, from the analysis of the problems."""
    require("control.may_write_improvement", user, project)
    values = _improvement_values(project, source=source, problem_analysis=problem_analysis, target=target,
                                 owner=owner, path=path, deadline=deadline, verification_method=verification_method)
    with transaction.atomic(), history_context(user=user, reason=_("Improvement plan drafted")):
        locked = lock_open_project(project)
        return ImprovementPlan.objects.create(project=locked, number=next_number(ImprovementPlan, locked),
                                              prepared_by=user, **values)


def _locked_plan(plan: ImprovementPlan, states, message: str) -> ImprovementPlan:
    locked = lock(plan, related=("project",))
    if locked.state not in states:
        raise DomainError(message % {"state": locked.get_state_display()}, code="illegal_transition")
    if locked.project.phase == Phase.CLOSED:
        raise project_closed_error()
    return locked


def improvement_plan_update(*, improvement_plan: ImprovementPlan, user, source: str, problem_analysis: str,
                            target: str, owner, path: str, deadline: dt.date,
                            verification_method: str) -> ImprovementPlan:
    require("control.may_edit_improvement", user, improvement_plan)
    values = _improvement_values(improvement_plan.project, source=source, problem_analysis=problem_analysis,
                                 target=target, owner=owner, path=path, deadline=deadline,
                                 verification_method=verification_method)
    with transaction.atomic(), history_context(user=user):
        locked = _locked_plan(improvement_plan, IMPROVEMENT_EDITABLE,
                              _("A plan submitted for filing cannot be changed (%(state)s)."))
        changed = [f for f, v in values.items() if getattr(locked, f) != v]
        for f in changed:
            setattr(locked, f, values[f])
        if changed:
            save_with_history(locked, reason=_("Improvement plan edited"), update_fields=[*changed, "updated_at"])
    return locked


def improvement_plan_submit(*, improvement_plan: ImprovementPlan, user) -> ImprovementPlan:
    """报发包方备案: the plan goes to the client for filing."""
    require("control.may_submit_improvement", user, improvement_plan)
    with transaction.atomic(), history_context(user=user):
        locked = _locked_plan(improvement_plan, IMPROVEMENT_EDITABLE,
                              _("This plan has already been submitted (%(state)s)."))
        if locked.deadline <= timezone.localdate():
            raise DomainError(_("The completion deadline has passed; set a new one before submitting."),
                              field="deadline")
        locked.state = ImprovementState.FILED
        locked.submitted_at = timezone.now()
        save_with_history(locked, reason=_("Submitted to the client for filing"),
                          update_fields=["state", "submitted_at", "updated_at"])
        notify(recipients=people(locked.project, CLIENT_STAFF),
               key=f"control:improvement:{locked.pk}:filed:{locked.submitted_at:%Y%m%d%H%M%S}",
               title=_("%(plan)s submitted for filing") % {"plan": locked}, body=locked.target,
               link=locked.get_absolute_url(), project=locked.project, kind="control")
    return locked


def improvement_plan_return(*, improvement_plan: ImprovementPlan, user, reason: str) -> ImprovementPlan:
    require("control.may_return_improvement", user, improvement_plan)
    reason = _plan_text(reason, "reason", _("The reason for returning"))
    with transaction.atomic(), history_context(user=user):
        locked = _locked_plan(improvement_plan, (ImprovementState.FILED,),
                              _("This plan is not awaiting filing (%(state)s)."))
        locked.state = ImprovementState.RETURNED
        locked.return_reason = reason
        save_with_history(locked, reason=_("Returned for revision: %(r)s") % {"r": reason},
                          update_fields=["state", "return_reason", "updated_at"])
        notify(recipients=people(locked.project, CONTRACTOR_PM),
               key=f"control:improvement:{locked.pk}:returned:{timezone.now():%Y%m%d%H%M%S}",
               title=_("%(plan)s returned for revision") % {"plan": locked}, body=reason,
               link=locked.get_absolute_url(), project=locked.project, kind="control")
    return locked


def improvement_plan_file(*, improvement_plan: ImprovementPlan, user, comment: str = "") -> ImprovementPlan:
    """The client files the plan (备案); it is tracked to its deadline from now on."""
    require("control.may_file_improvement", user, improvement_plan)
    comment = _plan_text(comment, "comment", _("The comments"), required=False)
    with transaction.atomic(), history_context(user=user):
        locked = _locked_plan(improvement_plan, (ImprovementState.FILED,),
                              _("This plan is not awaiting filing (%(state)s)."))
        locked.state = ImprovementState.IN_PROGRESS
        locked.filed_by, locked.filed_at = user, timezone.now()
        locked.filing_comment = comment
        save_with_history(locked, reason=_("Filed by the client"),
                          update_fields=["state", "filed_by", "filed_at", "filing_comment", "updated_at"])
        deadline_open(record=locked, project=locked.project, kind=DEADLINE_IMPROVEMENT,
                      title=_("Complete %(plan)s") % {"plan": locked}, due=locked.deadline, party=Party.CONTRACTOR,
                      person=locked.owner, user=user)
        notify(recipients=[locked.owner, *people(locked.project, CONTRACTOR_PM)],
               key=f"control:improvement:{locked.pk}:in_progress",
               title=_("%(plan)s filed: implement it by %(due)s") % {
                   "plan": locked, "due": f"{locked.deadline:%Y-%m-%d}"},
               link=locked.get_absolute_url(), project=locked.project, kind="control")
    return locked


def improvement_plan_complete(*, improvement_plan: ImprovementPlan, user,
                              completion_report: str) -> ImprovementPlan:
    require("control.may_complete_improvement", user, improvement_plan)
    completion_report = _plan_text(completion_report, "completion_report", _("What was done"))
    with transaction.atomic(), history_context(user=user):
        locked = _locked_plan(improvement_plan, (ImprovementState.IN_PROGRESS,),
                              _("Only a filed plan being implemented can be completed (%(state)s)."))
        locked.state = ImprovementState.COMPLETED
        locked.completion_report = completion_report
        locked.completed_at = timezone.now()
        save_with_history(locked, reason=_("Completed, awaiting the client's verification"),
                          update_fields=["state", "completion_report", "completed_at", "updated_at"])
        deadlines_close(locked, user, DEADLINE_IMPROVEMENT)
        notify(recipients=people(locked.project, CLIENT_STAFF),
               key=f"control:improvement:{locked.pk}:completed:{locked.completed_at:%Y%m%d%H%M%S}",
               title=_("%(plan)s completed: verify its effect") % {"plan": locked},
               link=locked.get_absolute_url(), project=locked.project, kind="control")
    return locked


def _verified_without_effect(locked: ImprovementPlan, user, new_deadline: dt.date) -> None:
    locked.state = ImprovementState.IN_PROGRESS
    locked.deadline = new_deadline
    locked.failed_verifications += 1
    save_with_history(locked, reason=_("Verified without effect: back to implementation until %(due)s")
                      % {"due": f"{new_deadline:%Y-%m-%d}"},
                      update_fields=["state", "verification_record", "verified_by", "verified_at",
                                     "deadline", "failed_verifications", "updated_at"])
    deadline_open(record=locked, project=locked.project, kind=DEADLINE_IMPROVEMENT,
                  title=_("Complete %(plan)s (again)") % {"plan": locked}, due=new_deadline,
                  party=Party.CONTRACTOR, person=locked.owner, user=user)


def improvement_plan_verify(*, improvement_plan: ImprovementPlan, user, effective: bool, verification_record: str,
                            new_deadline: dt.date | None = None) -> ImprovementPlan:
    """§10.2: the client verifies the effect and keeps the verification record. Without effect
    the plan goes back to implementation with a new deadline."""
    require("control.may_verify_improvement", user, improvement_plan)
    effective = yes_no(effective, field="effective", label=_("effective"))
    verification_record = _plan_text(verification_record, "verification_record", _("The verification record"))
    if not effective:
        if new_deadline is None:
            raise DomainError(_("Set a new completion deadline for the plan that did not take effect."),
                              field="new_deadline")
        new_deadline = ahead(new_deadline, field="new_deadline", label=_("The new completion deadline"),
                             allow_today=False)
    with transaction.atomic(), history_context(user=user):
        locked = _locked_plan(improvement_plan, (ImprovementState.COMPLETED,),
                              _("This plan is not awaiting verification (%(state)s)."))
        locked.verification_record = verification_record
        locked.verified_by, locked.verified_at = user, timezone.now()
        if effective:
            locked.state = ImprovementState.VERIFIED
            save_with_history(locked, reason=_("Effect verified by the client"),
                              update_fields=["state", "verification_record", "verified_by", "verified_at",
                                             "updated_at"])
        else:
            _verified_without_effect(locked, user, new_deadline)
        notify(recipients=people(locked.project, CONTRACTOR_PM),
               key=f"control:improvement:{locked.pk}:verified:{locked.verified_at:%Y%m%d%H%M%S}",
               title=(_("%(plan)s: effect verified") if effective else _("%(plan)s: no effect, continue"))
               % {"plan": locked}, body=verification_record, link=locked.get_absolute_url(),
               project=locked.project, kind="control")
    return locked
