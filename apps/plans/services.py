"""Writes of the plan review (§5.1.2, §8.1.2). One function per transition; each checks the
role (``apps.plans.rules``) and the state, saves with a history reason and notifies on commit."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.enums import ProjectRole
from apps.core.errors import DomainError
from apps.core.history import history_context
from apps.core.locking import lock
from apps.core.notify import notify
from apps.core.permissions import require
from apps.core.text import clean_line, clean_text
from apps.core.validation import full_clean_or_error
from apps.projects.models import Project

from . import selectors
from .enums import OPEN_STATUSES, PlanStatus
from .models import CONTENT_FIELDS, TEXT_MAX, PlanVersion, is_major_project

REQUIRED_FIELDS = ("title", "implementation_plan", "quality_targets", "procedures", "control_points")
REASON_MAX = 4000


def _full_clean(obj, exclude: list[str] | None = None) -> None:
    full_clean_or_error(obj, exclude)


def _clean_content(fields: dict) -> dict:
    """The title is one line; every other part of the plan keeps its lines. Drafts may leave
    parts empty (submission refuses that)."""
    unknown = set(fields) - set(CONTENT_FIELDS)
    if unknown:
        raise DomainError(_("These fields cannot be set here: %(f)s") % {"f": ", ".join(sorted(unknown))})
    cleaned = {}
    for name, value in fields.items():
        field = PlanVersion._meta.get_field(name)
        clean = clean_line if name == "title" else clean_text
        cleaned[name] = clean(value, field=name, label=field.verbose_name, required=False,
                              max_length=field.max_length or TEXT_MAX)
    return cleaned


def _change_reason(value, *, field: str = "change_reason") -> str:
    return clean_text(value, field=field, label=_("what changed and why"), required=False, max_length=REASON_MAX)


def _refuse_unless(version: PlanVersion, status: str, message: str) -> None:
    if version.status != status:
        raise DomainError(message, code="illegal_transition")


def _people(project: Project, roles: set[str]) -> list:
    return [m.user for m in project.members.filter(is_active=True, role__in=roles).select_related("user")]


def _new_version(*, project: Project, user, content: dict, based_on: PlanVersion | None,
                 change_reason: str, reason: str) -> PlanVersion:
    with transaction.atomic(), history_context(user=user, reason=reason):
        lock(project)
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
    require("plans.can_create_plan_version", user, project)
    content = _clean_content(content)
    change_reason = _change_reason(change_reason)
    return _new_version(project=project, user=user, content=content, based_on=selectors.latest_submitted(project),
                        change_reason=change_reason, reason=_("Plan version created"))


def _copy(source: PlanVersion) -> dict:
    return {f: getattr(source, f) for f in CONTENT_FIELDS}


def plan_version_revise(*, version: PlanVersion, user, reason: str) -> PlanVersion:
    """The contractor PM starts a new version from a returned or approved one (a changed plan
    is a new version and must be reviewed again)."""
    require("plans.can_create_plan_version", user, version)
    version = PlanVersion.objects.select_related("project").get(pk=version.pk)  # never a stale copy
    if version.status not in (PlanStatus.RETURNED, PlanStatus.APPROVED):
        raise DomainError(_("Only a returned or approved version can be revised."), code="illegal_transition")
    reason = _change_reason(reason)
    return _new_version(project=version.project, user=user, content=_copy(version), based_on=version,
                        change_reason=reason, reason=_("Plan revised into a new version"))


def plan_version_open_from_change(*, project: Project, user, reason: str) -> PlanVersion:
    """Issue 7: an approved change request that touches the plan opens a new version for
    review: the version in force is copied into a new draft that the contractor completes."""
    require("plans.can_open_plan_version_from_change", user, project)
    reason = _change_reason(reason, field="reason")
    if not reason:
        raise DomainError(_("Say which change request requires the new plan version."), field="reason")
    in_force = selectors.plan_in_force(project)
    if in_force is None:
        raise DomainError(_("There is no approved plan in force to change."), code="illegal_transition")
    return _new_version(project=project, user=user, content=_copy(in_force), based_on=in_force,
                        change_reason=reason, reason=_("New plan version opened by a change request"))


def plan_version_update(*, version: PlanVersion, user, change_reason: str | None = None,
                        **content) -> PlanVersion:
    require("plans.can_edit_plan", user, version)
    content = _clean_content(content)
    if change_reason is not None:
        content["change_reason"] = _change_reason(change_reason)
    with transaction.atomic(), history_context(user=user, reason=_("Plan version edited")):
        locked = lock(version, related=("project",))
        _refuse_unless(locked, PlanStatus.DRAFT,
                       _("A submitted plan version cannot be changed; revise it into a new version."))
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
    require("plans.can_submit_plan", user, version)
    with transaction.atomic(), history_context(user=user, reason=_("Plan version submitted for review")):
        locked = lock(version, related=("project",))
        _refuse_unless(locked, PlanStatus.DRAFT, _("Only a draft plan version can be submitted."))
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
        notify(recipients=_people(locked.project, {ProjectRole.CLIENT_LEAD, ProjectRole.CLIENT_INSPECTOR}),
               key=f"plan:{locked.pk}:submitted", title=_("Plan version %(n)d submitted for review")
               % {"n": locked.number}, link=locked.get_absolute_url(), project=locked.project, kind="plan")
    return locked


def _conclude(version: PlanVersion, *, user, status: str, comments: str) -> None:
    version.status = status
    version.reviewed_by = user
    version.reviewed_at = timezone.now()
    version.review_comments = comments
    version.save(update_fields=["status", "reviewed_by", "reviewed_at", "review_comments", "updated_at"])


def plan_version_approve(*, version: PlanVersion, user, comments: str = "") -> PlanVersion:
    """The client lead approves a submitted version; the written approval is the client
    lead's signature (批准) on it, made next. Until signed the version is not in force."""
    require("plans.can_approve_plan", user, version)
    comments = clean_text(comments, field="comments", label=_("review comments"), required=False,
                          max_length=TEXT_MAX)
    with transaction.atomic(), history_context(user=user, reason=_("Plan version approved")):
        locked = lock(version, related=("project",))
        _refuse_unless(locked, PlanStatus.SUBMITTED, _("Only a submitted plan version can be approved."))
        _conclude(locked, user=user, status=PlanStatus.APPROVED, comments=comments)
        notify(recipients=_people(locked.project, {ProjectRole.CONTRACTOR_PM}), key=f"plan:{locked.pk}:approved",
               title=_("Plan version %(n)d approved") % {"n": locked.number}, link=locked.get_absolute_url(),
               project=locked.project, kind="plan")
    return locked


def plan_version_return(*, version: PlanVersion, user, comments: str) -> PlanVersion:
    """The client returns a submitted version with comments; the contractor revises it into a
    new version."""
    require("plans.can_return_plan", user, version)
    comments = clean_text(comments, field="comments", label=_("review comments"), required=False,
                          max_length=TEXT_MAX)
    if not comments:
        raise DomainError(_("Write the comments the contractor must address."), field="comments")
    with transaction.atomic(), history_context(user=user, reason=_("Plan version returned with comments")):
        locked = lock(version, related=("project",))
        _refuse_unless(locked, PlanStatus.SUBMITTED, _("Only a submitted plan version can be returned."))
        _conclude(locked, user=user, status=PlanStatus.RETURNED, comments=comments)
        notify(recipients=_people(locked.project, {ProjectRole.CONTRACTOR_PM}), key=f"plan:{locked.pk}:returned",
               title=_("Plan version %(n)d returned with comments") % {"n": locked.number},
               link=locked.get_absolute_url(), project=locked.project, kind="plan")
    return locked
