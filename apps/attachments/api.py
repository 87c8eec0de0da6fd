"""REST endpoints for a project's files: ``/api/v1/projects/{project_pk}/attachments/``.

- list and one (metadata only), with the same narrowing as the pages (``selectors``);
- upload (multipart) through ``services.attachment_add``, to a record of the project
  (``record_type`` + ``object_id``) or to the project itself;
- DELETE with a reason through ``services.attachment_remove`` (soft delete);
- ``{id}/download/`` streams the file with the page's headers (``views.download``).

See docs/api.md and docs/attachments.md.
"""

from __future__ import annotations

import logging

import django_filters
from django import forms
from django.contrib.contenttypes.models import ContentType
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.http import FileResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema_field
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from apps.core.permissions import allowed
from apps.core.rest.base import ApiViewSet, api_schema
from apps.core.rest.fields import TextField
from apps.core.rest.filters import ApiFilterSet
from apps.core.rest.serializers import UserRefSerializer
from apps.projects.rest import ProjectScopedMixin

from . import registry, selectors, services
from .enums import AttachmentKind
from .models import Attachment
from .views import content_disposition

logger = logging.getLogger("apps.attachments.views")  # downloads are logged where the page logs them

RECORD_TYPE_REGEX = r"^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$"
MAX_OBJECT_ID = 2**63 - 1
REASON_MAX_LENGTH = Attachment._meta.get_field("removal_reason").max_length


# ---------------------------------------------------------------- output


class AttachedRecordSerializer(serializers.Serializer):
    type = serializers.SerializerMethodField(help_text=gettext_lazy("app_label.model of the record it is attached to"))
    id = serializers.IntegerField(source="object_id")

    def get_type(self, attachment) -> str:
        ct = ContentType.objects.get_for_id(attachment.content_type_id)
        return f"{ct.app_label}.{ct.model}"


class AttachmentPermissionsSerializer(serializers.Serializer):
    remove = serializers.BooleanField(read_only=True)


class AttachmentSerializer(serializers.ModelSerializer):
    record = AttachedRecordSerializer(source="*", read_only=True)
    # Plain text here (the values are listed on the upload's ``kind``): a second enum named
    # "kind" in several components makes drf-spectacular warn about the enum names.
    kind = serializers.CharField(read_only=True,
                                 help_text=gettext_lazy("evidence, certificate, scan, report or other"))
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    file_name = serializers.CharField(source="original_name", read_only=True)
    extension = serializers.CharField(read_only=True)
    uploaded_by = UserRefSerializer(read_only=True)
    download_url = serializers.SerializerMethodField()
    permissions = serializers.SerializerMethodField()

    class Meta:
        model = Attachment
        fields = ["id", "record", "kind", "kind_display", "file_name", "extension", "size", "mime_type", "sha256",
                  "uploaded_by", "uploaded_at", "is_removed", "removed_at", "removal_reason", "download_url",
                  "permissions"]
        read_only_fields = fields

    def get_download_url(self, attachment) -> str | None:
        if attachment.is_removed:
            return None
        return reverse("api:project-attachment-download",
                       kwargs={"project_pk": attachment.project_id, "pk": attachment.pk})

    @extend_schema_field(AttachmentPermissionsSerializer)
    def get_permissions(self, attachment) -> dict:
        user = self.context["request"].user
        return {"remove": allowed("attachments.can_remove_attachment", user, attachment)}


# ---------------------------------------------------------------- input


class RecordRefInputSerializer(serializers.Serializer):
    record_type = serializers.RegexField(
        RECORD_TYPE_REGEX, max_length=201, required=False,
        help_text=gettext_lazy("app_label.model of the record to attach to; leave out for the project itself"),
        error_messages={"invalid": gettext_lazy("Give the record type as app_label.model.")})
    object_id = serializers.IntegerField(min_value=1, max_value=MAX_OBJECT_ID, required=False)

    def validate(self, attrs: dict) -> dict:
        if ("record_type" in attrs) != ("object_id" in attrs):
            raise ValidationError({"object_id" if "record_type" in attrs else "record_type": [
                _("Send both record_type and object_id, or neither to use the project itself.")]})
        return attrs


class AttachmentUploadSerializer(RecordRefInputSerializer):
    file = serializers.FileField(allow_empty_file=True, use_url=False,
                                 help_text=gettext_lazy("The file (multipart/form-data)."))
    kind = serializers.ChoiceField(choices=AttachmentKind.choices, default=AttachmentKind.EVIDENCE)


class AttachmentRemoveSerializer(serializers.Serializer):
    reason = TextField(max_length=REASON_MAX_LENGTH,
                       help_text=gettext_lazy("Why the attachment is removed; kept in the history."))


REASON_PARAMETER = OpenApiParameter("reason", OpenApiTypes.STR, OpenApiParameter.QUERY, required=False,
                                    description="Why the attachment is removed (or send it in the body).")


class RecordRefForm(forms.Form):
    def clean(self):
        data = super().clean()
        if bool(data.get("record_type")) != (data.get("object_id") is not None):
            raise forms.ValidationError(_("Send both record_type and object_id, or neither to use the project itself."))
        return data


class AttachmentFilter(ApiFilterSet):
    """Only the files of one record: ``record_type`` (app_label.model) and ``object_id``, both."""

    record_type = django_filters.CharFilter(
        method="filter_record", max_length=201,
        validators=[RegexValidator(RECORD_TYPE_REGEX, gettext_lazy("Give the record type as app_label.model."))])
    object_id = django_filters.NumberFilter(
        method="filter_record", decimal_places=0,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_OBJECT_ID)])

    class Meta:
        model = Attachment
        fields = ["record_type", "object_id"]
        form = RecordRefForm

    def filter_record(self, queryset, name, value):
        data = self.form.cleaned_data
        if name == "object_id" or not data.get("record_type"):
            return queryset
        app_label, model = data["record_type"].split(".", 1)
        return queryset.filter(content_type__app_label=app_label, content_type__model=model,
                               object_id=int(data["object_id"]))


# ---------------------------------------------------------------- viewset


class AttachmentViewSet(ProjectScopedMixin, ApiViewSet):
    """Files of the project's records. Anyone who sees the project reads them (regulators
    included) unless the record narrows it; active project members upload; the uploader or the
    client lead removes."""

    serializer_class = AttachmentSerializer
    filterset_class = AttachmentFilter
    http_method_names = ["get", "post", "delete", "head", "options"]

    def get_parsers(self):
        # Called before ``self.action`` is set: find the action from the method.
        method = getattr(getattr(self, "request", None), "method", "") or ""
        if (getattr(self, "action_map", None) or {}).get(method.lower()) == "create":
            return [MultiPartParser(), FormParser()]  # an upload is multipart/form-data
        return super().get_parsers()

    def perform_content_negotiation(self, request, force=False):
        # A download answers the file whatever the client accepts; errors stay JSON.
        return super().perform_content_negotiation(request, force=force or self.action == "download")

    def get_queryset(self):
        if self.is_schema_generation:
            return Attachment.objects.none()
        return selectors.attachments_visible_to(self.request.user).filter(project=self.project)

    def get_object(self) -> Attachment:
        """Exactly the page's lookup (``attachment_for_user``: present, visible, not narrowed),
        and the attachment must belong to the project in the URL."""
        attachment = selectors.attachment_for_user(self.request.user, self.kwargs.get("pk"))  # Http404 → JSON 404
        if attachment.project_id != self.project.pk:
            raise NotFound
        attachment.project = self.project  # one role cache for the permission checks
        return attachment

    def _record(self, data: dict):
        """The record to attach to: the project itself, or a record of this project that may own
        attachments and that the user may see (404 otherwise, as on the upload page)."""
        if "record_type" not in data:
            return self.project
        app_label, model = data["record_type"].split(".", 1)
        try:
            ct = ContentType.objects.get_by_natural_key(app_label, model)
        except ContentType.DoesNotExist:
            raise ValidationError({"record_type": [_("Files cannot be attached to this kind of record.")]}) from None
        if not registry.is_attachable(ct.model_class()):
            raise ValidationError({"record_type": [_("Files cannot be attached to this kind of record.")]})
        record, project = selectors.attachment_target_for_user(self.request.user, ct.pk, data["object_id"])
        if project.pk != self.project.pk:
            raise NotFound
        return record

    @api_schema(summary="The project's files (metadata), newest first")
    def list(self, request, project_pk=None):
        qs = self.filter_queryset(self.get_queryset())  # the project first: 404 for one the user may not see
        attachments = selectors.downloadable(request.user, qs.order_by("-uploaded_at", "-pk"))
        for attachment in attachments:
            attachment.project = self.project
        page = self.paginate_queryset(attachments)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @api_schema(summary="One file's metadata")
    def retrieve(self, request, project_pk=None, pk=None):
        return Response(self.get_serializer(self.get_object()).data)

    @api_schema(summary="Upload a file (multipart) to a record of the project or to the project itself",
                request={"multipart/form-data": AttachmentUploadSerializer},
                responses={201: AttachmentSerializer})
    def create(self, request, project_pk=None):
        self.require("attachments.can_add_attachment", self.project, _("Only members of the project can attach files to it."))
        data = AttachmentUploadSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        record = self._record(values)
        attachment = services.attachment_add(record=record, project=self.project, user=request.user,
                                             uploaded_file=values["file"], kind=values["kind"])
        attachment.project = self.project
        return Response(self.get_serializer(attachment).data, status=status.HTTP_201_CREATED)

    @api_schema(summary="Remove a file (uploader or client lead; the file stays in storage and history)",
                request=AttachmentRemoveSerializer, parameters=[REASON_PARAMETER],
                responses={200: AttachmentSerializer})
    def destroy(self, request, project_pk=None, pk=None):
        attachment = self.get_object()
        self.require("attachments.can_remove_attachment", attachment,
                     _("Only the uploader or the client project lead can remove this attachment."))
        removed = services.attachment_remove(attachment=attachment, user=request.user,
                                             reason=self.reason(AttachmentRemoveSerializer))
        removed.project = self.project
        return Response(self.get_serializer(removed).data)

    @api_schema(summary="Download the file (streamed; Content-Disposition attachment, nosniff)",
                responses={(200, "application/octet-stream"): OpenApiResponse(OpenApiTypes.BINARY),
                           404: OpenApiResponse(description="Not visible to you, removed, or missing.")})
    @action(detail=True, methods=["get"])
    def download(self, request, project_pk=None, pk=None):
        attachment = self.get_object()
        try:
            handle = attachment.file.open("rb")
        except (FileNotFoundError, OSError):
            logger.error("attachment %s: stored file %s is missing", attachment.pk, attachment.file.name)
            raise NotFound from None
        logger.info("attachment %s downloaded by user %s (API)", attachment.pk, request.user.pk)
        response = FileResponse(handle, content_type=attachment.mime_type)
        response["Content-Disposition"] = content_disposition(attachment.original_name)
        response["X-Content-Type-Options"] = "nosniff"
        response["Cache-Control"] = "private, no-store"
        response["Content-Security-Policy"] = "default-src 'none'; sandbox"
        return response


def register(router, project_prefix: str) -> None:
    router.register(project_prefix + "attachments", AttachmentViewSet, basename="project-attachment")

