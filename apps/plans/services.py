"""Writes of the plan review (§5.1.2, §8.1.2). One function per transition; each checks the
state and the role, saves with a history reason and notifies on commit."""

from __future__ import annotations

import rules
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.enums import ProjectRole
from apps.core.validation import full_clean_or_error
from apps.core.errors import DomainError, PermissionDenied
from apps.core.history import history_context
from apps.notifications.services import notify
from apps.projects.models import Project

from . import selectors
from .enums import OPEN_STATUSES, PlanStatus
from .models import CONTENT_FIELDS, TEXT_MAX, PlanVersion, is_major_project

REQUIRED_FIELDS = ("title", "implementation_plan", "quality_targets", "procedures", "control_points")


def _require(rule: str, user, obj, message: str) -> None:
    if user is None or not rules.test_rule(rule, user, obj):
        raise PermissionDenied(message)


def _full_clean(obj, exclude: list[str] | None = None) -> None:
    full_clean_or_error(obj, exclude)


def _text(value, *, field: str, max_length: int = TEXT_MAX) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise DomainError(_("Enter text."), field=field)
    value = value.strip()
    if len(value) > max_length:
        raise DomainError(_("The text is too long (at most %(n)d characters).") % {"n": max_length}, field=field)
    return value


def _clean_content(fields: dict) -> dict:
    unknown = set(fields) - set(CONTENT_FIELDS)
    if unknown:
        raise DomainError(_("These fields cannot be set here: %(f)s") % {"f": ", ".join(sorted(unknown))})
    return {k: _text(v, field=k, max_length=200 if k == "title" else TEXT_MAX) for k, v in fields.items()}


def _lock(version: PlanVersion, *, expected: str, message: str) -> PlanVersion:
    locked = PlanVersion.objects.select_for_update().select_related("project").get(pk=version.pk)
    if locked.status != expected:
        raise DomainError(message, code="illegal_transition")
    return locked


def _notify(version: PlanVersion, *, event: str, roles: set[str], title: str) -> None:
    people = [m.user for m in version.project.members.filter(is_active=True, role__in=roles).select_related("user")]
    notify(recipients=people, key=f"plan:{version.pk}:{event}", title=title, link=version.get_absolute_url(),
           project=version.project, kind="plan")


def _new_version(*, project: Project, user, content: dict, based_on: PlanVersion | None,
                 change_reason: str, reason: str) -> PlanVersion:
    with transaction.atomic(), history_context(user=user, reason=reason):
        Project.objects.select_for_update().filter(pk=project.pk).first()
        versions = project.plan_versions.all()
        if versions.filter(status__in=OPEN_STATUSES).exists():
            raise DomainError(_("A plan version is already being prepared or reviewed; finish it first."),
                              code="illegal_transition")
        number = (versions.aggregate(n=Max("number"))["n"] or 0) + 1
        if number > 1 and not change_reason:
            raise DomainError(_("Say what changed in this version and why."), field="change_reason")
        version = PlanVersion(project=project, number=number, based_on=based_on, change_reason=change_reason,
                              created_by=user, **content)
        _full_clean(version, exclude=["project", "based_on", "created_by", "submitted_by", "reviewed_by"])
        try:
            with transaction.atomic():
                version.save()
        except IntegrityError as exc:
            raise DomainError(_("A plan version is already being prepared or reviewed; finish it first."),
                              code="illegal_transition") from exc
    return version


def plan_version_create(*, project: Project, user, change_reason: str = "", **content) -> PlanVersion:
    """The contractor PM writes a new version from scratch (the first one, or a rewrite)."""
    _require("plans.can_create_plan_version", user, project,
             _("Only the contractor's project manager can write the implementation plan."))
    content = _clean_content(content)
    change_reason = _text(change_reason, field="change_reason", max_length=4000)
    return _new_version(project=project, user=user, content=content, based_on=selectors.latest_submitted(project),
                        change_reason=change_reason, reason=_("Plan version created"))


def _copy(source: PlanVersion) -> dict:
    return {f: getattr(source, f) for f in CONTENT_FIELDS}


def plan_version_revise(*, version: PlanVersion, user, reason: str) -> PlanVersion:
    """The contractor PM starts a new version from a returned or approved one (a changed plan
    is a new version and must be reviewed again)."""
    _require("plans.can_create_plan_version", user, version.project,
             _("Only the contractor's project manager can write the implementation plan."))
    version = PlanVersion.objects.select_related("project").get(pk=version.pk)  # never a stale copy
    if version.status not in (PlanStatus.RETURNED, PlanStatus.APPROVED):
        raise DomainError(_("Only a returned or approved version can be revised."), code="illegal_transition")
    reason = _text(reason, field="change_reason", max_length=4000)
    return _new_version(project=version.project, user=user, content=_copy(version), based_on=version,
                        change_reason=reason, reason=_("Plan revised into a new version"))


def plan_new_version_from_change(*, project: Project, user, reason: str) -> PlanVersion:
    """Issue 7: an approved change request that touches the plan opens a new version for
    review: the version in force is copied into a new draft that the contractor completes."""
    _require("plans.can_open_plan_version_from_change", user, project,
             _("Only the client lead or the contractor's project manager can open a new plan version."))
    reason = _text(reason, field="reason", max_length=4000)
    if not reason:
        raise DomainError(_("Say which change request requires the new plan version."), field="reason")
    in_force = selectors.plan_in_force(project)
    if in_force is None:
        raise DomainError(_("There is no approved plan in force to change."), code="illegal_transition")
    return _new_version(project=project, user=user, content=_copy(in_force), based_on=in_force,
                        change_reason=reason, reason=_("New plan version opened by a change request"))


def plan_version_update(*, version: PlanVersion, user, change_reason: str | None = None,
                        **content) -> PlanVersion:
    _require("plans.can_edit_plan", user, version,
             _("Only the contractor's project manager can change a plan version, and only before it is submitted."))
    content = _clean_content(content)
    if change_reason is not None:
        content["change_reason"] = _text(change_reason, field="change_reason", max_length=4000)
    with transaction.atomic(), history_context(user=user, reason=_("Plan version edited")):
        locked = _lock(version, expected=PlanStatus.DRAFT,
                       message=_("A submitted plan version cannot be changed; revise it into a new version."))
        changed = [n for n, v in content.items() if getattr(locked, n) != v]
        for n in changed:
            setattr(locked, n, content[n])
        if changed:
            _full_clean(locked, exclude=["project", "based_on", "created_by", "submitted_by", "reviewed_by"])
            locked.save(update_fields=[*changed, "updated_at"])
    return locked


def plan_version_submit(*, version: PlanVersion, user) -> PlanVersion:
    """Submit a draft for review. After an approval, this puts the plan back under review:
    the gate ``plan_approved`` is unmet until this version is approved in writing."""
    _require("plans.can_submit_plan", user, version,
             _("Only the contractor's project manager can submit the plan."))
    with transaction.atomic(), history_context(user=user, reason=_("Plan version submitted for review")):
        locked = _lock(version, expected=PlanStatus.DRAFT, message=_("Only a draft plan version can be submitted."))
        empty = [str(locked._meta.get_field(f).verbose_name) for f in REQUIRED_FIELDS if not getattr(locked, f)]
        if empty:
            raise DomainError(_("Fill in before submitting: %(f)s") % {"f": "；".join(empty)}, code="incomplete")
        if is_major_project(locked.project) and not locked.detailed_rules:
            raise DomainError(_("This is a major project (high risk or classified): the plan must include its "
                                "detailed rules (细则) before it is submitted."), field="detailed_rules",
                              code="incomplete")
        locked.status = PlanStatus.SUBMITTED
        locked.submitted_by = user
        locked.submitted_at = timezone.now()
        locked.save(update_fields=["status", "submitted_by", "submitted_at", "updated_at"])
        _notify(locked, event="submitted", roles={ProjectRole.CLIENT_LEAD, ProjectRole.CLIENT_INSPECTOR},
                title=_("Plan version %(n)d submitted for review") % {"n": locked.number})
    return locked


def plan_version_approve(*, version: PlanVersion, user, comments: str = "") -> PlanVersion:
    """The client lead approves a submitted version; the written approval is the client
    lead's signature (批准) on it, made next. Until signed the version is not in force."""
    _require("plans.can_approve_plan", user, version, _("Only the client's project lead can approve the plan."))
    comments = _text(comments, field="comments")
    with transaction.atomic(), history_context(user=user, reason=_("Plan version approved")):
        locked = _lock(version, expected=PlanStatus.SUBMITTED,
                       message=_("Only a submitted plan version can be approved."))
        locked.status = PlanStatus.APPROVED
        locked.reviewed_by = user
        locked.reviewed_at = timezone.now()
        locked.review_comments = comments
        locked.save(update_fields=["status", "reviewed_by", "reviewed_at", "review_comments", "updated_at"])
        _notify(locked, event="approved", roles={ProjectRole.CONTRACTOR_PM},
                title=_("Plan version %(n)d approved") % {"n": locked.number})
    return locked


def plan_version_return(*, version: PlanVersion, user, comments: str) -> PlanVersion:
    """The client returns a submitted version with comments; the contractor revises it into a
    new version."""
    _require("plans.can_return_plan", user, version,
             _("Only the client's project lead or quality inspector can return the plan."))
    comments = _text(comments, field="comments")
    if not comments:
        raise DomainError(_("Write the comments the contractor must address."), field="comments")
    with transaction.atomic(), history_context(user=user, reason=_("Plan version returned with comments")):
        locked = _lock(version, expected=PlanStatus.SUBMITTED,
                       message=_("Only a submitted plan version can be returned."))
        locked.status = PlanStatus.RETURNED
        locked.reviewed_by = user
        locked.reviewed_at = timezone.now()
        locked.review_comments = comments
        locked.save(update_fields=["status", "reviewed_by", "reviewed_at", "review_comments", "updated_at"])
        _notify(locked, event="returned", roles={ProjectRole.CONTRACTOR_PM},
                title=_("Plan version %(n)d returned with comments") % {"n": locked.number})
    return locked
