"""Thin views: scoped lookup, form, one service call, message, redirect. Files are served only
by :func:`download` (never from MEDIA_URL)."""

from __future__ import annotations

import logging
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from apps.core.errors import DomainError
from apps.core.permissions import allowed, require
from apps.core.refusals import show_refusal
from apps.projects.selectors import project_for_user

from . import selectors, services
from .forms import AttachmentRemoveForm, AttachmentUploadForm

logger = logging.getLogger(__name__)


def _safe_next(request, default: str) -> str:
    """Only a relative path on this site (no scheme, no host, no ``//``)."""
    candidate = (request.POST.get("next") or request.GET.get("next") or "").strip()
    if (candidate.startswith("/") and not candidate.startswith(("//", "/\\"))
            and url_has_allowed_host_and_scheme(candidate, allowed_hosts=None, require_https=False)):
        return candidate
    return default


def content_disposition(filename: str) -> str:
    """RFC 6266 / RFC 5987: an ASCII fallback plus the exact UTF-8 name (Chinese names)."""
    fallback = "".join(ch if 32 <= ord(ch) < 127 and ch not in '"\\%;' else "_" for ch in filename) or "download"
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


@login_required
@require_safe
def download(request, pk):
    attachment = selectors.attachment_for_user(request.user, pk)
    try:
        handle = attachment.file.open("rb")
    except (FileNotFoundError, OSError):
        logger.error("attachment %s: stored file %s is missing", attachment.pk, attachment.file.name)
        raise Http404 from None
    logger.info("attachment %s downloaded by user %s", attachment.pk, request.user.pk)
    response = FileResponse(handle, content_type=attachment.mime_type)
    response["Content-Disposition"] = content_disposition(attachment.original_name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@login_required
@require_POST
def upload(request, content_type_id, object_id):
    record, project = selectors.attachment_target_for_user(request.user, content_type_id, object_id)
    require("attachments.can_add_attachment", request.user, project)
    next_url = _safe_next(request, reverse("attachments:project", args=[project.pk]))
    form = AttachmentUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(next_url)
    try:
        attachment = services.attachment_add(record=record, project=project, user=request.user,
                                             uploaded_file=form.cleaned_data["file"], kind=form.cleaned_data["kind"])
    except DomainError as exc:
        show_refusal(exc, request=request)
    else:
        messages.success(request, _("“%(name)s” was attached.") % {"name": attachment.original_name})
    return redirect(next_url)


@login_required
@require_POST
def remove(request, pk):
    attachment = selectors.attachment_for_user(request.user, pk)
    require("attachments.can_remove_attachment", request.user, attachment)
    next_url = _safe_next(request, reverse("attachments:project", args=[attachment.project_id]))
    form = AttachmentRemoveForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give a reason for removing the attachment."))
        return redirect(next_url)
    try:
        services.attachment_remove(attachment=attachment, user=request.user, reason=form.cleaned_data["reason"])
    except DomainError as exc:
        show_refusal(exc, request=request)
    else:
        messages.success(request, _("“%(name)s” was removed.") % {"name": attachment.original_name})
    return redirect(next_url)


@login_required
@require_safe
def project_attachments(request, project_id):
    project = project_for_user(request.user, project_id)
    return render(request, "attachments/project_attachments.html", {
        "project": project,
        "record": project,
        "attachments": selectors.attachments_of_project(request.user, project),
        "upload_form": AttachmentUploadForm(initial={"next": request.get_full_path()}),
        "next": request.get_full_path(),
        "can_upload": allowed("attachments.can_add_attachment", request.user, project),
        "show_record": True,
    })
