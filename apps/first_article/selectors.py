"""Reads, always scoped to the projects the user may see (outsiders get 404)."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from apps.accounts.enums import Party
from apps.projects.models import Project
from apps.projects.selectors import projects_visible_to

from .enums import ContactSheetState, VerificationStatus
from .models import FirstArticleVerification, WorkContactSheet


def verifications_visible_to(user) -> QuerySet[FirstArticleVerification]:
    return FirstArticleVerification.objects.filter(project__in=projects_visible_to(user)).select_related(
        "project", "project__client", "project__contractor", "submitted_by", "verified_by")


def verification_for_user(user, pk) -> FirstArticleVerification:
    try:
        return verifications_visible_to(user).get(pk=pk)
    except (FirstArticleVerification.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def contact_sheet_for_user(user, pk) -> WorkContactSheet:
    try:
        return (WorkContactSheet.objects.filter(project__in=projects_visible_to(user))
                .select_related("project", "verification", "issued_by").get(pk=pk))
    except (WorkContactSheet.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def verifications_for_project(project: Project) -> QuerySet[FirstArticleVerification]:
    return (project.first_article_verifications.select_related("submitted_by", "verified_by", "contact_sheet",
                                                               "contact_sheet__rectification")
            .order_by("-round_no"))


def latest_verification(project: Project) -> FirstArticleVerification | None:
    return project.first_article_verifications.order_by("-round_no").first()


def baseline_of(project: Project) -> FirstArticleVerification | None:
    """§5.1.4: the passed round, kept as the baseline of the project's quality control."""
    return project.first_article_verifications.filter(is_baseline=True).first()


def submission_refusal(project: Project) -> str | None:
    """Why the contractor cannot submit a (new) round now, or None."""
    latest = latest_verification(project)
    if latest is None:
        return None
    if latest.status == VerificationStatus.SUBMITTED:
        return _("A first batch is already awaiting the client's verification.")
    if latest.status == VerificationStatus.PASSED:
        return _("The first batch has already passed verification; batch production may start.")
    sheet = getattr(latest, "contact_sheet", None)
    if sheet is not None and sheet.state == ContactSheetState.OPEN:
        return _("Answer the work contact sheet with a rectification sheet before submitting the batch again.")
    return None


def open_contact_sheet(project: Project) -> WorkContactSheet | None:
    return project.first_article_contact_sheets.filter(state=ContactSheetState.OPEN).first()


def signature_parties(record: FirstArticleVerification) -> dict[str, bool]:
    """For each party, whether the record carries at least one valid signature of it, and
    whether every signature is valid (``all_valid``)."""
    from apps.signatures.selectors import signatures_for

    signatures = signatures_for(record)
    return {
        Party.CLIENT: any(s.is_valid and s.party == Party.CLIENT for s in signatures),
        Party.CONTRACTOR: any(s.is_valid and s.party == Party.CONTRACTOR for s in signatures),
        "all_valid": all(s.is_valid for s in signatures),
    }


def first_article_passed(project: Project) -> bool:
    """Gate ``first_article_passed`` (§5.1.4): the latest round passed and both parties signed
    it, every signature still valid."""
    latest = latest_verification(project)
    if latest is None or latest.status != VerificationStatus.PASSED:
        return False
    parties = signature_parties(latest)
    return parties[Party.CLIENT] and parties[Party.CONTRACTOR] and parties["all_valid"]


def first_article_evidence(project: Project) -> tuple[str, str] | None:
    latest = latest_verification(project)
    if latest is None:
        return None
    status = latest.get_status_display()
    if latest.status == VerificationStatus.PASSED:
        parties = signature_parties(latest)
        if not parties["all_valid"]:
            status = _("passed, but a signature is no longer valid")
        elif not (parties[Party.CLIENT] and parties[Party.CONTRACTOR]):
            missing = [str(label) for party, label in ((Party.CLIENT, _("client")), (Party.CONTRACTOR, _("contractor")))
                       if not parties[party]]
            status = _("passed, awaiting the signature of: %(who)s") % {"who": "、".join(missing)}
    label = _("First article verification, round %(n)d: %(status)s") % {"n": latest.round_no, "status": status}
    return label, latest.get_absolute_url()


def project_first_article_history(project: Project) -> list:
    from apps.core.history_view import history_entries

    from .models import RectificationSheet

    return history_entries([
        FirstArticleVerification.history.filter(project_id=project.pk),
        WorkContactSheet.history.filter(project_id=project.pk),
        RectificationSheet.history.filter(project_id=project.pk),
    ])
