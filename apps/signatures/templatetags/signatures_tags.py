"""``{% signature_block record %}``: the record's signatures as a plain table (pages and PDFs)."""

from __future__ import annotations

from django import template
from django.contrib.contenttypes.models import ContentType

from ..selectors import signatures_for

register = template.Library()


@register.simple_tag
def signatures_of(record):
    """The record's signatures, each with ``is_valid``; ``{% signatures_of record as sigs %}``."""
    return signatures_for(record)


@register.simple_tag(takes_context=True)
def sign_url(context, record):
    """The signing form's URL for this record, or "" when the viewer cannot sign it."""
    from django.urls import reverse

    from apps.core.permissions import allowed

    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user")
    if record is None or record.pk is None or not allowed("signatures.can_sign_record", user, record):
        return ""
    ct = ContentType.objects.get_for_model(record)
    url = reverse("signatures:sign", args=[ct.pk, record.pk])
    if request is not None:
        from urllib.parse import urlencode

        url += "?" + urlencode({"next": request.get_full_path()})
    return url


@register.inclusion_tag("signatures/includes/signature_block.html", takes_context=True)
def signature_block(context, record, pdf=False):
    """``{% signature_block record %}`` on a page; ``{% signature_block record pdf=True %}`` in a PDF
    template (no sign button, its own small stylesheet)."""
    return {"record": record, "pdf": pdf, "request": context.get("request"), "user": context.get("user")}
