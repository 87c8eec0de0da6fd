"""``{% load attachment_tags %}``

* ``{% attachment_upload_url record %}``: where the upload form of ``record`` posts.
* ``{% attachment_panel record %}``: the list of ``record``'s attachments (scoped to the user)
  with the upload form, ready to drop into any page of an owning app.
"""

from __future__ import annotations

from django import template
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from apps.core.permissions import allowed

from .. import registry, selectors
from ..forms import AttachmentUploadForm

register = template.Library()


@register.simple_tag
def attachment_upload_url(record) -> str:
    ct = ContentType.objects.get_for_model(record)
    return reverse("attachments:upload", args=[ct.pk, record.pk])


@register.inclusion_tag("attachments/includes/attachment_list.html", takes_context=True)
def attachment_panel(context, record, next=None):
    request = context["request"]
    user = request.user
    next_url = next or request.get_full_path()
    project = registry.project_of(record)
    return {
        "request": request,
        "user": user,
        "csrf_token": context.get("csrf_token"),
        "record": record,
        "attachments": selectors.attachments_of_record(user, record),
        "upload_form": AttachmentUploadForm(initial={"next": next_url}),
        "next": next_url,
        "can_upload": _can_upload(user, project, record),
    }


def _can_upload(user, project, record) -> bool:
    """The upload form shows only when the service would take the file: a project member who
    may attach files, and the record's own ``add`` rule (side, role, state)."""
    if project is None or not allowed("attachments.can_add_attachment", user, project):
        return False
    return registry.may_add_to(user, record)
