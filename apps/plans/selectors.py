"""Reads, scoped to the projects the user may see."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from apps.accounts.enums import Party
from apps.projects.selectors import projects_visible_to
from apps.signatures.enums import SignatureMeaning
from apps.signatures.selectors import signatures_for

from .enums import PlanStatus
from .models import PlanVersion


def versions_visible_to(user) -> QuerySet[PlanVersion]:
    return PlanVersion.objects.filter(project__in=projects_visible_to(user).values("pk"))


def version_for_user(user, pk) -> PlanVersion:
    """The version with this id if the user may see its project; 404 otherwise."""
    try:
        return versions_visible_to(user).select_related("project", "project__client", "project__contractor").get(
            pk=pk)
    except (PlanVersion.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def project_versions(project) -> QuerySet[PlanVersion]:
    return project.plan_versions.select_related("submitted_by", "reviewed_by", "created_by").order_by("-number")


def approval_signature(version: PlanVersion):
    """The valid client approval signature (批准) of the version, or None."""
    for sig in signatures_for(version):
        if sig.party == Party.CLIENT and sig.meaning == SignatureMeaning.APPROVE and sig.is_valid:
            return sig
    return None


def plan_in_force(project) -> PlanVersion | None:
    """The approved version in force: the latest approved version approved in writing."""
    for version in project.plan_versions.filter(status=PlanStatus.APPROVED).order_by("-number"):
        if approval_signature(version):
            return version
    return None


def latest_submitted(project) -> PlanVersion | None:
    """The latest version that left the contractor's hands (drafts do not count)."""
    return project.plan_versions.exclude(status=PlanStatus.DRAFT).order_by("-number").first()


def _pending_after(project, in_force: PlanVersion):
    """A later version under review: submitted, or approved but not yet signed."""
    return (project.plan_versions.filter(number__gt=in_force.number,
                                         status__in=[PlanStatus.SUBMITTED, PlanStatus.APPROVED])
            .order_by("-number").first())


def plan_is_approved(project) -> bool:
    """Gate ``plan_approved``: a version is in force (approved with a valid client signature) and
    no later version awaits review. A changed plan submitted for review must be reviewed first; a
    change that was returned leaves the version in force standing."""
    in_force = plan_in_force(project)
    return in_force is not None and _pending_after(project, in_force) is None


def plan_evidence(project) -> tuple[str, str] | None:
    in_force = plan_in_force(project)
    if in_force is not None and _pending_after(project, in_force) is None:
        return (_("Plan version %(n)d: %(s)s") % {"n": in_force.number, "s": _("approved, in force")},
                in_force.get_absolute_url())
    version = latest_submitted(project) or project.plan_versions.order_by("-number").first()
    if version is None:
        return None
    state = version.get_status_display()
    if version.status == PlanStatus.APPROVED and approval_signature(version) is None:
        state = _("approved, awaiting the client lead's signature")
    return (_("Plan version %(n)d: %(s)s") % {"n": version.number, "s": state}, version.get_absolute_url())
