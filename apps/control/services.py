"""Writes of project control, one service per transition (§5.2.2, §6.2.3, §6.3.1, §6.4.2,
§8.2.3–8.2.4, §10.2). Each checks the person first, then the input, then the state (under a
row lock), saves with a history reason and notifies on commit (apps.notifications).

Risk register::

    risk_reassessment_request (system: project start, approved major change, incident) ──► OPEN
    risk_point_add / _update / _rate / _retire (client lead rates; the contractor proposes)
    risk_assessment_complete (client lead) ──► closes the OPEN requests, sets Project.risk_level
                                               (→ sampling floor, patrol frequency)

Change request (变更联系单)::

    submit (contractor PM) ──► SUBMITTED ──approve + signature (client lead)──► APPROVED ──confirm──► IMPLEMENTED
                                   │            └─ touches the plan: a new plan version is opened
                                   │            └─ major: a risk re-assessment is requested
                                   ├──reject (client lead, with reasons)──► REJECTED
                                   └──withdraw (contractor PM)──► WITHDRAWN

Quality report::  prepare ──► DRAFT ──submit──► SUBMITTED ──acknowledge──► ACKNOWLEDGED
                                 ▲                  └──return──► RETURNED ──submit──┘

Improvement plan::  create ──► DRAFT ──submit──► FILED ──file (client)──► IN_PROGRESS ──complete──► COMPLETED
                                 ▲                 └──return──► RETURNED       ▲              │
                                                                               └─not effective┤
                                                                         effective ──► VERIFIED
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import rules
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.enums import CLIENT_ROLES, CONTRACTOR_ROLES, Party, ProjectRole
from apps.core.errors import DomainError, PermissionDenied
from apps.core.history import history_context, save_with_history
from apps.core.text import clean_text
from apps.projects.enums import Phase, RiskLevel
from apps.projects.models import Project
from apps.signatures.enums import SignatureMeaning

from . import selectors
from .enums import (
    IMPROVEMENT_EDITABLE,
    REPORT_EDITABLE,
    ActionOwnerParty,
    ActionState,
    AssessmentTrigger,
    ChangeCategory,
    ChangeState,
    ImprovementSource,
    ImprovementState,
    MeetingKind,
    MilestoneState,
    ReportState,
    RequestState,
    RiskCategory,
    RiskPointStatus,
)
from .models import (
    LONG_TEXT_MAX,
    TEXT_MAX,
    ActionItem,
    ChangeRequest,
    ImprovementPlan,
    Meeting,
    ProgressMilestone,
    QualityReport,
    RiskAssessment,
    RiskPoint,
    RiskReassessmentRequest,
)
from .rules import CLIENT_LEAD, CLIENT_STAFF, CONTRACTOR_PM, REPORTERS

MAX_DAYS_AHEAD = 366
MAX_REPORT_DAYS = 366
MAX_QUANTITY = 100_000_000
DEADLINE_ACTION = "action_item"
DEADLINE_REPORT = "quality_report"
DEADLINE_IMPROVEMENT = "improvement_plan"


# ---------------------------------------------------------------- helpers

def _require(rule: str, user, obj, message: str) -> None:
    if not (user is not None and rules.test_rule(rule, user, obj)):
        raise PermissionDenied(message)


def _text(value, *, field: str, label: str, required: bool = True, max_length: int = TEXT_MAX) -> str:
    return clean_text(value, field=field, label=label, required=required, max_length=max_length)


def _date(value, *, field: str, label: str) -> dt.date:
    if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
        raise DomainError(_("%(label)s is not a valid date.") % {"label": label}, field=field)
    return value


def _not_future(value: dt.date, *, field: str, label: str) -> dt.date:
    value = _date(value, field=field, label=label)
    if value > timezone.localdate():
        raise DomainError(_("%(label)s cannot be in the future.") % {"label": label}, field=field)
    return value


def _ahead(value, *, field: str, label: str, allow_today: bool = True) -> dt.date:
    value = _date(value, field=field, label=label)
    today = timezone.localdate()
    earliest = today if allow_today else today + dt.timedelta(days=1)
    if not earliest <= value <= today + dt.timedelta(days=MAX_DAYS_AHEAD):
        raise DomainError(_("%(label)s must be between %(a)s and %(b)s.") % {
            "label": label, "a": f"{earliest:%Y-%m-%d}", "b": f"{today + dt.timedelta(days=MAX_DAYS_AHEAD):%Y-%m-%d}"},
            field=field)
    return value


def _choice(value, choices, *, field: str, label: str) -> str:
    if value not in choices.values:
        raise DomainError(_("Choose a valid value for %(label)s.") % {"label": label}, field=field)
    return str(value)


def _bool(value, *, field: str, label: str) -> bool:
    if not isinstance(value, bool):
        raise DomainError(_("Say yes or no for %(label)s.") % {"label": label}, field=field)
    return value


def _quantity(value, *, field: str, label: str) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_QUANTITY:
        raise DomainError(_("%(label)s must be a whole number between 0 and %(n)d.") % {"label": label,
                                                                                       "n": MAX_QUANTITY}, field=field)
    return value


def _member(project: Project, user, *, roles: Iterable[str], field: str, message: str):
    """``user`` must hold one of ``roles`` on the project, actively."""
    if user is None or not getattr(user, "pk", None) or not user.is_active \
            or not project.members.filter(user=user, is_active=True, role__in=list(roles)).exists():
        raise DomainError(message, field=field)
    return user


def _people(project: Project, roles: Iterable[str]) -> list:
    members = project.members.filter(is_active=True, role__in=list(roles), user__is_active=True).select_related("user")
    return list({m.user_id: m.user for m in members}.values())


def _notify(*, recipients: list, key: str, title: str, link: str, project: Project, body: str = "") -> None:
    from apps.notifications.services import notify

    recipients = [r for r in recipients if r is not None]
    if recipients:
        notify(recipients=recipients, key=key, title=title[:200], body=body[:1000], link=link, project=project,
               kind="control")


def _attach(record, project: Project, user, files: Iterable, kind: str = "evidence") -> None:
    from apps.attachments.services import attachment_add

    for uploaded in files or ():
        attachment_add(record=record, project=project, user=user, uploaded_file=uploaded, kind=kind)


def _lock_project(project: Project) -> Project:
    locked = Project.objects.select_for_update().get(pk=project.pk)
    if locked.phase == Phase.CLOSED:
        raise DomainError(_("The project is closed."), code="illegal_transition")
    return locked


def _next_number(model, project: Project) -> int:
    return (model.objects.filter(project=project).aggregate(n=Max("number"))["n"] or 0) + 1


def _deadline(*, record, project: Project, kind: str, title: str, due: dt.date, party: str, person, user) -> None:
    from apps.deadlines.services import deadline_create

    today = timezone.localdate()
    org = project.client if party == Party.CLIENT else project.contractor
    if person is not None and (person.organization_id != org.pk
                               or not project.members.filter(user=person, is_active=True).exists()):
        person = None
    deadline_create(record=record, project=project, kind=kind, title=title[:200], base_date=today,
                    amount=max((due - today).days, 0), counting="calendar_days", responsible_org=org,
                    responsible_user=person, user=user)


def _close_deadlines(record, user, kind: str) -> None:
    from apps.deadlines.services import deadlines_close_for_record

    deadlines_close_for_record(record=record, user=user, kinds=[kind])


# ================================================================ risk register (§5.2.2, §6.3.1)

def risk_reassessment_request(*, project: Project, trigger: str, note: str = "", source_label: str = "",
                              source_url: str = "") -> RiskReassessmentRequest:
    """The system asks the client lead for a risk (re-)assessment (§5.2.2: at project start,
    after a major change, after a security or quality problem). Idempotent: while a request of
    the same project, trigger and source is open, that request is returned and nothing is added.
    Called inside the event's transaction; its history row carries the event's user."""
    trigger = _choice(trigger, AssessmentTrigger, field="trigger", label=_("the trigger"))
    note = str(note or "").strip()[:TEXT_MAX]
    source_label = str(source_label or "").strip()[:200]
    source_url = str(source_url or "").strip()[:500]
    if source_url and not source_url.startswith("/"):
        source_url = ""  # only links inside the application
    open_requests = RiskReassessmentRequest.objects.filter(project=project, trigger=trigger,
                                                           source_label=source_label, state=RequestState.OPEN)
    existing = open_requests.first()
    if existing is not None:
        return existing
    with transaction.atomic(), history_context(reason=_("Risk re-assessment requested")):
        try:
            with transaction.atomic():
                request = RiskReassessmentRequest.objects.create(
                    project=project, trigger=trigger, note=note, source_label=source_label, source_url=source_url)
        except IntegrityError:
            return open_requests.get()
        if trigger == AssessmentTrigger.START:
            # The lead who just created the project sees it on the control page; no message.
            return request
        _notify(recipients=_people(project, CLIENT_LEAD), key=f"control:risk_request:{request.pk}",
                title=_("Risk re-assessment required (%(trigger)s): %(project)s")
                % {"trigger": request.get_trigger_display(), "project": project.name},
                body=note, link=request.get_absolute_url(), project=project)
    return request


def project_started(*, project: Project, user) -> None:
    """apps.projects hook: the risks are assessed at project start (§5.2.2)."""
    risk_reassessment_request(project=project, trigger=AssessmentTrigger.START,
                              note=_("Identify the key risk points with the contractor and rate them high, medium "
                                     "or low before the work starts."))


def _owner(project: Project, owner):
    if owner is None:
        return None
    return _member(project, owner, roles=[*CLIENT_ROLES, *CONTRACTOR_ROLES], field="owner",
                   message=_("The responsible person must be an active member of the project."))


def risk_point_add(*, project: Project, user, category: str, description: str, control_measures: str = "",
                   level: str = "", owner=None) -> RiskPoint:
    """A risk point of the register. The client leads and rates; the contractor (PM, security
    officer) may propose points, which stay unrated until the client lead rates them."""
    _require("control.may_add_risk_point", user, project,
             _("Only the client's project team or the contractor's project manager or security officer can add "
               "risk points."))
    category = _choice(category, RiskCategory, field="category", label=_("the category"))
    description = _text(description, field="description", label=_("The risk description"))
    control_measures = _text(control_measures, field="control_measures", label=_("The control measures"),
                             required=False)
    level = level or ""
    if level:
        level = _choice(level, RiskLevel, field="level", label=_("the risk level"))
        if not rules.test_rule("control.may_rate_risk", user, project):
            raise PermissionDenied(_("Only the client's project lead rates risk points; leave the level empty."),
                                   field="level")
    owner = _owner(project, owner)
    with transaction.atomic(), history_context(user=user, reason=_("Risk point added")):
        locked = _lock_project(project)
        point = RiskPoint.objects.create(project=locked, category=category, description=description, level=level,
                                         control_measures=control_measures, owner=owner, created_by=user)
        if not level:
            _notify(recipients=_people(locked, CLIENT_LEAD), key=f"control:risk_point:{point.pk}:proposed",
                    title=_("Risk point proposed, to be rated: %(text)s") % {"text": description[:60]},
                    link=point.get_absolute_url(), project=locked)
    return point


def _lock_point(point: RiskPoint) -> RiskPoint:
    locked = RiskPoint.objects.select_for_update().select_related("project").get(pk=point.pk)
    if locked.status != RiskPointStatus.ACTIVE:
        raise DomainError(_("This risk point has been retired."), code="illegal_transition")
    if locked.project.phase == Phase.CLOSED:
        raise DomainError(_("The project is closed."), code="illegal_transition")
    return locked


def risk_point_update(*, point: RiskPoint, user, category: str, description: str, control_measures: str,
                      owner=None) -> RiskPoint:
    """The client lead edits a point; the contractor (PM, security officer) keeps its control
    measures up to date and cannot change anything else."""
    _require("control.can_edit_risk_point", user, point,
             _("Only the client's project lead, or the contractor's project manager or security officer for the "
               "control measures, can edit a risk point."))
    category = _choice(category, RiskCategory, field="category", label=_("the category"))
    description = _text(description, field="description", label=_("The risk description"))
    control_measures = _text(control_measures, field="control_measures", label=_("The control measures"),
                             required=False)
    owner = _owner(point.project, owner)
    is_lead = rules.test_rule("control.may_rate_risk", user, point.project)
    with transaction.atomic(), history_context(user=user):
        locked = _lock_point(point)
        values = {"category": category, "description": description, "control_measures": control_measures,
                  "owner_id": owner.pk if owner else None}
        changed = [f for f, v in values.items() if getattr(locked, f) != v]
        if not changed:
            return locked
        if not is_lead and set(changed) - {"control_measures"}:
            raise PermissionDenied(_("The contractor can only change the control measures of a risk point."))
        for f in changed:
            setattr(locked, f, values[f])
        save_with_history(locked, reason=_("Risk point edited"),
                          update_fields=[f.removesuffix("_id") for f in changed] + ["updated_at"])
    return locked


def risk_point_rate(*, point: RiskPoint, user, level: str, reason: str = "") -> RiskPoint:
    """The client lead rates a point high, medium or low (§5.2.2). The project's level changes
    only with a completed assessment."""
    _require("control.may_rate_risk", user, point, _("Only the client's project lead rates risk points."))
    level = _choice(level, RiskLevel, field="level", label=_("the risk level"))
    reason = _text(reason, field="reason", label=_("The reason"), required=False)
    with transaction.atomic(), history_context(user=user):
        locked = _lock_point(point)
        if locked.level == level:
            raise DomainError(_("The risk point already has this level."), field="level", code="unchanged")
        old = locked.get_level_display() if locked.level else _("unrated")
        locked.level = level
        text = _("Rated %(old)s → %(new)s") % {"old": old, "new": locked.get_level_display()}
        save_with_history(locked, reason=f"{text}: {reason}" if reason else text, update_fields=["level", "updated_at"])
    return locked


def risk_point_retire(*, point: RiskPoint, user, reason: str) -> RiskPoint:
    """The client lead retires a point that no longer applies; it stays in the register."""
    _require("control.may_rate_risk", user, point, _("Only the client's project lead can retire a risk point."))
    reason = _text(reason, field="reason", label=_("The reason for retiring"))
    with transaction.atomic(), history_context(user=user):
        locked = _lock_point(point)
        locked.status = RiskPointStatus.RETIRED
        locked.retired_reason = reason
        save_with_history(locked, reason=_("Retired: %(r)s") % {"r": reason},
                          update_fields=["status", "retired_reason", "updated_at"])
    return locked


def _project_risk_level_set(*, project: Project, user, level: str, reason: str) -> Project:
    """Project.risk_level after an assessment: the project row is written with its history
    (optimistic version bumped like every project write). ``project`` is locked by the caller."""
    project.risk_level = level
    project.version += 1
    save_with_history(project, reason=reason, user=user, update_fields=["risk_level", "version", "updated_at"])
    return project


def risk_assessment_complete(*, project: Project, user, conclusion: str, trigger: str | None = None,
                             resulting_level: str | None = None, level_reason: str = "",
                             assessed_on: dt.date | None = None) -> RiskAssessment:
    """The client lead completes a risk (re-)assessment over the rated active points: the project
    is as risky as its riskiest point unless the lead states another level with a reason. It
    closes every open re-assessment request and sets the project's risk level, which drives the
    sampling floor (apps.sampling) and the patrol frequency (§8.2.2)."""
    _require("control.may_assess_risk", user, project, _("Only the client's project lead can complete a risk assessment."))
    conclusion = _text(conclusion, field="conclusion", label=_("The conclusion"))
    level_reason = _text(level_reason, field="level_reason", label=_("The reason for a different level"),
                         required=False)
    if trigger is not None and trigger != "":
        trigger = _choice(trigger, AssessmentTrigger, field="trigger", label=_("the trigger"))
    if resulting_level:
        resulting_level = _choice(resulting_level, RiskLevel, field="resulting_level", label=_("the risk level"))
    assessed_on = timezone.localdate() if assessed_on is None else _not_future(
        assessed_on, field="assessed_on", label=_("The assessment date"))

    with transaction.atomic(), history_context(user=user):
        locked = _lock_project(project)
        points = list(selectors.active_risk_points(locked).select_related("owner").order_by("pk"))
        if not points:
            raise DomainError(_("Record the project's risk points before assessing them."), code="incomplete")
        unrated = [p for p in points if not p.level]
        if unrated:
            raise DomainError(_("Rate every active risk point first (%(n)d not rated).") % {"n": len(unrated)},
                              code="incomplete")
        computed = selectors.highest_level(points)
        resulting = resulting_level or computed
        if resulting != computed and not level_reason:
            raise DomainError(_("Give the reason for setting the project's level other than its highest risk "
                                "point's (%(level)s).") % {"level": RiskLevel(computed).label}, field="level_reason")
        if resulting == computed:
            level_reason = ""
        open_requests = list(selectors.open_reassessment_requests(locked).select_for_update())
        if not trigger:
            trigger = open_requests[0].trigger if open_requests else AssessmentTrigger.PERIODIC
        previous = locked.risk_level
        assessment = RiskAssessment(
            project=locked, trigger=trigger, assessed_on=assessed_on, conclusion=conclusion, computed_level=computed,
            resulting_level=resulting, level_reason=level_reason, previous_level=previous, assessed_by=user,
            points_snapshot=[{"id": p.pk, "category": p.category, "description": p.description, "level": p.level,
                              "control_measures": p.control_measures,
                              "owner": (p.owner.get_full_name() or p.owner.get_username()) if p.owner else ""}
                             for p in points])
        assessment._change_reason = _("Risk assessment completed: %(level)s") % {
            "level": RiskLevel(resulting).label}
        assessment.save()
        now = timezone.now()
        for request in open_requests:
            request.state = RequestState.CLOSED
            request.closed_at = now
            request.closed_by = assessment
            save_with_history(request, reason=_("Closed by the risk assessment of %(date)s")
                              % {"date": f"{assessed_on:%Y-%m-%d}"}, update_fields=["state", "closed_at", "closed_by"])
        if resulting != previous:
            _project_risk_level_set(
                project=locked, user=user, level=resulting,
                reason=_("Risk level %(old)s → %(new)s after the risk assessment of %(date)s") % {
                    "old": RiskLevel(previous).label, "new": RiskLevel(resulting).label,
                    "date": f"{assessed_on:%Y-%m-%d}"})
            rate = selectors.sampling_floor_rate(locked)
            _notify(recipients=_people(locked, [*CLIENT_STAFF, *CONTRACTOR_PM]),
                    key=f"control:assessment:{assessment.pk}:level",
                    title=_("Project risk level is now %(level)s: %(project)s") % {
                        "level": RiskLevel(resulting).label, "project": locked.name},
                    body=_("Minimum sampling rate %(rate)s %%; at least %(n)d patrols a week.") % {
                        "rate": rate if rate is not None else "—",
                        "n": selectors.patrols_required_per_week(locked)},
                    link=assessment.get_absolute_url(), project=locked)
    project.risk_level, project.version = locked.risk_level, locked.version
    return assessment


# ================================================================ change requests (§6.4.2, §8.2.3)

def _lock_change(change: ChangeRequest) -> ChangeRequest:
    locked = ChangeRequest.objects.select_for_update().select_related("project").get(pk=change.pk)
    if locked.project.phase == Phase.CLOSED:
        raise DomainError(_("The project is closed."), code="illegal_transition")
    return locked


def _already(locked: ChangeRequest) -> DomainError:
    return DomainError(_("This change request is no longer awaiting a decision (%(state)s).")
                       % {"state": locked.get_state_display()}, code="illegal_transition")


def change_request_submit(*, project: Project, user, category: str, title: str, description: str, reason: str,
                          quality_impact: str, touches_plan: bool = False, is_major: bool = False,
                          files: Iterable = ()) -> ChangeRequest:
    """The contractor's written change request (§6.4.2): what changes, why, and the impact on
    quality. Nothing changes before the client lead approves it in writing."""
    _require("control.may_request_change", user, project,
             _("Only the contractor's project manager can submit a change request."))
    category = _choice(category, ChangeCategory, field="category", label=_("what changes"))
    title = _text(title, field="title", label=_("The change in brief"), max_length=200)
    description = _text(description, field="description", label=_("The proposed change"))
    reason = _text(reason, field="reason", label=_("The reason for the change"))
    quality_impact = _text(quality_impact, field="quality_impact", label=_("The impact on quality"))
    touches_plan = _bool(touches_plan, field="touches_plan", label=_("changes the implementation plan"))
    is_major = _bool(is_major, field="is_major", label=_("major change"))
    with transaction.atomic(), history_context(user=user, reason=_("Change request submitted")):
        locked = _lock_project(project)
        change = ChangeRequest.objects.create(
            project=locked, number=_next_number(ChangeRequest, locked), category=category, title=title,
            description=description, reason=reason, quality_impact=quality_impact, touches_plan=touches_plan,
            is_major=is_major, requested_by=user)
        _attach(change, locked, user, files)
        _notify(recipients=_people(locked, CLIENT_LEAD), key=f"control:change:{change.pk}:submitted",
                title=_("Change request No. %(n)d awaits your decision: %(title)s") % {"n": change.number,
                                                                                        "title": title},
                body=quality_impact, link=change.get_absolute_url(), project=locked)
    return change


def change_request_withdraw(*, change_request: ChangeRequest, user, reason: str) -> ChangeRequest:
    _require("control.may_request_change", user, change_request,
             _("Only the contractor's project manager can withdraw a change request."))
    reason = _text(reason, field="reason", label=_("The reason for withdrawing"))
    with transaction.atomic(), history_context(user=user):
        locked = _lock_change(change_request)
        if locked.state != ChangeState.SUBMITTED:
            raise _already(locked)
        locked.state = ChangeState.WITHDRAWN
        locked.withdrawn_reason = reason
        save_with_history(locked, reason=_("Withdrawn: %(r)s") % {"r": reason},
                          update_fields=["state", "withdrawn_reason", "updated_at"])
    return locked


def change_request_approve(*, change_request: ChangeRequest, user, password: str, opinion: str = "",
                           is_major: bool | None = None, request_ip: str | None = None) -> ChangeRequest:
    """The client lead approves in writing (§6.4.2 书面同意): the approval and the lead's
    signature (批准) are one step; with a wrong password nothing is approved. An approved change
    that touches the plan opens a new plan version for review (§8.2.3: 审核通过后修订方案); a
    major change asks for a risk re-assessment (§5.2.2)."""
    from apps.signatures.services import signature_sign

    _require("control.may_decide_change", user, change_request,
             _("Only the client's project lead can approve a change request."))
    opinion = _text(opinion, field="opinion", label=_("The opinion"), required=False)
    if is_major is not None:
        is_major = _bool(is_major, field="is_major", label=_("major change"))
    if not isinstance(password, str) or not password:
        raise DomainError(_("Enter your password: the approval is your written signature."), field="password")
    if not user.check_password(password):
        # Let the signatures app log the failed attempt (and count it towards the lock-out).
        signature_sign(record=change_request, user=user, password=password, party=Party.CLIENT,
                       meaning=SignatureMeaning.APPROVE, request_ip=request_ip)
        raise DomainError(_("Wrong password: nothing was signed."), field="password", code="bad_password")
    with transaction.atomic(), history_context(user=user):
        locked = _lock_change(change_request)
        if locked.state != ChangeState.SUBMITTED:
            raise _already(locked)
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
        _notify(recipients=_people(project, [*CONTRACTOR_PM, ProjectRole.CLIENT_INSPECTOR]),
                key=f"control:change:{locked.pk}:approved",
                title=_("Change request No. %(n)d approved: %(title)s") % {"n": locked.number, "title": locked.title},
                body=locked.plan_note or opinion, link=locked.get_absolute_url(), project=project)
    return locked


def _open_plan_version(change: ChangeRequest, user) -> None:
    """Part of the approval: the plan version in force is copied into a new draft for review
    (apps.plans). When that is impossible (no plan in force yet, or a version is already being
    prepared or reviewed) the change is recorded to be written into that version instead."""
    from apps.plans.services import plan_new_version_from_change

    reason = _("Change request No. %(n)d: %(title)s") % {"n": change.number, "title": change.title}
    try:
        with transaction.atomic():
            version = plan_new_version_from_change(project=change.project, user=user, reason=reason)
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
    _require("control.may_decide_change", user, change_request,
             _("Only the client's project lead can reject a change request."))
    opinion = _text(opinion, field="opinion", label=_("The reasons for rejecting"))
    with transaction.atomic(), history_context(user=user):
        locked = _lock_change(change_request)
        if locked.state != ChangeState.SUBMITTED:
            raise _already(locked)
        locked.state = ChangeState.REJECTED
        locked.decided_by, locked.decided_at = user, timezone.now()
        locked.decision_note = opinion
        save_with_history(locked, reason=_("Rejected: %(r)s") % {"r": opinion},
                          update_fields=["state", "decided_by", "decided_at", "decision_note", "updated_at"])
        _notify(recipients=_people(locked.project, CONTRACTOR_PM), key=f"control:change:{locked.pk}:rejected",
                title=_("Change request No. %(n)d rejected: %(title)s") % {"n": locked.number, "title": locked.title},
                body=opinion, link=locked.get_absolute_url(), project=locked.project)
    return locked


def change_request_confirm(*, change_request: ChangeRequest, user, note: str) -> ChangeRequest:
    """The contractor confirms that the approved change is implemented (§8.2.3 确认实施). A
    change that opened a plan version is confirmed only once that version is approved."""
    from apps.plans.enums import PlanStatus

    _require("control.may_request_change", user, change_request,
             _("Only the contractor's project manager can confirm the implementation of a change."))
    note = _text(note, field="note", label=_("How it was implemented"))
    with transaction.atomic(), history_context(user=user):
        locked = _lock_change(change_request)
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
        _notify(recipients=_people(locked.project, CLIENT_STAFF), key=f"control:change:{locked.pk}:implemented",
                title=_("Change request No. %(n)d implemented: %(title)s") % {"n": locked.number,
                                                                               "title": locked.title},
                body=note, link=locked.get_absolute_url(), project=locked.project)
    return locked


# ================================================================ meetings (§8.2.3)

def _meeting_values(*, kind, held_on, chair, attendees, agenda, minutes, location) -> dict:
    return {
        "kind": _choice(kind, MeetingKind, field="kind", label=_("the kind of meeting")),
        "held_on": _not_future(held_on, field="held_on", label=_("The date of the meeting")),
        "chair": _text(chair, field="chair", label=_("The chair"), max_length=100),
        "attendees": _text(attendees, field="attendees", label=_("The attendees")),
        "agenda": _text(agenda, field="agenda", label=_("The topics")),
        "minutes": _text(minutes, field="minutes", label=_("The minutes"), max_length=LONG_TEXT_MAX),
        "location": _text(location, field="location", label=_("The place"), required=False, max_length=200),
    }


def meeting_record(*, project: Project, user, kind: str, held_on: dt.date, chair: str, attendees: str, agenda: str,
                   minutes: str, location: str = "", files: Iterable = ()) -> Meeting:
    """The client records a project meeting it organised, with its minutes (§8.2.3)."""
    _require("control.may_record_meeting", user, project,
             _("Only the client's project lead or quality inspectors record project meetings."))
    values = _meeting_values(kind=kind, held_on=held_on, chair=chair, attendees=attendees, agenda=agenda,
                             minutes=minutes, location=location)
    with transaction.atomic(), history_context(user=user, reason=_("Meeting minutes recorded")):
        locked = _lock_project(project)
        meeting = Meeting.objects.create(project=locked, number=_next_number(Meeting, locked), recorded_by=user,
                                         **values)
        _attach(meeting, locked, user, files, kind="report")
        _notify(recipients=_people(locked, [*CONTRACTOR_PM, *CLIENT_STAFF]), key=f"control:meeting:{meeting.pk}",
                title=_("Minutes of %(meeting)s: please read and confirm") % {"meeting": meeting},
                link=meeting.get_absolute_url(), project=locked)
    return meeting


def meeting_update(*, meeting: Meeting, user, kind: str, held_on: dt.date, chair: str, attendees: str, agenda: str,
                   minutes: str, location: str = "") -> Meeting:
    """Corrections to the minutes, until someone has signed them."""
    from apps.signatures.services import assert_not_signed

    _require("control.may_record_meeting", user, meeting,
             _("Only the client's project lead or quality inspectors edit the minutes."))
    values = _meeting_values(kind=kind, held_on=held_on, chair=chair, attendees=attendees, agenda=agenda,
                             minutes=minutes, location=location)
    with transaction.atomic(), history_context(user=user):
        locked = Meeting.objects.select_for_update().select_related("project").get(pk=meeting.pk)
        assert_not_signed(locked, message=_("The minutes have been signed and can no longer be changed."))
        changed = [f for f, v in values.items() if getattr(locked, f) != v]
        if not changed:
            return locked
        for f in changed:
            setattr(locked, f, values[f])
        save_with_history(locked, reason=_("Minutes corrected"), update_fields=[*changed, "updated_at"])
    return locked


def action_item_add(*, meeting: Meeting, user, description: str, owner_party: str, due_date: dt.date,
                    owner=None) -> ActionItem:
    """A task decided at the meeting: the responsible party (and person) and the due date,
    tracked as a deadline (apps.deadlines)."""
    from apps.signatures.services import assert_not_signed

    _require("control.may_record_meeting", user, meeting,
             _("Only the client's project lead or quality inspectors record action items."))
    description = _text(description, field="description", label=_("The action"))
    owner_party = _choice(owner_party, ActionOwnerParty, field="owner_party", label=_("the responsible party"))
    due_date = _ahead(due_date, field="due_date", label=_("The due date"))
    project = meeting.project
    if owner is not None:
        roles = CLIENT_ROLES if owner_party == ActionOwnerParty.CLIENT else CONTRACTOR_ROLES
        owner = _member(project, owner, roles=roles, field="owner",
                        message=_("The responsible person must be an active member of the responsible party."))
    with transaction.atomic(), history_context(user=user, reason=_("Action item added")):
        locked = Meeting.objects.select_for_update().select_related("project").get(pk=meeting.pk)
        assert_not_signed(locked, message=_("The minutes have been signed: no action item can be added."))
        _lock_project(locked.project)
        item = ActionItem.objects.create(project=locked.project, meeting=locked, description=description,
                                         owner_party=owner_party, owner=owner, due_date=due_date, created_by=user)
        _deadline(record=item, project=locked.project, kind=DEADLINE_ACTION,
                  title=_("Meeting action: %(text)s") % {"text": description[:80]}, due=due_date,
                  party=owner_party, person=owner, user=user)
        recipients = [owner] if owner else _people(
            locked.project, CLIENT_STAFF if owner_party == ActionOwnerParty.CLIENT else CONTRACTOR_PM)
        _notify(recipients=recipients, key=f"control:action:{item.pk}",
                title=_("Action from %(meeting)s, due %(due)s: %(text)s") % {
                    "meeting": locked, "due": f"{due_date:%Y-%m-%d}", "text": description[:80]},
                link=item.get_absolute_url(), project=locked.project)
    return item


def _lock_action(item: ActionItem) -> ActionItem:
    locked = ActionItem.objects.select_for_update().select_related("project", "meeting").get(pk=item.pk)
    if locked.state != ActionState.OPEN:
        raise DomainError(_("This action item is already closed (%(state)s).") % {"state": locked.get_state_display()},
                          code="illegal_transition")
    return locked


def action_item_complete(*, item: ActionItem, user, result: str) -> ActionItem:
    _require("control.may_close_action", user, item,
             _("Only the responsible party or the client's project lead can close this action item."))
    result = _text(result, field="result", label=_("The result"))
    with transaction.atomic(), history_context(user=user):
        locked = _lock_action(item)
        locked.state = ActionState.DONE
        locked.result_note = result
        locked.closed_by, locked.closed_at = user, timezone.now()
        save_with_history(locked, reason=_("Action item done"),
                          update_fields=["state", "result_note", "closed_by", "closed_at"])
        _close_deadlines(locked, user, DEADLINE_ACTION)
    return locked


def action_item_cancel(*, item: ActionItem, user, reason: str) -> ActionItem:
    from apps.deadlines.services import deadline_waive

    _require("control.may_cancel_action", user, item, _("Only the client's project lead can cancel an action item."))
    reason = _text(reason, field="reason", label=_("The reason for cancelling"))
    with transaction.atomic(), history_context(user=user):
        locked = _lock_action(item)
        locked.state = ActionState.CANCELLED
        locked.result_note = reason
        locked.closed_by, locked.closed_at = user, timezone.now()
        save_with_history(locked, reason=_("Action item cancelled: %(r)s") % {"r": reason},
                          update_fields=["state", "result_note", "closed_by", "closed_at"])
        for deadline in _open_deadlines(locked, DEADLINE_ACTION):
            deadline_waive(deadline=deadline, user=user, reason=reason)
    return locked


def _open_deadlines(record, kind: str):
    from django.contrib.contenttypes.models import ContentType

    from apps.deadlines.enums import DeadlineState
    from apps.deadlines.models import Deadline

    return Deadline.objects.filter(content_type=ContentType.objects.get_for_model(record), object_id=record.pk,
                                   kind=kind, state=DeadlineState.OPEN).order_by("pk")


# ================================================================ quality reports (§8.2.3)

def _period(period_start, period_end) -> tuple[dt.date, dt.date]:
    period_start = _not_future(period_start, field="period_start", label=_("The start of the period"))
    period_end = _not_future(period_end, field="period_end", label=_("The end of the period"))
    if period_end < period_start:
        raise DomainError(_("The period cannot end before it starts."), field="period_end")
    if (period_end - period_start).days >= MAX_REPORT_DAYS:
        raise DomainError(_("A report covers at most one year."), field="period_end")
    return period_start, period_end


def _report_texts(summary, problems, next_steps) -> dict:
    return {
        "summary": _text(summary, field="summary", label=_("The summary"), max_length=LONG_TEXT_MAX),
        "problems": _text(problems, field="problems", label=_("The main problems"), required=False),
        "next_steps": _text(next_steps, field="next_steps", label=_("The measures for the next period"),
                            required=False),
    }


def quality_report_prepare(*, project: Project, user, period_start: dt.date, period_end: dt.date, summary: str,
                           problems: str = "", next_steps: str = "") -> QualityReport:
    """The contractor prepares its quality and data report for a period: the figures come from
    the records (batches, sampling inspections, defects by grade, tickets), the analysis from it."""
    _require("control.may_prepare_report", user, project,
             _("Only the contractor's project manager or special inspector prepares quality reports."))
    period_start, period_end = _period(period_start, period_end)
    texts = _report_texts(summary, problems, next_steps)
    with transaction.atomic(), history_context(user=user, reason=_("Quality report prepared")):
        locked = _lock_project(project)
        if locked.quality_reports.filter(period_start=period_start, period_end=period_end).exists():
            raise DomainError(_("A report for this period already exists."), field="period_start",
                              code="duplicate")
        report = QualityReport(project=locked, number=_next_number(QualityReport, locked), period_start=period_start,
                               period_end=period_end, figures=selectors.report_figures(locked, period_start, period_end),
                               figures_at=timezone.now(), prepared_by=user, **texts)
        try:
            with transaction.atomic():
                report.save()
        except IntegrityError as exc:
            raise DomainError(_("A report for this period already exists."), field="period_start",
                              code="duplicate") from exc
    return report


def _lock_report(report: QualityReport, states, message: str) -> QualityReport:
    locked = QualityReport.objects.select_for_update().select_related("project").get(pk=report.pk)
    if locked.state not in states:
        raise DomainError(message % {"state": locked.get_state_display()}, code="illegal_transition")
    if locked.project.phase == Phase.CLOSED:
        raise DomainError(_("The project is closed."), code="illegal_transition")
    return locked


def quality_report_update(*, report: QualityReport, user, summary: str, problems: str = "",
                          next_steps: str = "") -> QualityReport:
    """Edit the analysis of a draft or returned report; the figures are recomputed."""
    _require("control.may_prepare_report", user, report,
             _("Only the contractor's project manager or special inspector edits quality reports."))
    texts = _report_texts(summary, problems, next_steps)
    with transaction.atomic(), history_context(user=user):
        locked = _lock_report(report, REPORT_EDITABLE, _("A submitted report cannot be changed (%(state)s)."))
        for f, v in texts.items():
            setattr(locked, f, v)
        locked.figures = selectors.report_figures(locked.project, locked.period_start, locked.period_end)
        locked.figures_at = timezone.now()
        save_with_history(locked, reason=_("Quality report edited"),
                          update_fields=[*texts, "figures", "figures_at", "updated_at"])
    return locked


def quality_report_submit(*, report: QualityReport, user) -> QualityReport:
    """Submit to the client: the figures are computed once more from the records and frozen."""
    from apps.deadlines.enums import DeadlineState
    from apps.deadlines.models import Deadline
    from apps.deadlines.services import deadline_meet

    _require("control.may_prepare_report", user, report,
             _("Only the contractor's project manager or special inspector submits quality reports."))
    with transaction.atomic(), history_context(user=user):
        locked = _lock_report(report, REPORT_EDITABLE, _("This report has already been submitted (%(state)s)."))
        project = locked.project
        locked.figures = selectors.report_figures(project, locked.period_start, locked.period_end)
        locked.figures_at = timezone.now()
        locked.state = ReportState.SUBMITTED
        locked.submitted_by, locked.submitted_at = user, timezone.now()
        save_with_history(locked, reason=_("Quality report submitted to the client"),
                          update_fields=["figures", "figures_at", "state", "submitted_by", "submitted_at",
                                         "updated_at"])
        # The report the client asked for by a date is delivered.
        for deadline in Deadline.objects.filter(project=project, kind=DEADLINE_REPORT, state=DeadlineState.OPEN):
            deadline_meet(deadline=deadline, user=user)
        _notify(recipients=_people(project, CLIENT_STAFF), key=f"control:report:{locked.pk}:submitted:"
                f"{locked.submitted_at:%Y%m%d%H%M%S}",
                title=_("%(report)s submitted: please acknowledge") % {"report": locked},
                link=locked.get_absolute_url(), project=project)
    return locked


def quality_report_return(*, report: QualityReport, user, reason: str) -> QualityReport:
    _require("control.may_acknowledge_report", user, report,
             _("Only the client's project lead or quality inspectors handle quality reports."))
    reason = _text(reason, field="reason", label=_("The reason for returning"))
    with transaction.atomic(), history_context(user=user):
        locked = _lock_report(report, (ReportState.SUBMITTED,), _("This report is not awaiting acknowledgement "
                                                                  "(%(state)s)."))
        locked.state = ReportState.RETURNED
        locked.return_reason = reason
        save_with_history(locked, reason=_("Returned for correction: %(r)s") % {"r": reason},
                          update_fields=["state", "return_reason", "updated_at"])
        _notify(recipients=_people(locked.project, REPORTERS), key=f"control:report:{locked.pk}:returned:"
                f"{timezone.now():%Y%m%d%H%M%S}", title=_("%(report)s returned for correction") % {"report": locked},
                body=reason, link=locked.get_absolute_url(), project=locked.project)
    return locked


def quality_report_acknowledge(*, report: QualityReport, user, comment: str = "",
                               next_report_due: dt.date | None = None) -> QualityReport:
    """The client acknowledges the report in writing, with its comments; it may set the date by
    which the next report is due (a deadline for the contractor)."""
    _require("control.may_acknowledge_report", user, report,
             _("Only the client's project lead or quality inspectors acknowledge quality reports."))
    comment = _text(comment, field="comment", label=_("The comments"), required=False)
    if next_report_due is not None:
        next_report_due = _ahead(next_report_due, field="next_report_due", label=_("The next report's due date"),
                                 allow_today=False)
    with transaction.atomic(), history_context(user=user):
        locked = _lock_report(report, (ReportState.SUBMITTED,), _("This report is not awaiting acknowledgement "
                                                                  "(%(state)s)."))
        locked.state = ReportState.ACKNOWLEDGED
        locked.client_comment = comment
        locked.acknowledged_by, locked.acknowledged_at = user, timezone.now()
        save_with_history(locked, reason=_("Acknowledged by the client"),
                          update_fields=["state", "client_comment", "acknowledged_by", "acknowledged_at",
                                         "updated_at"])
        project = locked.project
        if next_report_due is not None:
            _deadline(record=locked, project=project, kind=DEADLINE_REPORT,
                      title=_("Next quality and data report"), due=next_report_due, party=Party.CONTRACTOR,
                      person=locked.prepared_by, user=user)
        _notify(recipients=_people(project, REPORTERS), key=f"control:report:{locked.pk}:acknowledged",
                title=_("%(report)s acknowledged by the client") % {"report": locked}, body=comment,
                link=locked.get_absolute_url(), project=project)
    return locked


# ================================================================ progress plan (§8.2.4)

def milestone_add(*, project: Project, user, name: str, planned_start: dt.date, planned_end: dt.date,
                  planned_quantity: int | None = None) -> ProgressMilestone:
    """A stage of the contractor's progress plan (进度计划)."""
    _require("control.may_plan_progress", user, project,
             _("Only the contractor's project manager maintains the progress plan."))
    name = _text(name, field="name", label=_("The stage"), max_length=200)
    planned_start = _date(planned_start, field="planned_start", label=_("The planned start"))
    planned_end = _date(planned_end, field="planned_end", label=_("The planned end"))
    if planned_end < planned_start:
        raise DomainError(_("The planned end cannot be before the planned start."), field="planned_end")
    planned_quantity = _quantity(planned_quantity, field="planned_quantity", label=_("The planned quantity"))
    with transaction.atomic(), history_context(user=user, reason=_("Stage added to the progress plan")):
        locked = _lock_project(project)
        sequence = (locked.progress_milestones.aggregate(n=Max("sequence"))["n"] or 0) + 1
        return ProgressMilestone.objects.create(
            project=locked, sequence=sequence, name=name, planned_start=planned_start, planned_end=planned_end,
            original_planned_end=planned_end, planned_quantity=planned_quantity, created_by=user)


def _lock_milestone(milestone: ProgressMilestone) -> ProgressMilestone:
    locked = ProgressMilestone.objects.select_for_update().select_related("project").get(pk=milestone.pk)
    if locked.project.phase == Phase.CLOSED:
        raise DomainError(_("The project is closed."), code="illegal_transition")
    if locked.state == MilestoneState.DONE:
        raise DomainError(_("This stage is already done."), code="illegal_transition")
    return locked


def milestone_start(*, milestone: ProgressMilestone, user, actual_start: dt.date) -> ProgressMilestone:
    _require("control.may_plan_progress", user, milestone,
             _("Only the contractor's project manager records the progress."))
    actual_start = _not_future(actual_start, field="actual_start", label=_("The actual start"))
    with transaction.atomic(), history_context(user=user):
        locked = _lock_milestone(milestone)
        if locked.state != MilestoneState.PLANNED:
            raise DomainError(_("This stage has already started."), code="illegal_transition")
        locked.state = MilestoneState.IN_PROGRESS
        locked.actual_start = actual_start
        save_with_history(locked, reason=_("Stage started"), update_fields=["state", "actual_start", "updated_at"])
    return locked


def milestone_record_progress(*, milestone: ProgressMilestone, user, actual_quantity: int) -> ProgressMilestone:
    _require("control.may_plan_progress", user, milestone,
             _("Only the contractor's project manager records the progress."))
    actual_quantity = _quantity(actual_quantity, field="actual_quantity", label=_("The quantity done"))
    if actual_quantity is None:
        raise DomainError(_("Give the quantity done."), field="actual_quantity")
    with transaction.atomic(), history_context(user=user):
        locked = _lock_milestone(milestone)
        if locked.actual_start is None:
            raise DomainError(_("Start the stage before recording its progress."), code="illegal_transition")
        locked.actual_quantity = actual_quantity
        save_with_history(locked, reason=_("Progress recorded: %(n)d") % {"n": actual_quantity},
                          update_fields=["actual_quantity", "updated_at"])
    return locked


def milestone_complete(*, milestone: ProgressMilestone, user, actual_end: dt.date,
                       actual_quantity: int | None = None) -> ProgressMilestone:
    """The contractor declares a stage done. §8.2.4 (进度与质量冲突时以质量优先): refused while
    rectification tickets are open or batches await rectification; hold the stage for quality
    instead."""
    _require("control.may_plan_progress", user, milestone,
             _("Only the contractor's project manager records the progress."))
    actual_end = _not_future(actual_end, field="actual_end", label=_("The actual end"))
    actual_quantity = _quantity(actual_quantity, field="actual_quantity", label=_("The quantity done"))
    with transaction.atomic(), history_context(user=user):
        locked = _lock_milestone(milestone)
        if locked.state != MilestoneState.IN_PROGRESS:
            raise DomainError(_("Only a stage in progress can be completed (%(state)s).")
                              % {"state": locked.get_state_display()}, code="illegal_transition")
        if actual_end < locked.actual_start:
            raise DomainError(_("The actual end cannot be before the actual start."), field="actual_end")
        conflicts = selectors.quality_conflicts(locked.project)
        if conflicts:
            raise DomainError(_("Quality comes before the schedule (§8.2.4): %(why)s Close them first, or hold the "
                                "stage for quality.") % {"why": " ".join(conflicts)}, code="quality_first")
        locked.state = MilestoneState.DONE
        locked.actual_end = actual_end
        if actual_quantity is not None:
            locked.actual_quantity = actual_quantity
        save_with_history(locked, reason=_("Stage done"),
                          update_fields=["state", "actual_end", "actual_quantity", "updated_at"])
    return locked


def milestone_hold_for_quality(*, milestone: ProgressMilestone, user, reason: str,
                               new_planned_end: dt.date | None = None) -> ProgressMilestone:
    """Quality first (§8.2.4): the stage waits for quality, with the reason and, if the plan
    moves, its new planned end; the originally planned end stays on the record."""
    _require("control.may_hold_for_quality", user, milestone,
             _("Only the client's project team or the contractor's project manager can hold a stage for quality."))
    reason = _text(reason, field="reason", label=_("The quality reason"))
    if new_planned_end is not None:
        new_planned_end = _date(new_planned_end, field="new_planned_end", label=_("The new planned end"))
    with transaction.atomic(), history_context(user=user):
        locked = _lock_milestone(milestone)
        if locked.state == MilestoneState.HELD_FOR_QUALITY:
            raise DomainError(_("This stage is already held for quality."), code="illegal_transition")
        fields = ["state", "quality_hold_reason", "held_count", "updated_at"]
        if new_planned_end is not None:
            if new_planned_end < locked.planned_start:
                raise DomainError(_("The new planned end cannot be before the planned start."),
                                  field="new_planned_end")
            locked.planned_end = new_planned_end
            fields.append("planned_end")
        locked.state = MilestoneState.HELD_FOR_QUALITY
        locked.quality_hold_reason = reason
        locked.held_count += 1
        save_with_history(locked, reason=_("Held for quality (quality first): %(r)s") % {"r": reason},
                          update_fields=fields)
        _notify(recipients=_people(locked.project, [*CLIENT_STAFF, *CONTRACTOR_PM]),
                key=f"control:stage:{locked.pk}:held:{locked.held_count}",
                title=_("Stage held for quality: %(stage)s") % {"stage": locked}, body=reason,
                link=locked.get_absolute_url(), project=locked.project)
    return locked


def milestone_resume(*, milestone: ProgressMilestone, user, note: str) -> ProgressMilestone:
    _require("control.may_hold_for_quality", user, milestone,
             _("Only the client's project team or the contractor's project manager can resume a stage."))
    note = _text(note, field="note", label=_("What was resolved"))
    with transaction.atomic(), history_context(user=user):
        locked = _lock_milestone(milestone)
        if locked.state != MilestoneState.HELD_FOR_QUALITY:
            raise DomainError(_("This stage is not held for quality."), code="illegal_transition")
        locked.state = MilestoneState.IN_PROGRESS if locked.actual_start else MilestoneState.PLANNED
        save_with_history(locked, reason=_("Resumed after the quality hold: %(r)s") % {"r": note},
                          update_fields=["state", "updated_at"])
    return locked


# ================================================================ improvement plans (§6.2.3, §10.2)

def _improvement_values(project: Project, *, source, problem_analysis, target, owner, path, deadline,
                        verification_method) -> dict:
    return {
        "source": _choice(source, ImprovementSource, field="source", label=_("the basis")),
        "problem_analysis": _text(problem_analysis, field="problem_analysis", label=_("The problems and causes")),
        "target": _text(target, field="target", label=_("The improvement target")),
        "owner": _member(project, owner, roles=CONTRACTOR_ROLES, field="owner",
                         message=_("The responsible person must be an active member of the contractor's team.")),
        "path": _text(path, field="path", label=_("The implementation path")),
        "deadline": _ahead(deadline, field="deadline", label=_("The completion deadline"), allow_today=False),
        "verification_method": _text(verification_method, field="verification_method",
                                     label=_("The verification method")),
    }


def improvement_plan_create(*, project: Project, user, source: str, problem_analysis: str, target: str, owner,
                            path: str, deadline: dt.date, verification_method: str) -> ImprovementPlan:
    """The contractor's quality improvement plan (§6.2.3, §10.2): target, responsible person,
    path, deadline and verification method, from the analysis of the problems."""
    _require("control.may_write_improvement", user, project,
             _("Only the contractor's project manager writes quality improvement plans."))
    values = _improvement_values(project, source=source, problem_analysis=problem_analysis, target=target,
                                 owner=owner, path=path, deadline=deadline, verification_method=verification_method)
    with transaction.atomic(), history_context(user=user, reason=_("Improvement plan drafted")):
        locked = _lock_project(project)
        return ImprovementPlan.objects.create(project=locked, number=_next_number(ImprovementPlan, locked),
                                              prepared_by=user, **values)


def _lock_plan(plan: ImprovementPlan, states, message: str) -> ImprovementPlan:
    locked = ImprovementPlan.objects.select_for_update().select_related("project").get(pk=plan.pk)
    if locked.state not in states:
        raise DomainError(message % {"state": locked.get_state_display()}, code="illegal_transition")
    if locked.project.phase == Phase.CLOSED:
        raise DomainError(_("The project is closed."), code="illegal_transition")
    return locked


def improvement_plan_update(*, plan: ImprovementPlan, user, source: str, problem_analysis: str, target: str, owner,
                            path: str, deadline: dt.date, verification_method: str) -> ImprovementPlan:
    _require("control.may_write_improvement", user, plan,
             _("Only the contractor's project manager edits quality improvement plans."))
    values = _improvement_values(plan.project, source=source, problem_analysis=problem_analysis, target=target,
                                 owner=owner, path=path, deadline=deadline, verification_method=verification_method)
    with transaction.atomic(), history_context(user=user):
        locked = _lock_plan(plan, IMPROVEMENT_EDITABLE, _("A plan submitted for filing cannot be changed (%(state)s)."))
        changed = [f for f, v in values.items() if getattr(locked, f) != v]
        for f in changed:
            setattr(locked, f, values[f])
        if changed:
            save_with_history(locked, reason=_("Improvement plan edited"), update_fields=[*changed, "updated_at"])
    return locked


def improvement_plan_submit(*, plan: ImprovementPlan, user) -> ImprovementPlan:
    """报发包方备案: the plan goes to the client for filing."""
    _require("control.may_write_improvement", user, plan,
             _("Only the contractor's project manager submits quality improvement plans."))
    with transaction.atomic(), history_context(user=user):
        locked = _lock_plan(plan, IMPROVEMENT_EDITABLE, _("This plan has already been submitted (%(state)s)."))
        if locked.deadline <= timezone.localdate():
            raise DomainError(_("The completion deadline has passed; set a new one before submitting."),
                              field="deadline")
        locked.state = ImprovementState.FILED
        locked.submitted_at = timezone.now()
        save_with_history(locked, reason=_("Submitted to the client for filing"),
                          update_fields=["state", "submitted_at", "updated_at"])
        _notify(recipients=_people(locked.project, CLIENT_STAFF),
                key=f"control:improvement:{locked.pk}:filed:{locked.submitted_at:%Y%m%d%H%M%S}",
                title=_("%(plan)s submitted for filing") % {"plan": locked}, body=locked.target,
                link=locked.get_absolute_url(), project=locked.project)
    return locked


def improvement_plan_return(*, plan: ImprovementPlan, user, reason: str) -> ImprovementPlan:
    _require("control.may_review_improvement", user, plan,
             _("Only the client's project lead or quality inspectors review improvement plans."))
    reason = _text(reason, field="reason", label=_("The reason for returning"))
    with transaction.atomic(), history_context(user=user):
        locked = _lock_plan(plan, (ImprovementState.FILED,), _("This plan is not awaiting filing (%(state)s)."))
        locked.state = ImprovementState.RETURNED
        locked.return_reason = reason
        save_with_history(locked, reason=_("Returned for revision: %(r)s") % {"r": reason},
                          update_fields=["state", "return_reason", "updated_at"])
        _notify(recipients=_people(locked.project, CONTRACTOR_PM),
                key=f"control:improvement:{locked.pk}:returned:{timezone.now():%Y%m%d%H%M%S}",
                title=_("%(plan)s returned for revision") % {"plan": locked}, body=reason,
                link=locked.get_absolute_url(), project=locked.project)
    return locked


def improvement_plan_file(*, plan: ImprovementPlan, user, comment: str = "") -> ImprovementPlan:
    """The client files the plan (备案); it is tracked to its deadline from now on."""
    _require("control.may_review_improvement", user, plan,
             _("Only the client's project lead or quality inspectors file improvement plans."))
    comment = _text(comment, field="comment", label=_("The comments"), required=False)
    with transaction.atomic(), history_context(user=user):
        locked = _lock_plan(plan, (ImprovementState.FILED,), _("This plan is not awaiting filing (%(state)s)."))
        locked.state = ImprovementState.IN_PROGRESS
        locked.filed_by, locked.filed_at = user, timezone.now()
        locked.filing_comment = comment
        save_with_history(locked, reason=_("Filed by the client"),
                          update_fields=["state", "filed_by", "filed_at", "filing_comment", "updated_at"])
        _deadline(record=locked, project=locked.project, kind=DEADLINE_IMPROVEMENT,
                  title=_("Complete %(plan)s") % {"plan": locked}, due=locked.deadline, party=Party.CONTRACTOR,
                  person=locked.owner, user=user)
        _notify(recipients=[locked.owner, *_people(locked.project, CONTRACTOR_PM)],
                key=f"control:improvement:{locked.pk}:in_progress",
                title=_("%(plan)s filed: implement it by %(due)s") % {"plan": locked,
                                                                     "due": f"{locked.deadline:%Y-%m-%d}"},
                link=locked.get_absolute_url(), project=locked.project)
    return locked


def improvement_plan_complete(*, plan: ImprovementPlan, user, completion_report: str) -> ImprovementPlan:
    _require("control.may_write_improvement", user, plan,
             _("Only the contractor's project manager reports an improvement plan as completed."))
    completion_report = _text(completion_report, field="completion_report", label=_("What was done"))
    with transaction.atomic(), history_context(user=user):
        locked = _lock_plan(plan, (ImprovementState.IN_PROGRESS,),
                            _("Only a filed plan being implemented can be completed (%(state)s)."))
        locked.state = ImprovementState.COMPLETED
        locked.completion_report = completion_report
        locked.completed_at = timezone.now()
        save_with_history(locked, reason=_("Completed, awaiting the client's verification"),
                          update_fields=["state", "completion_report", "completed_at", "updated_at"])
        _close_deadlines(locked, user, DEADLINE_IMPROVEMENT)
        _notify(recipients=_people(locked.project, CLIENT_STAFF),
                key=f"control:improvement:{locked.pk}:completed:{locked.completed_at:%Y%m%d%H%M%S}",
                title=_("%(plan)s completed: verify its effect") % {"plan": locked},
                link=locked.get_absolute_url(), project=locked.project)
    return locked


def improvement_plan_verify(*, plan: ImprovementPlan, user, effective: bool, verification_record: str,
                            new_deadline: dt.date | None = None) -> ImprovementPlan:
    """§10.2: the client verifies the effect and keeps the verification record. Without effect
    the plan goes back to implementation with a new deadline."""
    _require("control.may_review_improvement", user, plan,
             _("Only the client's project lead or quality inspectors verify improvement plans."))
    effective = _bool(effective, field="effective", label=_("effective"))
    verification_record = _text(verification_record, field="verification_record",
                                label=_("The verification record"))
    if not effective:
        if new_deadline is None:
            raise DomainError(_("Set a new completion deadline for the plan that did not take effect."),
                              field="new_deadline")
        new_deadline = _ahead(new_deadline, field="new_deadline", label=_("The new completion deadline"),
                              allow_today=False)
    with transaction.atomic(), history_context(user=user):
        locked = _lock_plan(plan, (ImprovementState.COMPLETED,),
                            _("This plan is not awaiting verification (%(state)s)."))
        locked.verification_record = verification_record
        locked.verified_by, locked.verified_at = user, timezone.now()
        if effective:
            locked.state = ImprovementState.VERIFIED
            save_with_history(locked, reason=_("Effect verified by the client"),
                              update_fields=["state", "verification_record", "verified_by", "verified_at",
                                             "updated_at"])
        else:
            locked.state = ImprovementState.IN_PROGRESS
            locked.deadline = new_deadline
            locked.failed_verifications += 1
            save_with_history(locked, reason=_("Verified without effect: back to implementation until %(due)s")
                              % {"due": f"{new_deadline:%Y-%m-%d}"},
                              update_fields=["state", "verification_record", "verified_by", "verified_at",
                                             "deadline", "failed_verifications", "updated_at"])
            _deadline(record=locked, project=locked.project, kind=DEADLINE_IMPROVEMENT,
                      title=_("Complete %(plan)s (again)") % {"plan": locked}, due=new_deadline,
                      party=Party.CONTRACTOR, person=locked.owner, user=user)
        _notify(recipients=_people(locked.project, CONTRACTOR_PM),
                key=f"control:improvement:{locked.pk}:verified:{locked.verified_at:%Y%m%d%H%M%S}",
                title=(_("%(plan)s: effect verified") if effective else _("%(plan)s: no effect, continue"))
                % {"plan": locked}, body=verification_record, link=locked.get_absolute_url(),
                project=locked.project)
    return locked
