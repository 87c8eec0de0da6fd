"""Reads, always scoped: an attachment is visible only through a project the user may see."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db.models import QuerySet
from django.http import Http404

from apps.projects.selectors import project_for_user, projects_visible_to

from . import registry
from .models import Attachment


def attachments_visible_to(user) -> QuerySet[Attachment]:
    """Present (not removed) attachments of the projects ``user`` may see.

    Record-level narrowing (the record's ``download`` rule, ``registry.attachment_rules``) is applied on top by
    :func:`attachment_for_user` and :func:`downloadable`.
    """
    return (Attachment.objects.filter(project__in=projects_visible_to(user), is_removed=False)
            .select_related("project", "uploaded_by", "content_type"))


def record_allows_download(user, record) -> bool:
    return registry.may_download_from(user, record)


def downloadable(user, attachments) -> list[Attachment]:
    """Those of ``attachments`` whose owning record lets ``user`` see them."""
    attachments = list(attachments)
    # Only models that define the hook need their records loaded.
    hooked = {a.content_type_id for a in attachments if registry.has_download_rule(a.content_type.model_class())}
    result = []
    for a in attachments:
        if a.content_type_id in hooked and not record_allows_download(user, a.record):
            continue
        result.append(a)
    return result


def attachment_for_user(user, pk) -> Attachment:
    """The attachment if ``user`` may download it; 404 otherwise (outsiders, removed, narrowed)."""
    try:
        attachment = attachments_visible_to(user).get(pk=pk)
    except (Attachment.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404 from None
    if not downloadable(user, [attachment]):
        raise Http404
    return attachment


def attachments_of_record(user, record) -> list[Attachment]:
    ct = ContentType.objects.get_for_model(record)
    return downloadable(user, attachments_visible_to(user).filter(content_type=ct, object_id=record.pk))


def attachments_of_project(user, project) -> list[Attachment]:
    """Every attachment of every record of the project, for the project's attachment page."""
    return downloadable(user, attachments_visible_to(user).filter(project=project))


def attachment_target_for_user(user, content_type_id, object_id):
    """(record, project) for an upload URL; 404 if the type cannot own attachments, the record
    does not exist, or its project is not visible to ``user``."""
    try:
        ct = ContentType.objects.get_for_id(content_type_id)
    except (ContentType.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404 from None
    model = ct.model_class()
    if not registry.is_attachable(model):
        raise Http404
    try:
        record = model._default_manager.get(pk=object_id)
    except (model.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404 from None
    project = registry.project_of(record)
    if project is None:
        raise Http404
    project = project_for_user(user, project.pk)
    if not record_allows_download(user, record):
        raise Http404
    return record, project
