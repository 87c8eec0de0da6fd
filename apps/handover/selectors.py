"""Reads, scoped to the projects the user may see (outsiders get 404), the gate
``handover_confirmed`` and the list as other modules read it (``handover_lines``)."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _

from apps.accounts.enums import Party
from apps.projects.models import Project
from apps.projects.selectors import projects_visible_to

from .enums import REQUIRED_KINDS, HandoverState, LineKind, LineStatus
from .models import Handover, HandoverLine


def handover_of(project: Project) -> Handover | None:
    return Handover.objects.filter(project=project).select_related("project", "created_by", "submitted_by").first()


def line_for_user(user, pk) -> HandoverLine:
    """A line of a handover list of a project the user may see; 404 otherwise."""
    try:
        return (HandoverLine.objects.filter(handover__project__in=projects_visible_to(user))
                .select_related("handover", "handover__project").get(pk=pk))
    except (HandoverLine.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def lines_of(handover: Handover) -> QuerySet[HandoverLine]:
    return handover.lines.select_related("decided_by").order_by("position")


def handover_lines(project: Project, *, kind: str | None = None, confirmed_only: bool = False
                   ) -> QuerySet[HandoverLine]:
    """The items of the project's handover list, in order: what the project-document archive
    (§9.2.2) reads. ``kind``: one :class:`~apps.handover.enums.LineKind` (e.g.
    ``LineKind.PROJECT_DOCUMENTS``); ``confirmed_only``: the items the client confirmed."""
    qs = HandoverLine.objects.filter(handover__project=project).select_related("handover").order_by("position")
    if kind is not None:
        qs = qs.filter(kind=kind)
    if confirmed_only:
        qs = qs.filter(status=LineStatus.CONFIRMED)
    return qs


def line_counts(handover: Handover) -> dict[str, int]:
    """Items by confirmation, in one query."""
    counts = handover.lines.aggregate(total=Count("pk"), pending=Count("pk", filter=Q(status=LineStatus.PENDING)),
                                      confirmed=Count("pk", filter=Q(status=LineStatus.CONFIRMED)),
                                      refused=Count("pk", filter=Q(status=LineStatus.REFUSED)))
    return {k: v or 0 for k, v in counts.items()}


def missing_kinds(handover: Handover) -> list[str]:
    """The kinds §6.5.2 asks for that have no line yet (labels)."""
    present = set(handover.lines.values_list("kind", flat=True))
    return [str(LineKind(k).label) for k in REQUIRED_KINDS if k not in present]


def signature_parties(handover: Handover) -> dict:
    """Which party has a valid signature on the list, and whether every signature still holds."""
    from apps.signatures.selectors import signatures_for

    signatures = signatures_for(handover)
    return {
        Party.CLIENT: any(s.is_valid and s.party == Party.CLIENT for s in signatures),
        Party.CONTRACTOR: any(s.is_valid and s.party == Party.CONTRACTOR for s in signatures),
        "all_valid": all(s.is_valid for s in signatures),
        "any": bool(signatures),
        "signatures": signatures,
    }


def is_handed_over(handover: Handover | None) -> bool:
    """Signed by both parties (§6.5.2), every signature still valid."""
    if handover is None or handover.state != HandoverState.SIGNED:
        return False
    parties = signature_parties(handover)
    return parties[Party.CLIENT] and parties[Party.CONTRACTOR] and parties["all_valid"]


# ---------------------------------------------------------------- the gate

def handover_confirmed(project: Project) -> bool:
    """Gate ``handover_confirmed`` (§6.5.2, Annex A): the project's handover list is confirmed item
    by item by the client and signed by both parties."""
    return is_handed_over(handover_of(project))


def handover_evidence(project: Project) -> tuple[str, str] | None:
    handover = handover_of(project)
    if handover is None:
        return None
    counts = line_counts(handover)
    label = _("Handover list: %(state)s; %(confirmed)d of %(total)d items confirmed") % {
        "state": handover.get_state_display(), "confirmed": counts["confirmed"], "total": counts["total"]}
    return label, reverse("handover:project", args=[project.pk])


def handover_for_user(user, pk) -> Handover:
    """The handover list with this id if the user may see its project; 404 otherwise."""
    try:
        return Handover.objects.filter(project__in=projects_visible_to(user)).select_related("project").get(pk=pk)
    except (Handover.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
