"""Who may organise and edit a technical disclosure (django-rules): the client lead, while the
project takes records (neither closed nor suspended) and the record carries no signature.
Each rule is registered with the sentence that refuses it."""

from __future__ import annotations

import rules
from django.utils.translation import gettext_lazy as _

from apps.attachments.registry import attachment_rules
from apps.core.permissions import rule
from apps.projects.rules import is_client_lead, is_client_staff, is_writer, project_accepts_records

from .models import DisclosureItem, TechnicalDisclosure
from .signing import is_signed


@rules.predicate
def is_unsigned(user, disclosure) -> bool:
    return not is_signed(disclosure)


@rules.predicate
def may_attach_to_its_disclosure(user, item) -> bool:
    return rules.test_rule("disclosure.can_attach_to_disclosure", user, item.disclosure)


can_organise = rule(
    "disclosure.can_organise", is_writer & is_client_lead & project_accepts_records,
    _("Only the client's project lead organises the technical disclosure."))
can_edit = rule(
    "disclosure.can_edit", can_organise & is_unsigned,
    _("Only the client's project lead edits the technical disclosure, and only until it is signed."))


# ---------------------------------------------------------------- attachments (apps.attachments)

# The client organises the disclosure and fills its checklist (§5.1.3), until it is signed; the
# files of a checklist item follow its disclosure.
FILES_CLOSED = _("Files can no longer be attached to this record.")

rule("disclosure.can_attach_to_disclosure", is_client_staff & is_unsigned, FILES_CLOSED)
rule("disclosure.can_attach_to_item", may_attach_to_its_disclosure, FILES_CLOSED)

attachment_rules(TechnicalDisclosure, add="disclosure.can_attach_to_disclosure")
attachment_rules(DisclosureItem, add="disclosure.can_attach_to_item")
