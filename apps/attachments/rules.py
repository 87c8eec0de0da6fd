"""Who may attach and remove files (django-rules). Reading is scoped by the selectors."""

from __future__ import annotations

import rules
from django.utils.translation import gettext_lazy as _

from apps.core.permissions import rule
from apps.projects.rules import active_roles, is_active_user, is_client_lead, is_read_only

from . import registry


@rules.predicate
def is_project_member(user, project) -> bool:
    return project is not None and bool(active_roles(user, project))


@rules.predicate
def is_uploader(user, attachment) -> bool:
    return attachment is not None and attachment.uploaded_by_id == user.pk


@rules.predicate
def is_member_of_attachment_project(user, attachment) -> bool:
    return attachment is not None and bool(active_roles(user, attachment.project))


@rules.predicate
def is_lead_of_attachment_project(user, attachment) -> bool:
    return attachment is not None and is_client_lead(user, attachment.project)


@rules.predicate
def attachment_is_present(user, attachment) -> bool:
    return attachment is not None and not attachment.is_removed


@rules.predicate
def record_still_open(user, attachment) -> bool:
    """A file leaves a record only while the record still takes files (its ``add`` rule,
    asked for the uploader): once a round is submitted, a record signed or a verification
    decided, its files are part of what was reviewed and signed, and stay."""
    if attachment is None:
        return False
    record = attachment.record
    if record is None:
        return True
    return registry.may_add_to(attachment.uploaded_by, record)


# Regulators never upload (read-only); any active project role may, the client lead included.
can_add_attachment = is_active_user & ~is_read_only & (is_project_member | is_client_lead)
# The uploader (while still on the project) or the project's client lead.
can_remove_attachment = (is_active_user & ~is_read_only & attachment_is_present
                         & ((is_uploader & is_member_of_attachment_project) | is_lead_of_attachment_project)
                         & record_still_open)

rule("attachments.can_add_attachment", can_add_attachment,
     _("Only members of the project can attach files to it."))
rule("attachments.can_remove_attachment", can_remove_attachment,
     _("Only the uploader or the client project lead can remove this attachment."))
