"""Risk register services (§5.2.2, §6.3.1)::

    risk_reassessment_request (system: project start, approved major change, incident) ──► OPEN
    risk_point_add / _update / _rate / _retire (client lead rates; the contractor proposes)
    risk_assessment_complete (client lead) ──► closes the OPEN requests, sets Project.risk_level
                                               (→ sampling floor, patrol frequency)
"""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.enums import CLIENT_ROLES, CONTRACTOR_ROLES
from apps.core.errors import DomainError, PermissionDenied
from apps.core.history import history_context, save_with_history
from apps.core.locking import lock
from apps.core.notify import notify
from apps.core.permissions import allowed, require
from apps.core.text import clean_text
from apps.projects.enums import Phase, RiskLevel
from apps.projects.models import Project

from .. import selectors
from ..enums import AssessmentTrigger, RequestState, RiskCategory, RiskPointStatus
from ..models import TEXT_MAX, RiskAssessment, RiskPoint, RiskReassessmentRequest
from ..rules import CLIENT_LEAD, CLIENT_STAFF, CONTRACTOR_PM
from .common import choice, lock_open_project, member, not_future, people, project_closed_error


def risk_reassessment_request(*, project: Project, trigger: str, note: str = "", source_label: str = "",
                              source_url: str = "") -> RiskReassessmentRequest:
    """The system asks the client lead for a risk (re-)assessment (§5.2.2: at project start,
    after a major change, after a security or quality problem). Idempotent: while a request of
    the same project, trigger and source is open, that request is returned and nothing is added.
    Called inside the event's transaction; its history row carries the event's user."""
    trigger = choice(trigger, AssessmentTrigger, field="trigger", label=_("the trigger"))
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
        notify(recipients=people(project, CLIENT_LEAD), key=f"control:risk_request:{request.pk}",
               title=_("Risk re-assessment required (%(trigger)s): %(project)s")
               % {"trigger": request.get_trigger_display(), "project": project.name},
               body=note, link=request.get_absolute_url(), project=project, kind="control")
    return request


def project_started(*, project: Project, user) -> None:
    """apps.projects hook: the risks are assessed at project start (§5.2.2)."""
    risk_reassessment_request(project=project, trigger=AssessmentTrigger.START,
                              note=_("Identify the key risk points with the contractor and rate them high, medium "
                                     "or low before the work starts."))


def _owner(project: Project, owner):
    if owner is None:
        return None
    return member(project, owner, roles=[*CLIENT_ROLES, *CONTRACTOR_ROLES], field="owner",
                  message=_("The responsible person must be an active member of the project."))


def _point_texts(description, control_measures) -> tuple[str, str]:
    return (clean_text(description, field="description", label=_("The risk description"), max_length=TEXT_MAX),
            clean_text(control_measures, field="control_measures", label=_("The control measures"),
                       required=False, max_length=TEXT_MAX))


def risk_point_add(*, project: Project, user, category: str, description: str, control_measures: str = "",
                   level: str = "", owner=None) -> RiskPoint:
    """A risk point of the register. The client leads and rates; the contractor (PM, security
    officer) may propose points, which stay unrated until the client lead rates them."""
    require("control.may_add_risk_point", user, project)
    category = choice(category, RiskCategory, field="category", label=_("the category"))
    description, control_measures = _point_texts(description, control_measures)
    level = level or ""
    if level:
        level = choice(level, RiskLevel, field="level", label=_("the risk level"))
        if not allowed("control.may_rate_risk", user, project):
            raise PermissionDenied(_("Only the client's project lead rates risk points; leave the level empty."),
                                   field="level")
    owner = _owner(project, owner)
    with transaction.atomic(), history_context(user=user, reason=_("Risk point added")):
        locked = lock_open_project(project)
        point = RiskPoint.objects.create(project=locked, category=category, description=description, level=level,
                                         control_measures=control_measures, owner=owner, created_by=user)
        if not level:
            notify(recipients=people(locked, CLIENT_LEAD), key=f"control:risk_point:{point.pk}:proposed",
                   title=_("Risk point proposed, to be rated: %(text)s") % {"text": description[:60]},
                   link=point.get_absolute_url(), project=locked, kind="control")
    return point


def _locked_point(point: RiskPoint) -> RiskPoint:
    locked = lock(point, related=("project",))
    if locked.status != RiskPointStatus.ACTIVE:
        raise DomainError(_("This risk point has been retired."), code="illegal_transition")
    if locked.project.phase == Phase.CLOSED:
        raise project_closed_error()
    return locked


def risk_point_update(*, risk_point: RiskPoint, user, category: str, description: str, control_measures: str,
                      owner=None) -> RiskPoint:
    """The client lead edits a point; the contractor (PM, security officer) keeps its control
    measures up to date and cannot change anything else."""
    require("control.can_edit_risk_point", user, risk_point)
    category = choice(category, RiskCategory, field="category", label=_("the category"))
    description, control_measures = _point_texts(description, control_measures)
    owner = _owner(risk_point.project, owner)
    is_lead = allowed("control.may_rate_risk", user, risk_point.project)
    with transaction.atomic(), history_context(user=user):
        locked = _locked_point(risk_point)
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


def risk_point_rate(*, risk_point: RiskPoint, user, level: str, reason: str = "") -> RiskPoint:
    """The client lead rates a point high, medium or low (§5.2.2). The project's level changes
    only with a completed assessment."""
    require("control.may_rate_risk", user, risk_point)
    level = choice(level, RiskLevel, field="level", label=_("the risk level"))
    reason = clean_text(reason, field="reason", label=_("The reason"), required=False, max_length=TEXT_MAX)
    with transaction.atomic(), history_context(user=user):
        locked = _locked_point(risk_point)
        if locked.level == level:
            raise DomainError(_("The risk point already has this level."), field="level", code="unchanged")
        old = locked.get_level_display() if locked.level else _("unrated")
        locked.level = level
        text = _("Rated %(old)s → %(new)s") % {"old": old, "new": locked.get_level_display()}
        save_with_history(locked, reason=f"{text}: {reason}" if reason else text, update_fields=["level", "updated_at"])
    return locked


def risk_point_retire(*, risk_point: RiskPoint, user, reason: str) -> RiskPoint:
    """The client lead retires a point that no longer applies; it stays in the register."""
    require("control.may_retire_risk_point", user, risk_point)
    reason = clean_text(reason, field="reason", label=_("The reason for retiring"), max_length=TEXT_MAX)
    with transaction.atomic(), history_context(user=user):
        locked = _locked_point(risk_point)
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


def _assessment_input(*, conclusion, trigger, resulting_level, level_reason, assessed_on) -> dict:
    values = {
        "conclusion": clean_text(conclusion, field="conclusion", label=_("The conclusion"), max_length=TEXT_MAX),
        "level_reason": clean_text(level_reason, field="level_reason", label=_("The reason for a different level"),
                                   required=False, max_length=TEXT_MAX),
        "trigger": trigger or None,
        "resulting_level": resulting_level or None,
    }
    if values["trigger"] is not None:
        values["trigger"] = choice(trigger, AssessmentTrigger, field="trigger", label=_("the trigger"))
    if values["resulting_level"] is not None:
        values["resulting_level"] = choice(resulting_level, RiskLevel, field="resulting_level",
                                           label=_("the risk level"))
    values["assessed_on"] = timezone.localdate() if assessed_on is None else not_future(
        assessed_on, field="assessed_on", label=_("The assessment date"))
    return values


def _rated_points(project: Project) -> list[RiskPoint]:
    points = list(selectors.active_risk_points(project).select_related("owner").order_by("pk"))
    if not points:
        raise DomainError(_("Record the project's risk points before assessing them."), code="incomplete")
    unrated = [p for p in points if not p.level]
    if unrated:
        raise DomainError(_("Rate every active risk point first (%(n)d not rated).") % {"n": len(unrated)},
                          code="incomplete")
    return points


def _snapshot(points) -> list[dict]:
    return [{"id": p.pk, "category": p.category, "description": p.description, "level": p.level,
             "control_measures": p.control_measures,
             "owner": (p.owner.get_full_name() or p.owner.get_username()) if p.owner else ""} for p in points]


def _close_requests(open_requests, assessment: RiskAssessment) -> None:
    now = timezone.now()
    for request in open_requests:
        request.state = RequestState.CLOSED
        request.closed_at = now
        request.closed_by = assessment
        save_with_history(request, reason=_("Closed by the risk assessment of %(date)s")
                          % {"date": f"{assessment.assessed_on:%Y-%m-%d}"},
                          update_fields=["state", "closed_at", "closed_by"])


def _level_changed(project: Project, user, assessment: RiskAssessment) -> None:
    """The project's level follows the assessment; both parties learn what it now requires."""
    _project_risk_level_set(
        project=project, user=user, level=assessment.resulting_level,
        reason=_("Risk level %(old)s → %(new)s after the risk assessment of %(date)s") % {
            "old": RiskLevel(assessment.previous_level).label, "new": RiskLevel(assessment.resulting_level).label,
            "date": f"{assessment.assessed_on:%Y-%m-%d}"})
    rate = selectors.sampling_floor_rate(project)
    notify(recipients=people(project, [*CLIENT_STAFF, *CONTRACTOR_PM]),
           key=f"control:assessment:{assessment.pk}:level",
           title=_("Project risk level is now %(level)s: %(project)s") % {
               "level": RiskLevel(assessment.resulting_level).label, "project": project.name},
           body=_("Minimum sampling rate %(rate)s %%; at least %(n)d patrols a week.") % {
               "rate": rate if rate is not None else "—", "n": selectors.patrols_required_per_week(project)},
           link=assessment.get_absolute_url(), project=project, kind="control")


def risk_assessment_complete(*, project: Project, user, conclusion: str, trigger: str | None = None,
                             resulting_level: str | None = None, level_reason: str = "",
                             assessed_on: dt.date | None = None) -> RiskAssessment:
    """The client lead completes a risk (re-)assessment over the rated active points: the project
    is as risky as its riskiest point unless the lead states another level with a reason. It
    closes every open re-assessment request and sets the project's risk level, which drives the
    sampling floor (apps.sampling) and the patrol frequency (§8.2.2)."""
    require("control.may_assess_risk", user, project)
    values = _assessment_input(conclusion=conclusion, trigger=trigger, resulting_level=resulting_level,
                               level_reason=level_reason, assessed_on=assessed_on)
    with transaction.atomic(), history_context(user=user):
        locked = lock_open_project(project)
        points = _rated_points(locked)
        computed = selectors.highest_level(points)
        resulting = values["resulting_level"] or computed
        level_reason = values["level_reason"]
        if resulting != computed and not level_reason:
            raise DomainError(_("Give the reason for setting the project's level other than its highest risk "
                                "point's (%(level)s).") % {"level": RiskLevel(computed).label}, field="level_reason")
        if resulting == computed:
            level_reason = ""
        open_requests = list(selectors.open_reassessment_requests(locked).select_for_update())
        trigger = values["trigger"] or (open_requests[0].trigger if open_requests else AssessmentTrigger.PERIODIC)
        assessment = RiskAssessment(
            project=locked, trigger=trigger, assessed_on=values["assessed_on"], conclusion=values["conclusion"],
            computed_level=computed, resulting_level=resulting, level_reason=level_reason,
            previous_level=locked.risk_level, assessed_by=user, points_snapshot=_snapshot(points))
        assessment._change_reason = _("Risk assessment completed: %(level)s") % {
            "level": RiskLevel(resulting).label}
        assessment.save()
        _close_requests(open_requests, assessment)
        if resulting != assessment.previous_level:
            _level_changed(locked, user, assessment)
    project.risk_level, project.version = locked.risk_level, locked.version
    return assessment
