"""Serializers every API shares: references to people, reasons, history entries, and the
shape of an error. Output serializers are read-only views; input serializers only validate (the
view hands ``validated_data`` to a service). Nothing here saves a model."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import models
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from .fields import DateField, DateTimeField, LineField, TextField

User = get_user_model()

REASON_MAX_LENGTH = 1000


class ErrorSerializer(serializers.Serializer):
    """Every error answer: ``{"detail": message, "code": code, "field": field}``; a validation
    error adds ``errors`` (each field's messages), some refusals ``details``."""

    detail = serializers.CharField()
    code = serializers.CharField()
    field = serializers.CharField(allow_null=True)
    errors = serializers.DictField(required=False, help_text="Validation: each field with its messages.")
    details = serializers.JSONField(required=False, help_text="Some refusals: what was missing or wrong.")


class InputModelSerializer(serializers.ModelSerializer):
    """An input serializer whose fields are a model's (it only validates; a service writes): the
    model's free text becomes the kit's ``LineField`` / ``TextField``, its dates bounded."""

    serializer_field_mapping = {**serializers.ModelSerializer.serializer_field_mapping,
                                models.CharField: LineField, models.TextField: TextField,
                                models.DateField: DateField, models.DateTimeField: DateTimeField}


class UserRefSerializer(serializers.ModelSerializer):
    name = serializers.SerializerMethodField()
    organization = serializers.CharField(source="organization.name", default=None, read_only=True)

    class Meta:
        model = User
        fields = ["id", "name", "organization"]
        read_only_fields = fields

    def get_name(self, user) -> str:
        return user.name or user.username


class ReasonSerializer(serializers.Serializer):
    reason = TextField(max_length=REASON_MAX_LENGTH)
    version = serializers.IntegerField(min_value=1, max_value=2**31 - 1, required=False,
                                       help_text=_("The version of the project you read (optimistic locking)."))


class OptionalReasonSerializer(ReasonSerializer):
    reason = TextField(max_length=REASON_MAX_LENGTH, required=False, allow_blank=True, default="")


# ---------------------------------------------------------------- history


def _plain(value):
    """History values as JSON: text for anything that is not already a JSON scalar."""
    if value is None or isinstance(value, (bool, int, float)):
        return value
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return str(value)


class HistoryChangeSerializer(serializers.Serializer):
    field = serializers.CharField()
    label = serializers.CharField()
    old = serializers.SerializerMethodField()
    new = serializers.SerializerMethodField()

    @extend_schema_field(OpenApiTypes.ANY)
    def get_old(self, change):
        return _plain(change.old)

    @extend_schema_field(OpenApiTypes.ANY)
    def get_new(self, change):
        return _plain(change.new)


class HistoryRecordSerializer(serializers.Serializer):
    model = serializers.CharField(source="model_label")
    object = serializers.CharField(source="object_repr")
    id = serializers.IntegerField(source="record.id")


class HistoryEntrySerializer(serializers.Serializer):
    time = serializers.DateTimeField(source="date")
    user = UserRefSerializer(allow_null=True)
    record = HistoryRecordSerializer(source="*")
    type = serializers.CharField(source="record.history_type",
                                 help_text=_("+ created, ~ changed, - deleted"))
    type_display = serializers.CharField(source="type_label")
    changes = HistoryChangeSerializer(many=True)
    reason = serializers.CharField()
    ip = serializers.CharField()
