"""One way to declare and check a permission rule, with its refusal message next to it.

An app declares each rule once, in its ``rules.py``, named ``<app>.<rule>``::

    from apps.core.permissions import rule

    rule("control.may_decide_change", may_decide_change,
         _("Only the client's project lead decides change requests."))

Views, templates (``{% test_rule "control.may_decide_change" user obj as ok %}``), services
and API actions then ask the same name:

- :func:`allowed` answers yes or no (buttons, menus);
- :func:`require` raises :class:`~apps.core.errors.PermissionDenied` with the registered
  message, which :mod:`apps.core.refusals` turns into a 403 page, a form error or a JSON 403.

A rule declared without a message refuses with the generic one. The message is translated
once, where it is declared (a lazy string), so the service, the page and the API say the same.
"""

from __future__ import annotations

from typing import Any

import rules
from django.utils.translation import gettext_lazy as _

from .errors import PermissionDenied

GENERIC_REFUSAL = _("You do not have permission to perform this action.")

_messages: dict[str, Any] = {}


def rule(name: str, predicate, message=None):
    """Register ``predicate`` under ``name`` (``<app>.<rule>``) with its refusal ``message``;
    returns the predicate so that it can be combined further."""
    if "." not in name:
        raise ValueError(f"Rule names are prefixed with their app: {name!r}")
    rules.set_rule(name, predicate)
    if message is not None:
        _messages[name] = message
    else:
        _messages.pop(name, None)
    return predicate


def refusal_message(name: str) -> str:
    """The sentence a person reads when ``name`` refuses them."""
    return str(_messages.get(name, GENERIC_REFUSAL))


def allowed(name: str, user, obj=None) -> bool:
    """Whether ``user`` passes rule ``name`` (on ``obj``). An unknown rule name is an error."""
    if not rules.rule_exists(name):
        raise KeyError(f"No rule named {name!r}")
    if user is None:
        return False
    return rules.test_rule(name, user, obj) if obj is not None else rules.test_rule(name, user)


def require(name: str, user, obj=None, *, message=None) -> None:
    """Refuse with the rule's own message (or ``message``) unless ``user`` passes ``name``."""
    if not allowed(name, user, obj):
        raise PermissionDenied(str(message) if message is not None else refusal_message(name), code="permission_denied")
