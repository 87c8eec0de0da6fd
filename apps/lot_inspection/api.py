"""REST endpoints: /api/v1/projects/{project_id}/lot-inspections/ (same scoping and rules as the pages).

| method | path | service |
|---|---|---|
| GET | ``lot-inspections/`` | inspections of the project, newest first (filters ``status``, ``purpose``) |
| POST | ``lot-inspections/`` | ``lot_inspection_open`` of ``{"batch": id}`` (client lead / inspector) |
| GET | ``lot-inspections/{id}/`` | one inspection with its plan and result |
| GET | ``lot-inspections/{id}/items/`` | the sampled items (paginated; the contractor once decided) |
| POST | ``lot-inspections/{id}/items/`` | ``lot_inspection_results_record``: ``{"items": [{"position"|"id", "result", "defects", "measurements", "note", "version"}]}`` |
| POST | ``lot-inspections/{id}/decide/`` | ``lot_inspection_decide`` |
| GET | ``lot-inspections/escape-rate/`` | escape rate of the project (``service_type`` optional) |

An acceptance inspection (``purpose`` "acceptance", §5.3.1) is listed here too, with ``batch`` and
``batch_number`` null, its ``label`` and ``population`` (the accepted batches of its lot); it is
opened from the acceptance round (apps.acceptance), and its items and decision work as above.
"""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext as _
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from apps.core.errors import DomainError
from apps.core.permissions import allowed
from apps.core.rest.actions import transition_action
from apps.core.rest.base import ApiViewSet, api_schema
from apps.core.rest.fields import IdField, LineField, VersionField
from apps.core.rest.filters import ApiFilterSet
from apps.core.rest.serializers import UserRefSerializer
from apps.projects.enums import ServiceType
from apps.projects.rest import ProjectScopedMixin

from . import selectors, services
from .enums import InspectionStatus, ItemResult, Purpose
from .models import NOTE_MAX, LotInspection, SampledItem
from .rows import MAX_DEFECTS_PER_ITEM, RowInput, parse_codes

MAX_API_ROWS = 5000


class PopulationPartSerializer(serializers.Serializer):
    batch = serializers.IntegerField()
    number = serializers.IntegerField()
    count = serializers.IntegerField()


class LotInspectionSerializer(serializers.ModelSerializer):
    batch_number = serializers.IntegerField(source="batch.number", read_only=True, default=None, allow_null=True)
    purpose_display = serializers.CharField(source="get_purpose_display", read_only=True)
    population = PopulationPartSerializer(many=True, read_only=True)
    opened_by = UserRefSerializer(read_only=True)
    decided_by = UserRefSerializer(read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    decision_display = serializers.CharField(source="get_decision_display", read_only=True)

    class Meta:
        model = LotInspection
        fields = ["id", "purpose", "purpose_display", "label", "batch", "batch_number", "population", "service_type",
                  "lot_size", "regime", "level", "code_letter", "plans",
                  "gb_sample_size", "floor_rate", "floor_size", "sample_size", "full_inspection", "seed", "status",
                  "status_display", "decision", "decision_display", "pass_rate", "conforming_count",
                  "defective_count", "fatal_count", "serious_count", "general_count", "defects_total", "reason",
                  "inspectors", "opened_by", "started_at", "decided_by", "decided_at"]
        read_only_fields = fields

    def to_representation(self, instance):
        data = super().to_representation(instance)
        # The seed reproduces the draw: hidden wherever the sample is (the contractor, while open).
        request = self.context.get("request")
        if request is not None and not allowed("lot_inspection.may_see_lot_sample", request.user, instance):
            data["seed"] = None
        return data


class ItemDefectOutSerializer(serializers.Serializer):
    code = serializers.CharField(source="defect_type.code")
    name = serializers.CharField(source="defect_type.name")
    grade = serializers.CharField()


class SampledItemSerializer(serializers.ModelSerializer):
    archive_code = serializers.CharField(source="batch_item.archive_code", default="", read_only=True)
    title = serializers.CharField(source="batch_item.title", default="", read_only=True)
    file_name = serializers.CharField(source="batch_item.file_name", default="", read_only=True)
    contractor_passed = serializers.BooleanField(source="batch_item.contractor_passed", default=True,
                                                 read_only=True)
    defects = ItemDefectOutSerializer(many=True, read_only=True)
    checked_by = UserRefSerializer(read_only=True)
    batch_number = serializers.SerializerMethodField(
        help_text="Acceptance inspection: the number of the batch the item belongs to (null otherwise).")
    position_in_batch = serializers.SerializerMethodField(
        help_text="Acceptance inspection: the item's position within its batch (null otherwise).")

    class Meta:
        model = SampledItem
        fields = ["id", "position", "batch_number", "position_in_batch", "archive_code", "title", "file_name",
                  "contractor_passed", "result",
                  "worst_grade", "defects", "measurements", "note", "checked_by", "checked_at", "version"]
        read_only_fields = fields


    def _where(self, item) -> tuple | None:
        return item.inspection.locate(item.position)

    def get_batch_number(self, item) -> int | None:
        where = self._where(item)
        return None if where is None else where[1]

    def get_position_in_batch(self, item) -> int | None:
        where = self._where(item)
        return None if where is None else where[2]


class OpenSerializer(serializers.Serializer):
    batch = IdField()


class ResultRowSerializer(serializers.Serializer):
    id = IdField(required=False)
    position = serializers.IntegerField(required=False, min_value=1, max_value=10_000_000)
    result = serializers.ChoiceField(choices=ItemResult.choices, required=False, allow_null=True, default=None)
    defects = serializers.ListField(child=LineField(max_length=32), required=False, default=list,
                                    max_length=MAX_DEFECTS_PER_ITEM)
    measurements = serializers.DictField(child=serializers.CharField(max_length=32, allow_blank=True),
                                         required=False, default=dict)
    note = LineField(max_length=NOTE_MAX, required=False, allow_blank=True, allow_null=True, default=None)
    version = VersionField(required=False, allow_null=True, default=None)

    def validate(self, attrs):
        if attrs.get("id") is None and attrs.get("position") is None:
            raise serializers.ValidationError(_("Give the item's id or position."))
        return attrs


class ResultsSerializer(serializers.Serializer):
    items = ResultRowSerializer(many=True, allow_empty=False, max_length=MAX_API_ROWS)


class ResultsAnswerSerializer(serializers.Serializer):
    saved = serializers.IntegerField()
    pending = serializers.IntegerField()


class EscapeRateQuerySerializer(serializers.Serializer):
    service_type = serializers.ChoiceField(choices=ServiceType.choices, required=False)


class LotInspectionFilter(ApiFilterSet):
    status = django_filters.ChoiceFilter(choices=InspectionStatus.choices)
    purpose = django_filters.ChoiceFilter(choices=Purpose.choices)

    class Meta:
        model = LotInspection
        fields = ["status", "purpose"]


class SampledItemFilter(ApiFilterSet):
    # No model: the filter of an @action whose viewset lists another model.
    result = django_filters.ChoiceFilter(choices=ItemResult.choices)


class EscapeRateSerializer(serializers.Serializer):
    service_type = serializers.CharField(allow_null=True)
    escaped = serializers.IntegerField()
    base = serializers.IntegerField()
    rate = serializers.DecimalField(max_digits=5, decimal_places=2, allow_null=True)


class LotInspectionViewSet(ProjectScopedMixin, ApiViewSet):
    serializer_class = LotInspectionSerializer
    filterset_class = LotInspectionFilter
    http_method_names = ["get", "post", "head", "options"]

    def get_queryset(self):
        if self.is_schema_generation:
            return LotInspection.objects.none()
        return selectors.inspections_for_project(self.project, purpose=None)

    def get_object(self):
        try:
            return self.get_queryset().select_related("project").get(pk=self.kwargs.get("pk"))
        except (LotInspection.DoesNotExist, ValueError, TypeError, OverflowError):
            raise NotFound from None

    @api_schema(summary="Sampling inspections of the project (batches and acceptance), newest first")
    def list(self, request, project_pk=None):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @api_schema(summary="One sampling inspection")
    def retrieve(self, request, project_pk=None, pk=None):
        return Response(self.get_serializer(self.get_object()).data)

    @api_schema(summary="Open the sampling inspection of a submitted batch (client lead or inspector)",
                request=OpenSerializer, responses={201: LotInspectionSerializer})
    def create(self, request, project_pk=None):
        from apps.batches.models import Batch

        self.require("lot_inspection.may_open_lot_inspection", self.project)
        data = OpenSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        batch = Batch.objects.filter(project=self.project, pk=data.validated_data["batch"]).first()
        if batch is None:
            raise DomainError(_("No such batch in this project."), field="batch")
        inspection = services.lot_inspection_open(batch=batch, user=request.user)
        return Response(self.get_serializer(inspection).data, status=status.HTTP_201_CREATED)

    @api_schema(methods=["GET"], summary="The sampled items (filter: result)",
                responses=SampledItemSerializer(many=True))
    @api_schema(methods=["POST"], summary="Record results for several sampled items (all or nothing)",
                request=ResultsSerializer, responses={200: ResultsAnswerSerializer})
    @action(detail=True, methods=["get", "post"], filterset_class=SampledItemFilter)
    def items(self, request, project_pk=None, pk=None):
        inspection = self.get_object()
        if request.method == "GET":
            self.require("lot_inspection.may_see_lot_sample", inspection)
            page = self.paginate_queryset(self.filter_queryset(selectors.sampled_items(inspection)))
            return self.get_paginated_response(SampledItemSerializer(page, many=True).data)
        self.require("lot_inspection.may_record_lot_results", inspection)
        data = ResultsSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        rows = [RowInput(
            label=_("item %(n)s") % {"n": row.get("position") or row.get("id")}, item_id=row.get("id"),
            position=row.get("position") if row.get("id") is None else None, result=row.get("result"),
            defects=parse_codes(row.get("defects")), measurements=row.get("measurements") or {},
            note=row.get("note"), version=row.get("version")) for row in data.validated_data["items"]]
        saved = services.lot_inspection_results_record(inspection=inspection, user=request.user, rows=rows)
        counts = selectors.result_counts(inspection)
        return Response({"saved": saved, "pending": counts["pending"]})

    decide = transition_action(
        rule="lot_inspection.may_decide_lot", service=services.lot_inspection_decide, entity="inspection",
        output=LotInspectionSerializer,
        summary="Decide the batch from the recorded results (client lead or inspector)")

    @api_schema(summary="Escape rate: defects found by sampling in items the contractor's inspection passed",
                request=None, parameters=[EscapeRateQuerySerializer], responses=EscapeRateSerializer, filters=False)
    @action(detail=False, methods=["get"], url_path="escape-rate", pagination_class=None, filterset_class=None)
    def escape_rate(self, request, project_pk=None):
        service_type = self.query(EscapeRateQuerySerializer).get("service_type")
        rate = selectors.escape_rate(self.project, service_type)
        return Response({"service_type": service_type, "escaped": rate.escaped, "base": rate.base,
                         "rate": None if rate.rate is None else str(rate.rate)})


def register(router, project_prefix: str) -> None:
    router.register(project_prefix + "lot-inspections", LotInspectionViewSet, basename="project-lot-inspections")
