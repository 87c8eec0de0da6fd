"""Reads for the technical disclosure, scoped through the projects the user may see."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.enums import Party
from apps.projects.models import Project
from apps.projects.selectors import projects_visible_to

from .enums import TOPIC_ORDER
from .models import DisclosureItem, TechnicalDisclosure


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


def items_with_files(disclosure: TechnicalDisclosure) -> set[int]:
    """Ids of the items that have at least one present attachment."""
    from apps.attachments.models import Attachment

    ids = list(disclosure.items.values_list("pk", flat=True))
    return set(Attachment.objects.filter(content_type=ContentType.objects.get_for_model(DisclosureItem),
                                         object_id__in=ids, is_removed=False).values_list("object_id", flat=True))


def attendee_people(disclosure: TechnicalDisclosure) -> list:
    return [a.person for a in disclosure.attendees.select_related("person", "person__organization")
            .order_by("person__name", "pk")]


def missing_attendees(disclosure: TechnicalDisclosure) -> list:
    """Contractor staff who must attend (§8.1.3: the whole team) and are not recorded as present."""
    from apps.teams.selectors import expected_contractor_staff

    present = set(disclosure.attendees.values_list("person_id", flat=True))
    return [u for u in expected_contractor_staff(disclosure.project) if u.pk not in present]


def incomplete_topics(disclosure: TechnicalDisclosure) -> list[DisclosureItem]:
    with_files = items_with_files(disclosure)
    items = {i.topic: i for i in disclosure.items.all()}
    return [items[t] for t in TOPIC_ORDER if t in items and not items[t].text.strip() and items[t].pk not in with_files]


def signing_problems(disclosure: TechnicalDisclosure) -> list[str]:
    """Why the disclosure cannot be signed yet (sentences); empty when it can."""
    problems = []
    if disclosure.meeting_date > timezone.localdate():
        problems.append(_("The meeting has not taken place yet (%(d)s).") % {"d": disclosure.meeting_date})
    missing_topics = incomplete_topics(disclosure)
    if missing_topics:
        problems.append(_("These checklist items have neither text nor attachments: %(t)s.")
                        % {"t": "、".join(str(i.get_topic_display()) for i in missing_topics)})
    missing = missing_attendees(disclosure)
    if missing:
        problems.append(_("All contractor staff must attend; missing: %(names)s.")
                        % {"names": "、".join(str(u) for u in missing)})
    return problems


def is_signed_by_both(disclosure: TechnicalDisclosure | None) -> bool:
    from apps.signatures.selectors import signatures_for

    if disclosure is None:
        return False
    parties = {s.party for s in signatures_for(disclosure) if s.is_valid}
    return {Party.CLIENT, Party.CONTRACTOR} <= parties


def is_signed(disclosure: TechnicalDisclosure) -> bool:
    from apps.signatures.models import Signature

    return Signature.objects.for_record(disclosure).exists()


def disclosure_history(disclosure: TechnicalDisclosure) -> list:
    from apps.core.history_view import history_entries

    from .models import DisclosureAttendee, DisclosureItem

    return history_entries([
        TechnicalDisclosure.history.filter(id=disclosure.pk),
        DisclosureItem.history.filter(disclosure_id=disclosure.pk),
        DisclosureAttendee.history.filter(disclosure_id=disclosure.pk),
    ])
