"""The contract's terms for rectification (ProblemSettings): failed reviews allowed per ticket, the
default rectification period of automatic tickets, and the response and fix periods of a problem
reported in the warranty (§6.5.3)."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from apps.core.errors import DomainError
from apps.core.history import history_context, save_with_history
from apps.core.locking import check_version, lock
from apps.core.permissions import require
from apps.core.validation import full_clean_or_error
from apps.projects.models import Project

from ..models import ProblemSettings


def settings_update(*, project: Project, user, review_limit, default_days, warranty_response_days=None,
                    warranty_fix_days=None, expected_version: int | None = None) -> ProblemSettings:
    """The client lead sets the contract's terms (the settings are created on the first change);
    the warranty's response and fix periods (§6.5.3) stay as they are when not given."""
    require("rectification.can_manage_problems", user, project)
    with transaction.atomic(), history_context(user=user):
        lock(Project, pk=project.pk)
        current = ProblemSettings.objects.filter(project=project).first() or ProblemSettings(project=project)
        if current.pk:
            check_version(current, expected_version,
                          message=_("Someone else changed these settings after you opened them. Reload the page."))
        try:
            current.review_limit = int(review_limit)
            current.default_days = int(default_days)
            if warranty_response_days is not None:
                current.warranty_response_days = int(warranty_response_days)
            if warranty_fix_days is not None:
                current.warranty_fix_days = int(warranty_fix_days)
        except (TypeError, ValueError):
            raise DomainError(_("Give whole numbers."), field="review_limit") from None
        full_clean_or_error(current, exclude=["project"], set_field=True)
        if current.pk:
            current.version += 1
        save_with_history(current, reason=_("Rectification terms changed"))
    return current
