"""Reads for team and equipment filing, always scoped through the project the user may see."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from apps.accounts.enums import CLIENT_ROLES, CONTRACTOR_ROLES, Party, ProjectRole
from apps.projects.models import Project
from apps.projects.selectors import projects_visible_to

from .enums import FilingStatus
from .models import Equipment, IntegrityPledge, StaffChange, StaffFiling


def is_approved_staff(user, project: Project) -> bool:
    """True when ``user`` is contractor staff of ``project`` whose filing the client approved
    and who is an active contractor member of the project. Work assignment and signing for the
    contractor ask this (§8.1.1: unapproved people cannot be assigned work or sign)."""
    if not (user and getattr(user, "is_authenticated", False) and user.is_active) or project is None:
        return False
    if user.organization_id != project.contractor_id:
        return False
    return (StaffFiling.objects.filter(project=project, person=user, status=FilingStatus.APPROVED).exists()
            and project.members.filter(user=user, is_active=True, role__in=list(CONTRACTOR_ROLES)).exists())


def may_do_contractor_work(user, project: Project) -> bool:
    """§8.1.1 for work other modules assign (e.g. submitting the first batch): approved staff only,
    under the same setting as signing (``TEAMS_STRICT_SIGNER_CHECK``, on by default; when off, once
    the project has any staff filing)."""
    from django.conf import settings

    if not getattr(settings, "TEAMS_STRICT_SIGNER_CHECK", True) and not StaffFiling.objects.filter(
            project=project).exists():
        return True
    return is_approved_staff(user, project)


def approved_staff(project: Project) -> QuerySet:
    """The people whose filing on the project is approved."""
    from django.contrib.auth import get_user_model

    return get_user_model().objects.filter(
        staff_filings__project=project, staff_filings__status=FilingStatus.APPROVED).distinct()


def expected_contractor_staff(project: Project) -> list:
    """Everyone on the contractor's side who must attend the technical disclosure (§8.1.3):
    active contractor members of the project and approved filed staff, by name."""
    from django.contrib.auth import get_user_model
    from django.db.models import Q

    members = project.members.filter(is_active=True, role__in=list(CONTRACTOR_ROLES)).values("user_id")
    filed = StaffFiling.objects.filter(project=project, status=FilingStatus.APPROVED).values("person_id")
    return list(get_user_model().objects.filter(Q(pk__in=members) | Q(pk__in=filed), is_active=True)
                .order_by("name", "pk"))


def client_reviewers(project: Project) -> list:
    """Who decides filings: the client's project lead and quality inspectors (of the client)."""
    return [m.user for m in project.members.filter(
        is_active=True, role__in=[ProjectRole.CLIENT_LEAD, ProjectRole.CLIENT_INSPECTOR],
        user__organization_id=project.client_id).select_related("user")]


def client_leads(project: Project) -> list:
    return [m.user for m in project.members.filter(is_active=True, role=ProjectRole.CLIENT_LEAD).select_related("user")]


def contractor_pms(project: Project) -> list:
    return [m.user for m in project.members.filter(is_active=True, role=ProjectRole.CONTRACTOR_PM)
            .select_related("user")]


def project_filings(project: Project) -> QuerySet[StaffFiling]:
    return (StaffFiling.objects.filter(project=project).select_related("person", "decided_by", "submitted_by")
            .order_by("status", "role", "person__name", "pk"))


def project_equipment(project: Project) -> QuerySet[Equipment]:
    return Equipment.objects.filter(project=project).select_related("decided_by").order_by("status", "name", "pk")


def project_changes(project: Project) -> QuerySet[StaffChange]:
    return (StaffChange.objects.filter(project=project)
            .select_related("leaving__person", "incoming__person", "requested_by", "decided_by")
            .order_by("-requested_at", "-pk"))


def project_pledges(project: Project) -> QuerySet[IntegrityPledge]:
    return IntegrityPledge.objects.filter(project=project).select_related("member").order_by("member__name", "pk")


def pledge_signature(pledge: IntegrityPledge):
    """The member's own valid signature on the pledge, or None."""
    from apps.signatures.selectors import signatures_for

    for sig in signatures_for(pledge):
        if sig.is_valid and sig.signer_id == pledge.member_id and sig.party == Party.CLIENT:
            return sig
    return None


def client_members_without_pledge(project: Project) -> QuerySet:
    from django.contrib.auth import get_user_model

    members = project.members.filter(is_active=True, role__in=list(CLIENT_ROLES),
                                     user__organization_id=project.client_id).values("user_id")
    return (get_user_model().objects.filter(pk__in=members, is_active=True)
            .exclude(integrity_pledges__project=project).order_by("name", "pk"))


def contractor_people(project: Project) -> QuerySet:
    """Active people of the project's contractor (candidates for a filing)."""
    from django.contrib.auth import get_user_model

    return get_user_model().objects.filter(organization_id=project.contractor_id, is_active=True).order_by("name")


def _scoped(model, user, pk):
    try:
        return model.objects.select_related("project").get(pk=pk, project__in=projects_visible_to(user))
    except (model.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def filing_for_user(user, pk) -> StaffFiling:
    return _scoped(StaffFiling, user, pk)


def equipment_for_user(user, pk) -> Equipment:
    return _scoped(Equipment, user, pk)


def change_for_user(user, pk) -> StaffChange:
    return _scoped(StaffChange, user, pk)


def pledge_for_user(user, pk) -> IntegrityPledge:
    return _scoped(IntegrityPledge, user, pk)


def teams_history(project: Project) -> list:
    from apps.core.history_view import history_entries

    return history_entries([
        StaffFiling.history.filter(project_id=project.pk),
        Equipment.history.filter(project_id=project.pk),
        StaffChange.history.filter(project_id=project.pk),
        IntegrityPledge.history.filter(project_id=project.pk),
    ])
