"""Who may change a notification: only the person it was sent to, whatever their role (a
regulator, read-only elsewhere, marks its own notifications read). Registered once with the
sentence a refused person reads."""

from __future__ import annotations

import rules
from django.utils.translation import gettext_lazy as _

from apps.core.permissions import rule


@rules.predicate
def is_signed_in(user) -> bool:
    return bool(user and user.is_authenticated)


@rules.predicate
def is_recipient(user, notification) -> bool:
    return notification is not None and notification.recipient_id == user.pk


may_manage_inbox = rule("notifications.may_manage_inbox", is_signed_in, _("Log in to manage your notifications."))
may_mark_read = rule("notifications.may_mark_read", is_signed_in & is_recipient, _("This notification is not yours."))
