"""REST endpoints below /api/v1/projects/{project_id}/ (same scoping and rules as the pages).

| method | path | service |
|---|---|---|
| GET | ``check-items/`` (``?service_type=``) | the project's check items (Tables 1–5 copies) |
| GET | ``defect-types/`` (``?service_type=``, ``?grade=``) | the project's defect catalogue |
| GET | ``patrols/`` · ``patrols/{id}/`` | patrols, newest first |
| POST | ``patrols/`` | ``patrol_create`` (client lead / client inspector) |
| GET | ``key-node-checks/`` · ``key-node-checks/{id}/`` | key-node checks, newest first |
| POST | ``key-node-checks/`` | ``key_node_create`` (client lead / client inspector) |
| GET | ``ledger/`` | the inspection ledger, filters ``kind``, ``date_from``, ``date_to``, ``inspector``,
  ``batch``, ``q``, ``problems`` (true/false); the count stops at 10,000 (1,000 with ``q``; ``count_capped``) |
"""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext as _
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from apps.core.rest.base import ApiViewSet, api_schema
from apps.core.rest.fields import DateField, IdField, LineField, TextField
from apps.core.rest.filters import ApiFilterSet
from apps.core.rest.pagination import MAX_PAGE, ApiPagination
from apps.core.rest.serializers import UserRefSerializer
from apps.projects.enums import ServiceType
from apps.projects.rest import ProjectScopedMixin

from . import selectors, services
from .enums import DefectGrade, KeyNodeResult, LedgerKind
from .models import TEXT_MAX, CheckItem, DefectType, KeyNodeCheck, LedgerEntry, Patrol


class CheckItemSerializer(serializers.ModelSerializer):
    class Meta:
        model = CheckItem
        fields = ["id", "service_type", "code", "name", "requirement", "method", "remark", "metric", "min_value",
                  "max_value", "unit", "absolute", "active", "order", "version"]
        read_only_fields = fields


class DefectTypeSerializer(serializers.ModelSerializer):
    class Meta:
        model = DefectType
        fields = ["id", "service_type", "code", "name", "grade", "description", "check_item", "active", "order",
                  "version"]
        read_only_fields = fields


class PatrolSerializer(serializers.ModelSerializer):
    inspectors = UserRefSerializer(many=True, read_only=True)
    created_by = UserRefSerializer(read_only=True)

    class Meta:
        model = Patrol
        fields = ["id", "patrolled_on", "inspectors", "content", "findings", "requirements", "created_by",
                  "created_at", "version"]
        read_only_fields = fields


class PatrolInSerializer(serializers.Serializer):
    patrolled_on = DateField()
    content = TextField(max_length=TEXT_MAX)
    findings = TextField(max_length=TEXT_MAX, required=False, allow_blank=True, default="")
    requirements = TextField(max_length=TEXT_MAX, required=False, allow_blank=True, default="")
    inspectors = serializers.ListField(child=IdField(), required=False, default=list,
                                       max_length=services.MAX_INSPECTORS)


class KeyNodeSerializer(serializers.ModelSerializer):
    inspector = UserRefSerializer(read_only=True)
    created_by = UserRefSerializer(read_only=True)

    class Meta:
        model = KeyNodeCheck
        fields = ["id", "node", "from_plan", "checked_on", "inspector", "content", "result", "findings",
                  "requirements", "created_by", "created_at"]
        read_only_fields = fields


class KeyNodeInSerializer(serializers.Serializer):
    node = LineField(max_length=200)
    checked_on = DateField()
    content = TextField(max_length=TEXT_MAX)
    result = serializers.ChoiceField(choices=KeyNodeResult.choices)
    findings = TextField(max_length=TEXT_MAX, required=False, allow_blank=True, default="")
    requirements = TextField(max_length=TEXT_MAX, required=False, allow_blank=True, default="")
    inspector = IdField(required=False, allow_null=True, default=None)


class LedgerEntrySerializer(serializers.ModelSerializer):
    class Meta:
        model = LedgerEntry
        fields = ["id", "kind", "occurred_at", "inspector_id", "inspector_name", "batch_id", "batch_label", "content",
                  "problems", "requirements", "conclusion", "has_problems", "url"]
        read_only_fields = fields

    inspector_id = serializers.IntegerField(read_only=True, allow_null=True)


class LedgerFilterSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=LedgerKind.choices, required=False)
    date_from = serializers.DateField(required=False)
    date_to = serializers.DateField(required=False)
    inspector = IdField(required=False)
    batch = IdField(required=False)
    q = serializers.CharField(max_length=100, required=False, allow_blank=True)
    problems = serializers.BooleanField(required=False, allow_null=True, default=None)
    page = serializers.IntegerField(min_value=1, max_value=MAX_PAGE, required=False, default=1)
    page_size = serializers.IntegerField(min_value=1, max_value=ApiPagination.max_page_size, required=False,
                                         default=ApiPagination.page_size)

    def validate(self, data):
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            raise serializers.ValidationError({"date_to": _("The end date is before the start date.")})
        return data


class _ReadMixin(ProjectScopedMixin):
    model = None

    def get_object(self):
        try:
            return self.get_queryset().get(pk=self.kwargs.get("pk"))
        except (self.model.DoesNotExist, ValueError, TypeError):
            raise NotFound from None

    def _list(self):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


class CheckItemFilter(ApiFilterSet):
    service_type = django_filters.ChoiceFilter(choices=ServiceType.choices)

    class Meta:
        model = CheckItem
        fields = ["service_type"]


class DefectTypeFilter(ApiFilterSet):
    service_type = django_filters.ChoiceFilter(choices=ServiceType.choices)
    grade = django_filters.ChoiceFilter(choices=DefectGrade.choices)

    class Meta:
        model = DefectType
        fields = ["service_type", "grade"]


class CheckItemViewSet(_ReadMixin, ApiViewSet):
    serializer_class = CheckItemSerializer
    filterset_class = CheckItemFilter
    model = CheckItem
    http_method_names = ["get", "head", "options"]

    def get_queryset(self):
        if self.is_schema_generation:
            return CheckItem.objects.none()
        return selectors.check_items(self.project)

    @api_schema(summary="The project's check items (§7.2 Tables 1–5, adapted by the client lead)")
    def list(self, request, project_pk=None):
        return self._list()

    @api_schema(summary="One check item")
    def retrieve(self, request, project_pk=None, pk=None):
        return Response(self.get_serializer(self.get_object()).data)


class DefectTypeViewSet(_ReadMixin, ApiViewSet):
    serializer_class = DefectTypeSerializer
    filterset_class = DefectTypeFilter
    model = DefectType
    http_method_names = ["get", "head", "options"]

    def get_queryset(self):
        if self.is_schema_generation:
            return DefectType.objects.none()
        return selectors.defect_types(self.project)

    @api_schema(summary="The project's defect catalogue (§7.2, Annex B)")
    def list(self, request, project_pk=None):
        return self._list()

    @api_schema(summary="One defect type")
    def retrieve(self, request, project_pk=None, pk=None):
        return Response(self.get_serializer(self.get_object()).data)


class PatrolViewSet(_ReadMixin, ApiViewSet):
    serializer_class = PatrolSerializer
    model = Patrol
    http_method_names = ["get", "post", "head", "options"]

    def get_queryset(self):
        if self.is_schema_generation:
            return Patrol.objects.none()
        return selectors.patrols(self.project)

    @api_schema(summary="Patrols of the project, newest first")
    def list(self, request, project_pk=None):
        return self._list()

    @api_schema(summary="One patrol")
    def retrieve(self, request, project_pk=None, pk=None):
        return Response(self.get_serializer(self.get_object()).data)

    @api_schema(summary="Record a patrol (client lead or client quality inspector)", request=PatrolInSerializer,
                responses={201: PatrolSerializer})
    def create(self, request, project_pk=None):
        self.require("inspections.may_record_patrols", self.project)
        data = PatrolInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        patrol = services.patrol_create(project=self.project, user=request.user, **data.validated_data)
        return Response(self.get_serializer(patrol).data, status=status.HTTP_201_CREATED)


class KeyNodeViewSet(_ReadMixin, ApiViewSet):
    serializer_class = KeyNodeSerializer
    model = KeyNodeCheck
    http_method_names = ["get", "post", "head", "options"]

    def get_queryset(self):
        if self.is_schema_generation:
            return KeyNodeCheck.objects.none()
        return selectors.key_node_checks(self.project)

    @api_schema(summary="Key-node checks of the project, newest first")
    def list(self, request, project_pk=None):
        return self._list()

    @api_schema(summary="One key-node check")
    def retrieve(self, request, project_pk=None, pk=None):
        return Response(self.get_serializer(self.get_object()).data)

    @api_schema(summary="Record a key-node check (client lead or client quality inspector)",
                request=KeyNodeInSerializer, responses={201: KeyNodeSerializer})
    def create(self, request, project_pk=None):
        self.require("inspections.may_record_key_node_checks", self.project)
        data = KeyNodeInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        check = services.key_node_create(project=self.project, user=request.user, **data.validated_data)
        return Response(self.get_serializer(check).data, status=status.HTTP_201_CREATED)


class LedgerPageSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    count_capped = serializers.BooleanField()
    page = serializers.IntegerField()
    has_next = serializers.BooleanField()
    results = LedgerEntrySerializer(many=True)


class LedgerViewSet(ProjectScopedMixin, ApiViewSet):
    serializer_class = LedgerEntrySerializer
    http_method_names = ["get", "head", "options"]

    def get_queryset(self):
        return LedgerEntry.objects.none()

    @api_schema(summary="The inspection ledger (检查台账), newest first, filtered",
                parameters=[LedgerFilterSerializer], responses=LedgerPageSerializer)
    def list(self, request, project_pk=None):
        project = self.project
        f = self.query(LedgerFilterSerializer)
        filters = selectors.LedgerFilters(
            kind=f.get("kind", ""), date_from=f.get("date_from"), date_to=f.get("date_to"),
            inspector_id=f.get("inspector"), batch_id=f.get("batch"), q=(f.get("q") or "").strip(),
            has_problems=f.get("problems"))
        page = selectors.ledger_page(selectors.ledger_entries(project, filters), f["page"], per_page=f["page_size"],
                                     cap=selectors.ledger_count_cap(filters))
        return Response({"count": page.count, "count_capped": page.count_capped, "page": page.number,
                         "has_next": page.has_next,
                         "results": LedgerEntrySerializer(page.entries, many=True).data})


def register(router, project_prefix: str) -> None:
    router.register(project_prefix + "check-items", CheckItemViewSet, basename="project-check-items")
    router.register(project_prefix + "defect-types", DefectTypeViewSet, basename="project-defect-types")
    router.register(project_prefix + "patrols", PatrolViewSet, basename="project-patrols")
    router.register(project_prefix + "key-node-checks", KeyNodeViewSet, basename="project-key-node-checks")
    router.register(project_prefix + "ledger", LedgerViewSet, basename="project-ledger")
