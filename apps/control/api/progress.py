"""Progress plan endpoints (read-only): ``progress-stages/``, planned against actual."""

from __future__ import annotations

from rest_framework import serializers

from apps.projects.rest import ProjectRecordsViewSet

from .. import selectors
from ..models import ProgressMilestone


class MilestoneSerializer(serializers.ModelSerializer):
    delay_days = serializers.IntegerField(read_only=True)

    class Meta:
        model = ProgressMilestone
        fields = ["id", "sequence", "name", "planned_quantity", "planned_start", "planned_end",
                  "original_planned_end", "actual_start", "actual_end", "actual_quantity", "state",
                  "quality_hold_reason", "held_count", "delay_days"]
        read_only_fields = fields


class MilestoneViewSet(ProjectRecordsViewSet):
    model = ProgressMilestone
    serializer_class = MilestoneSerializer

    def records(self):
        return selectors.milestones(self.project)
