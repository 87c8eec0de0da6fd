"""Reads, always scoped to the projects the user may see (outsiders get 404).

The contractor sees all of its batches; the client (and a regulator, read-only) sees the
batches once submitted, never the contractor's drafts.
"""

from __future__ import annotations

from django.db.models import Count, F, Q, QuerySet
from django.http import Http404

from apps.projects.models import Project
from apps.projects.rules import is_contractor_side
from apps.projects.selectors import projects_visible_to

from .enums import CLIENT_VISIBLE_STATUSES, BatchStatus, InspectionConclusion
from .models import Batch, BatchItem, MutualCheck, SelfCheck, SpecialInspection


def _visible_filter(user) -> Q:
    """Drafts only for the contractor's own people."""
    org = getattr(user, "organization_id", None)
    return Q(status__in=CLIENT_VISIBLE_STATUSES) | Q(project__contractor_id=org) if org else Q(
        status__in=CLIENT_VISIBLE_STATUSES)


def batches_visible_to(user) -> QuerySet[Batch]:
    return (Batch.objects.filter(project__in=projects_visible_to(user)).filter(_visible_filter(user))
            .select_related("project", "project__client", "project__contractor", "created_by", "submitted_by",
                            "resubmission_of"))


def batches_for(user, project: Project) -> QuerySet[Batch]:
    """The batches of ``project`` that ``user`` may see (the project itself must already be
    visible: callers get it from ``project_for_user``)."""
    qs = Batch.objects.filter(project=project).select_related("created_by", "submitted_by", "resubmission_of")
    if not is_contractor_side(user, project):
        qs = qs.filter(status__in=CLIENT_VISIBLE_STATUSES)
    if not projects_visible_to(user).filter(pk=project.pk).exists():
        return qs.none()
    return qs.order_by("-number")


def batch_for_user(user, pk) -> Batch:
    try:
        return batches_visible_to(user).get(pk=pk)
    except (Batch.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def items_of(batch: Batch) -> QuerySet[BatchItem]:
    return batch.items.order_by("position")


def special_inspections_of(batch: Batch) -> QuerySet[SpecialInspection]:
    return batch.special_inspections.select_related("inspector", "recorded_by").order_by("-recorded_at", "-pk")


def latest_special_inspection(batch: Batch) -> SpecialInspection | None:
    return special_inspections_of(batch).first()


def special_inspection_covers(batch: Batch) -> bool:
    """A passed special inspection recorded after the batch's quantity or item list last changed,
    and no failed one after it."""
    latest = latest_special_inspection(batch)
    if latest is None or latest.conclusion != InspectionConclusion.PASSED:
        return False
    return batch.content_changed_at is None or latest.recorded_at >= batch.content_changed_at


def self_checks_of_project(project: Project) -> QuerySet[SelfCheck]:
    return project.self_checks.select_related("operator", "batch", "recorded_by")


def mutual_checks_of_project(project: Project) -> QuerySet[MutualCheck]:
    return project.mutual_checks.select_related("producer", "checker", "batch", "recorded_by")


def incomplete(checks: QuerySet[SelfCheck]) -> QuerySet[SelfCheck]:
    """§6.2.1 a): operators check 100 % of each day's output; the self-checks of days when they did not."""
    return checks.filter(self_checked_count__lt=F("output_count"))


def incomplete_self_checks(project: Project) -> QuerySet[SelfCheck]:
    return incomplete(self_checks_of_project(project)).order_by("-date", "operator__name")


def status_counts(batches: QuerySet[Batch]) -> list[tuple[str, str, int]]:
    """(status, label, count) for each status, in the order of the lifecycle."""
    counts = dict(batches.order_by().values_list("status").annotate(n=Count("pk")))
    return [(value, label, counts.get(value, 0)) for value, label in BatchStatus.choices]


def batch_summary(batch: Batch) -> dict:
    """Counts shown on the batch page."""
    items = batch.items.aggregate(n=Count("pk"), failed=Count("pk", filter=Q(contractor_passed=False)))
    return {"items": items["n"], "contractor_failed": items["failed"]}


def project_batches_history(project: Project) -> list:
    from apps.core.history_view import history_entries

    return history_entries([
        Batch.history.filter(project_id=project.pk),
        SpecialInspection.history.filter(project_id=project.pk),
    ])


def filed_staff(project: Project):
    """People who may be named as operator, producer or checker: contractor staff with an approved
    filing (apps.teams) who are active contractor members of the project."""
    from django.contrib.auth import get_user_model

    from apps.accounts.enums import CONTRACTOR_ROLES
    from apps.teams.enums import FilingStatus
    from apps.teams.models import StaffFiling

    filed = StaffFiling.objects.filter(project=project, status=FilingStatus.APPROVED).values("person_id")
    members = project.members.filter(is_active=True, role__in=list(CONTRACTOR_ROLES)).values("user_id")
    return (get_user_model().objects.filter(pk__in=filed, is_active=True, organization_id=project.contractor_id)
            .filter(pk__in=members).order_by("name", "pk"))


def special_inspectors(project: Project):
    from apps.accounts.enums import ProjectRole

    return filed_staff(project).filter(pk__in=project.members.filter(
        is_active=True, role=ProjectRole.CONTRACTOR_INSPECTOR).values("user_id"))


# Batches that keep a project from acceptance (§5.3.1): work not finished, not yet judged, or
# judged not acceptable and not yet resubmitted.
UNFINISHED_STATUSES = (BatchStatus.DRAFT, BatchStatus.SUBMITTED, BatchStatus.UNDER_INSPECTION,
                       BatchStatus.NOT_ACCEPTED)


def unfinished_batches(project: Project) -> QuerySet[Batch]:
    return Batch.objects.filter(project=project, status__in=UNFINISHED_STATUSES).order_by("number")


def batches_accepted(project: Project) -> bool:
    """The gate ``batches_accepted``: no batch of the project is a draft, awaits or is under
    inspection, or is not accepted (a not-accepted batch counts once its rectified resubmission is
    accepted)."""
    return not unfinished_batches(project).exists()


def batches_accepted_evidence(project: Project) -> tuple[str, str] | None:
    from django.urls import reverse
    from django.utils.translation import gettext

    accepted = Batch.objects.filter(project=project, status=BatchStatus.ACCEPTED).count()
    unfinished = unfinished_batches(project).count()
    if unfinished:
        label = gettext("%(n)d batches not yet accepted") % {"n": unfinished}
    else:
        label = gettext("%(n)d batches accepted") % {"n": accepted}
    return label, reverse("batches:project", args=[project.pk])
