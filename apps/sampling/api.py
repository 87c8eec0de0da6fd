"""REST endpoints: /api/v1/projects/{project_id}/sampling/… (same scoping and rules as the pages).

| method | path | what | service |
|---|---|---|---|
| GET | ``sampling/settings/`` | the contract's sampling settings (defaults if never saved) | ``settings_or_defaults`` |
| PUT | ``sampling/settings/`` | change them (client lead; ``version`` required) | ``sampling_settings_update`` |
| GET | ``sampling/switching-states/`` | regime, score and counters per service type | ``switching_states`` |
| GET | ``sampling/switching-log/`` | the switching log, newest first; filter ``service_type`` | ``switching_events`` |
| GET | ``sampling/plan/?service_type=&lot_size=`` | the sampling plan a lot would get now | ``plan_with`` |
"""

from __future__ import annotations

from decimal import Decimal

import django_filters
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from apps.core.rest.base import ApiViewSet, api_schema
from apps.core.rest.fields import VersionField
from apps.core.rest.filters import ApiFilterSet
from apps.core.rest.serializers import UserRefSerializer
from apps.projects.enums import ServiceType
from apps.projects.rest import ProjectScopedMixin

from . import selectors, services
from .enums import AqlValue, InspectionLevel, Regime, SwitchingEventKind
from .models import SamplingSettings, SwitchingEvent, SwitchingState

RATE = {"max_digits": 5, "decimal_places": 2, "min_value": Decimal("0.01"), "max_value": Decimal("100")}


class SettingsSerializer(serializers.ModelSerializer):
    floor_rate = serializers.SerializerMethodField()
    quality_threshold = serializers.SerializerMethodField()
    saved = serializers.SerializerMethodField()

    class Meta:
        model = SamplingSettings
        fields = ["level", "aql_fatal", "aql_serious", "aql_general", "fatal_rejects", "floor_rate_ordinary",
                  "floor_rate_classified", "high_risk_floor_rate_ordinary", "high_risk_floor_rate_classified",
                  "reduced_allowed", "version", "updated_at", "floor_rate", "quality_threshold", "saved"]
        read_only_fields = fields

    def get_floor_rate(self, obj) -> Decimal:
        return services.floor_rate_for(obj.project, obj)

    def get_quality_threshold(self, obj) -> Decimal:
        return obj.project.quality_threshold

    def get_saved(self, obj) -> bool:
        return obj.pk is not None


class SettingsUpdateSerializer(serializers.Serializer):
    level = serializers.ChoiceField(choices=InspectionLevel.choices, required=False)
    aql_fatal = serializers.ChoiceField(choices=AqlValue.choices, required=False, allow_null=True)
    aql_serious = serializers.ChoiceField(choices=AqlValue.choices, required=False)
    aql_general = serializers.ChoiceField(choices=AqlValue.choices, required=False)
    fatal_rejects = serializers.BooleanField(required=False)
    floor_rate_ordinary = serializers.DecimalField(required=False, **RATE)
    floor_rate_classified = serializers.DecimalField(required=False, **RATE)
    high_risk_floor_rate_ordinary = serializers.DecimalField(required=False, **RATE)
    high_risk_floor_rate_classified = serializers.DecimalField(required=False, **RATE)
    reduced_allowed = serializers.BooleanField(required=False)
    version = VersionField()


class SwitchingStateSerializer(serializers.ModelSerializer):
    saved = serializers.SerializerMethodField()

    class Meta:
        model = SwitchingState
        fields = ["service_type", "regime", "switching_score", "normal_window", "consecutive_accepted",
                  "tightened_not_accepted", "lots_recorded", "discontinued", "last_change_reason", "last_changed_at",
                  "version", "saved"]
        read_only_fields = fields

    def get_saved(self, obj) -> bool:
        return obj.pk is not None


class SwitchingEventSerializer(serializers.ModelSerializer):
    user = UserRefSerializer(read_only=True)
    kind = serializers.ChoiceField(choices=SwitchingEventKind.choices, read_only=True)
    regime_before = serializers.ChoiceField(choices=Regime.choices, read_only=True)
    regime_after = serializers.ChoiceField(choices=Regime.choices, read_only=True)

    class Meta:
        model = SwitchingEvent
        fields = ["id", "service_type", "kind", "lot_ref", "accepted", "regime_before", "regime_after",
                  "score_before", "score_after", "defects_by_grade", "plan", "reason", "user", "created_at"]
        read_only_fields = fields


class SwitchingEventFilter(ApiFilterSet):
    # No model: the filter of an @action whose viewset lists another model.
    service_type = django_filters.ChoiceFilter(choices=ServiceType.choices)


class PlanQuerySerializer(serializers.Serializer):
    service_type = serializers.ChoiceField(choices=ServiceType.choices)
    lot_size = serializers.IntegerField(min_value=1, max_value=10_000_000)


class GradePlanSerializer(serializers.Serializer):
    code = serializers.CharField()
    n = serializers.IntegerField()
    ac = serializers.IntegerField()
    re = serializers.IntegerField()
    full_inspection = serializers.BooleanField()


class PlanSerializer(serializers.Serializer):
    service_type = serializers.CharField()
    lot_size = serializers.IntegerField()
    regime = serializers.CharField()
    level = serializers.CharField()
    code = serializers.CharField()
    plans = serializers.DictField(child=GradePlanSerializer())
    aqls = serializers.DictField(child=serializers.CharField(allow_null=True))
    gb_sample_size = serializers.IntegerField()
    floor_rate = serializers.DecimalField(max_digits=5, decimal_places=2)
    floor_size = serializers.IntegerField()
    sample_size = serializers.IntegerField()
    full_inspection = serializers.BooleanField()
    fatal_rejects = serializers.BooleanField()
    enlarged_by_floor = serializers.BooleanField()


class SamplingViewSet(ProjectScopedMixin, ApiViewSet):
    """The sampling settings and switching states of one project."""

    serializer_class = SettingsSerializer
    http_method_names = ["get", "put", "head", "options"]

    def get_queryset(self):
        return SamplingSettings.objects.none()

    @api_schema(methods=["GET"], summary="The contract's sampling settings", responses=SettingsSerializer)
    @api_schema(methods=["PUT"], summary="Change the sampling settings (client lead; send the version you read)",
                request=SettingsUpdateSerializer, responses=SettingsSerializer)
    @action(detail=False, methods=["get", "put"], url_path="settings", url_name="settings", pagination_class=None)
    def sampling_settings(self, request, project_pk=None):
        if request.method == "PUT":
            self.require("sampling.may_edit_sampling_settings", self.project)
            data = SettingsUpdateSerializer(data=request.data)
            data.is_valid(raise_exception=True)
            values = dict(data.validated_data)
            version = values.pop("version")
            updated = services.sampling_settings_update(project=self.project, user=request.user,
                                                        expected_version=version, **values)
            return Response(SettingsSerializer(updated).data)
        return Response(SettingsSerializer(selectors.settings_or_defaults(self.project)).data)

    @api_schema(summary="Inspection regime, switching score and counters per service type",
                responses=SwitchingStateSerializer(many=True))
    @action(detail=False, methods=["get"], url_path="switching-states", pagination_class=None)
    def switching_states(self, request, project_pk=None):
        return Response(SwitchingStateSerializer(selectors.switching_states(self.project), many=True).data)

    @api_schema(summary="The switching log (lots recorded and regime changes), newest first",
                responses=SwitchingEventSerializer(many=True))
    @action(detail=False, methods=["get"], url_path="switching-log", filterset_class=SwitchingEventFilter)
    def switching_log(self, request, project_pk=None):
        page = self.paginate_queryset(self.filter_queryset(selectors.switching_events(self.project)))
        return self.get_paginated_response(SwitchingEventSerializer(page, many=True).data)

    @api_schema(summary="The sampling plan a lot of this size would get now", parameters=[PlanQuerySerializer],
                responses=PlanSerializer)
    @action(detail=False, methods=["get"], url_path="plan", pagination_class=None)
    def plan(self, request, project_pk=None):
        query = self.query(PlanQuerySerializer)
        plan = services.plan_with(self.project, selectors.settings_or_defaults(self.project),
                                  query["service_type"], query["lot_size"])
        return Response(PlanSerializer(plan.to_dict()).data)


def register(router, project_prefix: str) -> None:
    router.register(project_prefix + "sampling", SamplingViewSet, basename="project-sampling")
