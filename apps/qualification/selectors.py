"""Reads, scoped to the projects the user may see."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from apps.accounts.enums import Party
from apps.projects.selectors import projects_visible_to
from apps.signatures.enums import SignatureMeaning
from apps.signatures.selectors import signatures_for

from .enums import ReviewStatus
from .models import QualificationDocument, QualificationReview


def reviews_visible_to(user) -> QuerySet[QualificationReview]:
    return QualificationReview.objects.filter(project__in=projects_visible_to(user).values("pk"))


def review_for_user(user, pk) -> QualificationReview:
    """The round with this id if the user may see its project; 404 otherwise."""
    try:
        return reviews_visible_to(user).select_related("project", "project__client", "project__contractor").get(
            pk=pk)
    except (QualificationReview.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def document_for_user(user, pk) -> QualificationDocument:
    try:
        return QualificationDocument.objects.filter(
            project__in=projects_visible_to(user).values("pk")).select_related("review", "project").get(pk=pk)
    except (QualificationDocument.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def project_reviews(project) -> QuerySet[QualificationReview]:
    return project.qualification_reviews.select_related("submitted_by", "concluded_by").order_by("-round_no")


def latest_concluded_or_submitted(project) -> QualificationReview | None:
    """The latest round that left the contractor's hands (a draft does not count yet)."""
    return project.qualification_reviews.exclude(status=ReviewStatus.DRAFT).order_by("-round_no").first()


def approval_signature(review: QualificationReview):
    """The valid client approval signature of the round, or None."""
    for sig in signatures_for(review):
        if sig.party == Party.CLIENT and sig.meaning == SignatureMeaning.APPROVE and sig.is_valid:
            return sig
    return None


def qualification_is_approved(project) -> bool:
    """Gate ``qualification_approved``: the latest submitted round is approved and its client
    approval signature is valid."""
    review = latest_concluded_or_submitted(project)
    return bool(review and review.status == ReviewStatus.APPROVED and approval_signature(review))


def qualification_evidence(project) -> tuple[str, str] | None:
    review = latest_concluded_or_submitted(project) or project.qualification_reviews.order_by("-round_no").first()
    if review is None:
        return None
    from django.utils.translation import gettext as _

    state = review.get_status_display()
    if review.status == ReviewStatus.APPROVED and approval_signature(review) is None:
        state = _("approved, awaiting the client lead's signature")
    elif review.status == ReviewStatus.APPROVED:
        from apps.deadlines.enums import DeadlineKind, DeadlineState
        from apps.deadlines.models import Deadline

        if Deadline.objects.filter(project=project, kind=DeadlineKind.QUALIFICATION_REVIEW,
                                   state=DeadlineState.MISSED).exists():
            # Annex A: due 5 working days after signing; done, but after that.
            state = _("%(state)s, after the 5-working-day limit") % {"state": state}
    return (_("Qualification review round %(n)d: %(s)s") % {"n": review.round_no, "s": state},
            review.get_absolute_url())
