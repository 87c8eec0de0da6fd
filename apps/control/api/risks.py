"""Risk register endpoints (read-only): ``risk-points/``, ``risk-assessments/`` (and
``risk-assessments/requests/``)."""

from __future__ import annotations

from rest_framework import serializers
from rest_framework.decorators import action

from apps.core.rest.base import api_schema
from apps.core.rest.serializers import UserRefSerializer
from apps.projects.rest import ProjectRecordsViewSet

from .. import selectors
from ..models import RiskAssessment, RiskPoint, RiskReassessmentRequest


class RiskPointSerializer(serializers.ModelSerializer):
    owner = UserRefSerializer(read_only=True)

    class Meta:
        model = RiskPoint
        fields = ["id", "category", "description", "level", "control_measures", "owner", "status", "retired_reason",
                  "created_at", "updated_at"]
        read_only_fields = fields


class RiskAssessmentSerializer(serializers.ModelSerializer):
    assessed_by = UserRefSerializer(read_only=True)

    class Meta:
        model = RiskAssessment
        fields = ["id", "trigger", "assessed_on", "conclusion", "computed_level", "resulting_level", "level_reason",
                  "previous_level", "points_snapshot", "assessed_by", "created_at"]
        read_only_fields = fields


class ReassessmentRequestSerializer(serializers.ModelSerializer):
    class Meta:
        model = RiskReassessmentRequest
        fields = ["id", "trigger", "note", "source_label", "source_url", "state", "requested_at", "closed_at",
                  "closed_by"]
        read_only_fields = fields


class RiskPointViewSet(ProjectRecordsViewSet):
    model = RiskPoint
    serializer_class = RiskPointSerializer

    def records(self):
        return selectors.risk_points(self.project)


class RiskAssessmentViewSet(ProjectRecordsViewSet):
    model = RiskAssessment
    serializer_class = RiskAssessmentSerializer

    def records(self):
        return selectors.risk_assessments(self.project)

    @api_schema(summary="Re-assessment requests of the project, newest first",
                responses=ReassessmentRequestSerializer(many=True))
    @action(detail=False, methods=["get"])
    def requests(self, request, project_pk=None):
        page = self.paginate_queryset(selectors.reassessment_requests(self.project))
        return self.get_paginated_response(ReassessmentRequestSerializer(page, many=True).data)
