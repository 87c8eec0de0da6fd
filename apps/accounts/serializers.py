"""API references to organisations."""

from __future__ import annotations

from rest_framework import serializers

from .models import Organization


class OrganizationRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Organization
        fields = ["id", "name", "kind"]
        read_only_fields = fields
