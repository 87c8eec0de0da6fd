"""Improvement plan endpoints (read-only): ``improvement-plans/``. A draft is the contractor's
own until it is submitted for filing."""

from __future__ import annotations

from rest_framework import serializers

from apps.core.rest.serializers import UserRefSerializer
from apps.projects.rest import ProjectRecordsViewSet

from .. import selectors
from ..models import ImprovementPlan


class ImprovementPlanSerializer(serializers.ModelSerializer):
    owner = UserRefSerializer(read_only=True)

    class Meta:
        model = ImprovementPlan
        fields = ["id", "number", "source", "problem_analysis", "target", "owner", "path", "deadline",
                  "verification_method", "state", "submitted_at", "return_reason", "filed_at", "filing_comment",
                  "completion_report", "completed_at", "verification_record", "verified_at",
                  "failed_verifications"]
        read_only_fields = fields


class ImprovementPlanViewSet(ProjectRecordsViewSet):
    model = ImprovementPlan
    serializer_class = ImprovementPlanSerializer

    def records(self):
        return selectors.visible_improvement_plans(self.request.user, self.project)
