"""``{% record_attachments record %}``: the attachments panel of a record whose upload form
shows only when the record's own attachment rule allows it (``registry.may_add_to``: drafts)."""

from __future__ import annotations

from django import template

from apps.attachments import registry, selectors
from apps.attachments.forms import AttachmentUploadForm
from apps.core.permissions import allowed

register = template.Library()


@register.inclusion_tag("attachments/includes/attachment_list.html", takes_context=True)
def record_attachments(context, record):
    request = context["request"]
    user = request.user
    next_url = request.get_full_path()
    project = registry.project_of(record)
    can_upload = (project is not None and allowed("attachments.can_add_attachment", user, project)
                  and registry.may_add_to(user, record))
    return {"request": request, "user": user, "csrf_token": context.get("csrf_token"), "record": record,
            "attachments": selectors.attachments_of_record(user, record),
            "upload_form": AttachmentUploadForm(initial={"next": next_url}), "next": next_url,
            "can_upload": can_upload}
