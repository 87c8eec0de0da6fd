"""Rules on the content of the three-level records, written once and used by the model, the
forms, the services and (through them) the API."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from apps.core.errors import DomainError

# §6.2.1 b): a mutual check is made by a colleague, never by the person who did the work.
CHECKER_NOT_PRODUCER = _("The checker must not be the producer: a mutual check is made by a colleague.")


def _pk(person):
    return getattr(person, "pk", person)


def checker_is_not_producer(producer, checker) -> None:
    """Refuse (on the field ``checker``) a mutual check whose checker is its producer. People
    may be given as users or ids; a missing one is left to the field's own check."""
    if producer is not None and checker is not None and _pk(producer) == _pk(checker):
        raise DomainError(str(CHECKER_NOT_PRODUCER), field="checker")
