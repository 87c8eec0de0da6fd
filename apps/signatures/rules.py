"""Who may sign (django-rules), asked by the signing page, the API and templates:
``{% test_rule "signatures.can_sign_record" user record %}``. Each rule is registered with the
sentence that refuses it; the service gives the precise reason (``services.signing_refusal``)."""

from __future__ import annotations

import rules
from django.utils.translation import gettext_lazy as _

from apps.core.permissions import rule
from apps.projects.rules import is_read_only, is_writer


@rules.predicate
def may_sign_for_a_party(user, record) -> bool:
    from .services import signing_parties

    return bool(signing_parties(user=user, record=record))


# Regulators read the records and their signatures; they never sign (not even the form opens).
rule("signatures.may_sign", ~is_read_only, _("Regulators do not sign project records."))
rule("signatures.can_sign_record", is_writer & may_sign_for_a_party, _("You may not sign this record."))
