"""Permission rules of the accounts app (django-rules, through ``apps.core.permissions``)."""

from __future__ import annotations

import rules
from django.utils.translation import gettext_lazy as _

from apps.core.permissions import rule

from .selectors import second_factor_required


@rules.predicate
def organisation_leaves_second_factor_optional(user) -> bool:
    return not second_factor_required(user)


# 两步验证: where the organisation requires it, a person may replace their authenticator app
# (new phone) but not go back to the password alone.
may_remove_second_factor = rule(
    "accounts.may_remove_second_factor", rules.is_active & organisation_leaves_second_factor_optional,
    _("Your organisation requires two-step verification: you can replace your authenticator app, but not "
      "remove it."))
