"""Meeting endpoints (read-only): ``meetings/`` with their action items."""

from __future__ import annotations

from rest_framework import serializers

from apps.core.rest.serializers import UserRefSerializer
from apps.projects.rest import ProjectRecordsViewSet

from .. import selectors
from ..models import ActionItem, Meeting


class ActionItemSerializer(serializers.ModelSerializer):
    owner = UserRefSerializer(read_only=True)

    class Meta:
        model = ActionItem
        fields = ["id", "description", "owner_party", "owner", "due_date", "state", "result_note", "closed_at"]
        read_only_fields = fields


class MeetingSerializer(serializers.ModelSerializer):
    recorded_by = UserRefSerializer(read_only=True)
    action_items = ActionItemSerializer(many=True, read_only=True)

    class Meta:
        model = Meeting
        fields = ["id", "number", "kind", "held_on", "location", "chair", "attendees", "agenda", "minutes",
                  "recorded_by", "recorded_at", "action_items"]
        read_only_fields = fields


class MeetingViewSet(ProjectRecordsViewSet):
    model = Meeting
    serializer_class = MeetingSerializer

    def records(self):
        return selectors.meetings(self.project).prefetch_related("action_items__owner")
