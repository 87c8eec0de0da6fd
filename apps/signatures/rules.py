"""Permission predicates for templates and views: ``{% test_rule "signatures.can_sign_record" user record %}``."""

from __future__ import annotations

import rules


@rules.predicate
def can_sign_record(user, record) -> bool:
    from .services import signing_parties

    if not (user and user.is_authenticated) or getattr(user, "is_read_only", False):
        return False
    return bool(signing_parties(user=user, record=record))


rules.add_rule("signatures.can_sign_record", can_sign_record)
