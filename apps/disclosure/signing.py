"""Whether a technical disclosure is signed, and why it cannot be signed yet (§5.1.3, §8.1.3).

Read on the record itself (its related items and attendees), so that the model's
``signature_refusal`` and the selectors share it without importing each other.
"""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from django.utils.translation import gettext as _

from .enums import TOPIC_ORDER


def is_signed(disclosure) -> bool:
    """The disclosure carries a signature (valid or not): it can no longer change."""
    from apps.signatures.models import Signature

    return Signature.objects.for_record(disclosure).exists()


def items_with_files(disclosure) -> set[int]:
    """Ids of the items that have at least one present attachment."""
    from apps.attachments.models import Attachment

    ids = list(disclosure.items.values_list("pk", flat=True))
    return set(Attachment.objects.filter(content_type=ContentType.objects.get_for_model(disclosure.items.model),
                                         object_id__in=ids, is_removed=False).values_list("object_id", flat=True))


def missing_attendees(disclosure) -> list:
    """Contractor staff who must attend (§8.1.3: the whole team) and are not recorded as present."""
    from apps.teams.selectors import expected_contractor_staff

    present = set(disclosure.attendees.values_list("person_id", flat=True))
    return [u for u in expected_contractor_staff(disclosure.project) if u.pk not in present]


def incomplete_topics(disclosure) -> list:
    """The checklist items with neither text nor attachment, in the checklist's order."""
    with_files = items_with_files(disclosure)
    items = {i.topic: i for i in disclosure.items.all()}
    return [items[t] for t in TOPIC_ORDER if t in items and not items[t].text.strip() and items[t].pk not in with_files]


def signing_problems(disclosure) -> list[str]:
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
