"""REST endpoints below /api/v1/projects/{project_id}/ for the contractor's production tools
(same scoping and rules as the pages; every write goes through a service).

| method | path | service |
|---|---|---|
| GET | ``batches/`` | batches you may see (filters ``status``, ``service_type``), newest first |
| POST | ``batches/`` | ``batch_create`` (contractor PM / special inspector) |
| GET | ``batches/{id}/`` | one batch with its special inspections and submission refusals |
| POST | ``batches/{id}/submit/`` | ``batch_submit`` (contractor PM) |
| POST | ``batches/{id}/resubmit/`` | ``batch_resubmit`` (contractor PM) |
| GET | ``batches/{id}/items/`` | the item list, by position (paginated) |
| POST | ``batches/{id}/items/`` | ``batch_items_replace``: JSON ``{"items": [...]}`` or a multipart ``file`` (.xlsx/.csv) |
| GET/POST | ``batches/{id}/special-inspections/`` | ``special_inspection_record`` |
| GET/POST | ``self-checks/`` | ``self_check_record`` |
| GET/POST | ``mutual-checks/`` | ``mutual_check_record`` |
"""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext as _
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from apps.core.errors import DomainError
from apps.core.rest.actions import transition_action
from apps.core.rest.base import ApiViewSet, api_schema
from apps.core.rest.fields import DateField, IdField, LineField, TextField, VersionField
from apps.core.rest.filters import ApiFilterSet, BooleanFilter
from apps.core.rest.serializers import UserRefSerializer
from apps.projects.enums import ServiceType
from apps.projects.rest import ProjectScopedMixin

from . import selectors, services
from .enums import BatchStatus, InspectionConclusion, Unit
from .imports import MAX_FILE_BYTES, MAX_ROWS, parse_item_file
from .models import (
    ARCHIVE_CODE_MAX,
    FILE_NAME_MAX,
    MAX_COUNT,
    STEP_MAX,
    TEXT_MAX,
    TITLE_MAX,
    Batch,
    BatchItem,
    MutualCheck,
    SelfCheck,
    SpecialInspection,
)

# ---------------------------------------------------------------- output


class SpecialInspectionSerializer(serializers.ModelSerializer):
    inspector = UserRefSerializer(read_only=True)
    recorded_by = UserRefSerializer(read_only=True)

    class Meta:
        model = SpecialInspection
        fields = ["id", "batch", "date", "inspector", "checked_count", "nonconforming_count", "conclusion",
                  "findings", "nonconforming_positions", "recorded_by", "recorded_at"]
        read_only_fields = fields


class BatchSerializer(serializers.ModelSerializer):
    created_by = UserRefSerializer(read_only=True)
    submitted_by = UserRefSerializer(read_only=True)
    decided_by = UserRefSerializer(read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    url = serializers.CharField(source="get_absolute_url", read_only=True)

    class Meta:
        model = Batch
        fields = ["id", "number", "service_type", "quantity", "unit", "description", "status", "status_display",
                  "resubmission_of", "created_by", "created_at", "submitted_by", "submitted_at",
                  "inspection_started_at", "decided_by", "decided_at", "version", "url"]
        read_only_fields = fields


class BatchDetailSerializer(BatchSerializer):
    special_inspections = serializers.SerializerMethodField()
    submission_refusals = serializers.SerializerMethodField()

    class Meta(BatchSerializer.Meta):
        fields = BatchSerializer.Meta.fields + ["special_inspections", "submission_refusals"]
        read_only_fields = fields

    def get_special_inspections(self, batch) -> list[dict]:
        return SpecialInspectionSerializer(selectors.special_inspections_of(batch), many=True).data

    def get_submission_refusals(self, batch) -> list[str]:
        return services.submission_refusals(batch) if batch.status == BatchStatus.DRAFT else []


class BatchItemSerializer(serializers.ModelSerializer):
    class Meta:
        model = BatchItem
        fields = ["id", "position", "archive_code", "title", "pages", "file_name", "contractor_passed"]
        read_only_fields = fields


class SelfCheckSerializer(serializers.ModelSerializer):
    operator = UserRefSerializer(read_only=True)
    recorded_by = UserRefSerializer(read_only=True)
    incomplete = serializers.BooleanField(read_only=True)

    class Meta:
        model = SelfCheck
        fields = ["id", "batch", "date", "operator", "process_step", "output_count", "self_checked_count",
                  "nonconforming_count", "findings", "incomplete", "recorded_by", "recorded_at"]
        read_only_fields = fields


class MutualCheckSerializer(serializers.ModelSerializer):
    producer = UserRefSerializer(read_only=True)
    checker = UserRefSerializer(read_only=True)
    recorded_by = UserRefSerializer(read_only=True)

    class Meta:
        model = MutualCheck
        fields = ["id", "batch", "date", "process_step", "producer", "checker", "checked_count",
                  "nonconforming_count", "findings", "recorded_by", "recorded_at"]
        read_only_fields = fields


# ---------------------------------------------------------------- input


class BatchCreateSerializer(serializers.Serializer):
    service_type = serializers.ChoiceField(choices=ServiceType.choices)
    unit = serializers.ChoiceField(choices=Unit.choices, required=False, default=Unit.ITEM)
    quantity = serializers.IntegerField(min_value=0, max_value=MAX_COUNT, required=False, default=0)
    description = LineField(max_length=500, required=False, allow_blank=True, default="")


class ItemInSerializer(serializers.Serializer):
    archive_code = LineField(max_length=ARCHIVE_CODE_MAX)
    title = LineField(max_length=TITLE_MAX, required=False, allow_blank=True, default="")
    pages = serializers.IntegerField(min_value=1, max_value=100_000, required=False, allow_null=True, default=None)
    file_name = LineField(max_length=FILE_NAME_MAX, required=False, allow_blank=True, default="")


class ItemsInSerializer(serializers.Serializer):
    items = ItemInSerializer(many=True, required=False)
    file = serializers.FileField(required=False)
    version = VersionField(required=False, allow_null=True, default=None)

    def validate_items(self, value):
        if len(value) > MAX_ROWS:
            raise serializers.ValidationError(_("Too many items: at most %(n)d per batch.") % {"n": MAX_ROWS})
        return value

    def validate(self, data):
        if bool(data.get("items")) == bool(data.get("file")):
            raise serializers.ValidationError(_("Send either a list of items or one file."))
        return data


class SpecialInspectionInSerializer(serializers.Serializer):
    date = DateField()
    checked_count = serializers.IntegerField(min_value=1, max_value=MAX_COUNT)
    nonconforming_count = serializers.IntegerField(min_value=0, max_value=MAX_COUNT, required=False, default=0)
    conclusion = serializers.ChoiceField(choices=InspectionConclusion.choices)
    findings = TextField(max_length=TEXT_MAX, required=False, allow_blank=True, default="")
    nonconforming_positions = serializers.ListField(child=serializers.IntegerField(min_value=1, max_value=MAX_COUNT),
                                                    required=False, default=list, max_length=MAX_ROWS)
    inspector = IdField(required=False, allow_null=True, default=None,
                        help_text="User id of the special inspector; you when omitted.")


class SelfCheckInSerializer(serializers.Serializer):
    operator = IdField(help_text="User id of the operator (filed, approved contractor staff).")
    date = DateField()
    process_step = LineField(max_length=STEP_MAX)
    output_count = serializers.IntegerField(min_value=0, max_value=MAX_COUNT)
    self_checked_count = serializers.IntegerField(min_value=0, max_value=MAX_COUNT)
    nonconforming_count = serializers.IntegerField(min_value=0, max_value=MAX_COUNT, required=False, default=0)
    findings = TextField(max_length=TEXT_MAX, required=False, allow_blank=True, default="")
    batch = IdField(required=False, allow_null=True, default=None)


class MutualCheckInSerializer(serializers.Serializer):
    producer = IdField()
    checker = IdField()
    date = DateField()
    process_step = LineField(max_length=STEP_MAX)
    checked_count = serializers.IntegerField(min_value=1, max_value=MAX_COUNT)
    nonconforming_count = serializers.IntegerField(min_value=0, max_value=MAX_COUNT, required=False, default=0)
    findings = TextField(max_length=TEXT_MAX, required=False, allow_blank=True, default="")
    batch = IdField(required=False, allow_null=True, default=None)


class ItemsReplacedSerializer(serializers.Serializer):
    batch = BatchSerializer()
    imported = serializers.IntegerField(help_text="How many items the batch now has.")


# ---------------------------------------------------------------- filters


class BatchFilter(ApiFilterSet):
    status = django_filters.ChoiceFilter(choices=BatchStatus.choices)
    service_type = django_filters.ChoiceFilter(choices=ServiceType.choices)

    class Meta:
        model = Batch
        fields = ["status", "service_type"]


class CheckDatesFilter(ApiFilterSet):
    date_from = django_filters.DateFilter(field_name="date", lookup_expr="gte")
    date_to = django_filters.DateFilter(field_name="date", lookup_expr="lte")


class SelfCheckFilter(CheckDatesFilter):
    incomplete = BooleanFilter(method="filter_incomplete")

    def filter_incomplete(self, queryset, name, value):
        incomplete = selectors.incomplete(queryset)
        return incomplete if value else queryset.exclude(pk__in=incomplete.values("pk"))


# ---------------------------------------------------------------- helpers


def _person(project, user_id, *, field: str, label: str, queryset=None):
    if user_id is None:
        return None
    person = (queryset if queryset is not None else selectors.filed_staff(project)).filter(pk=user_id).first()
    if person is None:
        raise DomainError(_("%(label)s must be a member of the contractor's team whose staff filing the client "
                            "approved.") % {"label": label}, field=field)
    return person


def _batch_ref(user, project, batch_id):
    if batch_id is None:
        return None
    batch = selectors.batches_for(user, project).filter(pk=batch_id).first()
    if batch is None:
        raise DomainError(_("No such batch in this project."), field="batch")
    return batch


# ---------------------------------------------------------------- views


class BatchViewSet(ProjectScopedMixin, ApiViewSet):
    serializer_class = BatchSerializer
    filterset_class = BatchFilter
    http_method_names = ["get", "post", "head", "options"]

    def get_queryset(self):
        if self.is_schema_generation:
            return Batch.objects.none()
        return selectors.batches_for(self.request.user, self.project)

    def get_object(self):
        try:
            return self.get_queryset().get(pk=self.kwargs.get("pk"))
        except (Batch.DoesNotExist, ValueError, TypeError):
            raise NotFound from None

    @api_schema(summary="Batches of the project (the client does not see contractor drafts)")
    def list(self, request, project_pk=None):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @api_schema(summary="One batch", responses=BatchDetailSerializer)
    def retrieve(self, request, project_pk=None, pk=None):
        return Response(BatchDetailSerializer(self.get_object()).data)

    @api_schema(summary="Create a draft batch (contractor PM or special inspector)", request=BatchCreateSerializer,
                responses={201: BatchSerializer})
    def create(self, request, project_pk=None):
        self.require("batches.may_create_batch", self.project)
        data = BatchCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        batch = services.batch_create(project=self.project, user=request.user, **data.validated_data)
        return Response(self.get_serializer(batch).data, status=status.HTTP_201_CREATED)

    submit = transition_action(
        rule="batches.may_submit_batch", service=services.batch_submit, entity="batch", output=BatchSerializer,
        summary="Submit the batch for sampling inspection (contractor PM)")
    resubmit = transition_action(
        rule="batches.may_resubmit_batch", service=services.batch_resubmit, entity="batch", output=BatchSerializer,
        status=status.HTTP_201_CREATED,
        summary="Resubmit a not-accepted batch after rectification: a new draft (contractor PM)")

    @api_schema(methods=["GET"], summary="The item list, by position", responses=BatchItemSerializer(many=True))
    @api_schema(methods=["POST"], summary="Replace the item list (JSON items or a .xlsx/.csv file, all or nothing)",
                request=ItemsInSerializer, responses={201: ItemsReplacedSerializer})
    @action(detail=True, methods=["get", "post"], filterset_class=None)
    def items(self, request, project_pk=None, pk=None):
        batch = self.get_object()
        if request.method == "GET":
            page = self.paginate_queryset(selectors.items_of(batch))
            return self.get_paginated_response(BatchItemSerializer(page, many=True).data)
        self.require("batches.may_edit_batch", batch)
        data = ItemsInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        upload = data.validated_data.get("file")
        if upload is not None:
            if upload.size > MAX_FILE_BYTES:
                raise DomainError(_("The file is too large (at most %(n)d MB).")
                                  % {"n": MAX_FILE_BYTES // (1024 * 1024)}, field="file")
            rows = parse_item_file(upload.read(), upload.name)
        else:
            rows = [dict(r) for r in data.validated_data["items"]]
        batch = services.batch_items_replace(batch=batch, user=request.user, rows=rows,
                                       expected_version=data.validated_data.get("version"))
        return Response({"batch": self.get_serializer(batch).data, "imported": batch.quantity},
                        status=status.HTTP_201_CREATED)

    @api_schema(methods=["GET"], summary="Special inspections of the batch",
                responses=SpecialInspectionSerializer(many=True))
    @api_schema(methods=["POST"], summary="Record a special inspection of the batch",
                request=SpecialInspectionInSerializer, responses={201: SpecialInspectionSerializer})
    @action(detail=True, methods=["get", "post"], url_path="special-inspections", pagination_class=None,
            filterset_class=None)
    def special_inspections(self, request, project_pk=None, pk=None):
        batch = self.get_object()
        if request.method == "GET":
            return Response(SpecialInspectionSerializer(selectors.special_inspections_of(batch), many=True).data)
        self.require("batches.may_record_special_inspection", batch)
        data = SpecialInspectionInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        values["inspector"] = _person(self.project, values.get("inspector"), field="inspector",
                                      label=_("The special inspector"),
                                      queryset=selectors.special_inspectors(self.project))
        inspection = services.special_inspection_record(batch=batch, user=request.user, **values)
        return Response(SpecialInspectionSerializer(inspection).data, status=status.HTTP_201_CREATED)


class _CheckViewSet(ProjectScopedMixin, ApiViewSet):
    http_method_names = ["get", "post", "head", "options"]


class SelfCheckViewSet(_CheckViewSet):
    serializer_class = SelfCheckSerializer
    filterset_class = SelfCheckFilter

    def get_queryset(self):
        if self.is_schema_generation:
            return SelfCheck.objects.none()
        return selectors.self_checks_of_project(self.project).order_by("-date", "-pk")

    @api_schema(summary="Self-checks of the project (filters date_from, date_to, incomplete)")
    def list(self, request, project_pk=None):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @api_schema(summary="Record a self-check (an operator their own; PM or special inspector any)",
                request=SelfCheckInSerializer, responses={201: SelfCheckSerializer})
    def create(self, request, project_pk=None):
        self.require("batches.may_record_self_checks", self.project)
        data = SelfCheckInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        values["operator"] = _person(self.project, values["operator"], field="operator", label=_("The operator"))
        values["batch"] = _batch_ref(request.user, self.project, values.get("batch"))
        check = services.self_check_record(project=self.project, user=request.user, **values)
        return Response(self.get_serializer(check).data, status=status.HTTP_201_CREATED)


class MutualCheckViewSet(_CheckViewSet):
    serializer_class = MutualCheckSerializer
    filterset_class = CheckDatesFilter

    def get_queryset(self):
        if self.is_schema_generation:
            return MutualCheck.objects.none()
        return selectors.mutual_checks_of_project(self.project).order_by("-date", "-pk")

    @api_schema(summary="Mutual checks of the project (filters date_from, date_to)")
    def list(self, request, project_pk=None):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @api_schema(summary="Record a mutual check (checker ≠ producer)", request=MutualCheckInSerializer,
                responses={201: MutualCheckSerializer})
    def create(self, request, project_pk=None):
        self.require("batches.may_record_mutual_checks", self.project)
        data = MutualCheckInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        values["producer"] = _person(self.project, values["producer"], field="producer", label=_("The producer"))
        values["checker"] = _person(self.project, values["checker"], field="checker", label=_("The checker"))
        values["batch"] = _batch_ref(request.user, self.project, values.get("batch"))
        check = services.mutual_check_record(project=self.project, user=request.user, **values)
        return Response(self.get_serializer(check).data, status=status.HTTP_201_CREATED)


def register(router, project_prefix: str) -> None:
    router.register(project_prefix + "batches", BatchViewSet, basename="project-batches")
    router.register(project_prefix + "self-checks", SelfCheckViewSet, basename="project-self-checks")
    router.register(project_prefix + "mutual-checks", MutualCheckViewSet, basename="project-mutual-checks")
