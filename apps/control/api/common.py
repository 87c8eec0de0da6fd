"""What the endpoints of every tab share: the input of a reason (the base of their viewsets is
``apps.projects.rest.ProjectRecordsViewSet``)."""

from __future__ import annotations

from rest_framework import serializers

from apps.core.rest.fields import TextField

from ..models import TEXT_MAX


class ControlReasonSerializer(serializers.Serializer):
    reason = TextField(max_length=TEXT_MAX)


