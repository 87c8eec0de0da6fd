"""Reads for the technical disclosure, scoped through the projects the user may see."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from apps.accounts.enums import Party
from apps.projects.models import Project
from apps.projects.selectors import projects_visible_to

from .enums import TOPIC_ORDER
from .models import DisclosureAttendee, DisclosureItem, TechnicalDisclosure
from .signing import incomplete_topics, is_signed, items_with_files, missing_attendees, signing_problems

__all__ = ["attendee_people", "disclosure_for_user", "disclosure_history", "incomplete_topics", "is_signed",
           "is_signed_by_both", "item_for_user", "items_in_order", "items_with_files", "latest_disclosure",
           "missing_attendees", "project_disclosures", "signing_problems"]


def project_disclosures(project: Project) -> QuerySet[TechnicalDisclosure]:
    return TechnicalDisclosure.objects.filter(project=project).select_related("organised_by").order_by("-number")


def latest_disclosure(project: Project) -> TechnicalDisclosure | None:
    return project_disclosures(project).first()


def disclosure_for_user(user, pk) -> TechnicalDisclosure:
    try:
        return TechnicalDisclosure.objects.select_related("project", "organised_by").get(
            pk=pk, project__in=projects_visible_to(user))
    except (TechnicalDisclosure.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def item_for_user(user, pk) -> DisclosureItem:
    try:
        return DisclosureItem.objects.select_related("disclosure", "disclosure__project").get(
            pk=pk, disclosure__project__in=projects_visible_to(user))
    except (DisclosureItem.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def items_in_order(disclosure: TechnicalDisclosure) -> list[DisclosureItem]:
    items = {i.topic: i for i in disclosure.items.all()}
    return [items[t] for t in TOPIC_ORDER if t in items]


def attendee_people(disclosure: TechnicalDisclosure) -> list:
    return [a.person for a in disclosure.attendees.select_related("person", "person__organization")
            .order_by("person__name", "pk")]


def is_signed_by_both(disclosure: TechnicalDisclosure | None) -> bool:
    from apps.signatures.selectors import signatures_for

    if disclosure is None:
        return False
    parties = {s.party for s in signatures_for(disclosure) if s.is_valid}
    return {Party.CLIENT, Party.CONTRACTOR} <= parties


def disclosure_history(disclosure: TechnicalDisclosure) -> list:
    from apps.core.history_view import history_entries

    return history_entries([
        TechnicalDisclosure.history.filter(id=disclosure.pk),
        DisclosureItem.history.filter(disclosure_id=disclosure.pk),
        DisclosureAttendee.history.filter(disclosure_id=disclosure.pk),
    ])
