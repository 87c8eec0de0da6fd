"""Who may organise and edit a technical disclosure (django-rules): the client lead, while the
project is active and the record carries no signature."""

from __future__ import annotations

import rules

from apps.projects.rules import is_active_user, is_read_only
from apps.teams.rules import is_client_lead, project_is_active


@rules.predicate
def is_unsigned(user, disclosure) -> bool:
    from .selectors import is_signed

    return not is_signed(disclosure)


can_organise = is_active_user & ~is_read_only & is_client_lead & project_is_active

rules.add_rule("disclosure.can_organise", can_organise)
rules.add_rule("disclosure.can_edit", can_organise & is_unsigned)
