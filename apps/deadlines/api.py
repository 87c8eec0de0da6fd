"""REST endpoints for a project's deadlines: ``/api/v1/projects/{project_pk}/deadlines/``.

Reads go through the scoped selector, the two transitions through ``services.deadline_meet``
and ``services.deadline_waive``. Creating and rescheduling stay with the apps and pages that
own the records. See docs/api.md.
"""

from __future__ import annotations

import django_filters
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from apps.accounts.serializers import OrganizationRefSerializer
from apps.core.permissions import allowed
from apps.core.rest.actions import transition_action
from apps.core.rest.base import ApiViewSet, api_schema
from apps.core.rest.fields import TextField
from apps.core.rest.filters import ApiFilterSet, BooleanFilter
from apps.core.rest.serializers import UserRefSerializer
from apps.projects.rest import ProjectScopedMixin

from . import selectors, services
from .enums import DeadlineState
from .models import Deadline

REASON_MAX_LENGTH = services.REASON_MAX


class RecordRefSerializer(serializers.Serializer):
    type = serializers.SerializerMethodField(help_text=_("app_label.model of the record the deadline belongs to"))
    id = serializers.IntegerField(source="object_id")

    def get_type(self, deadline) -> str:
        return deadline.content_type.app_label + "." + deadline.content_type.model


class DeadlinePermissionsSerializer(serializers.Serializer):
    meet = serializers.BooleanField(read_only=True)
    waive = serializers.BooleanField(read_only=True)


class DeadlineSerializer(serializers.ModelSerializer):
    record = RecordRefSerializer(source="*", read_only=True)
    kind_label = serializers.CharField(read_only=True)
    counting_display = serializers.CharField(source="get_counting_display", read_only=True)
    state_display = serializers.CharField(source="get_state_display", read_only=True)
    overdue = serializers.BooleanField(read_only=True, help_text=_("Open and past its due date."))
    responsible_org = OrganizationRefSerializer(read_only=True)
    responsible_user = UserRefSerializer(read_only=True, allow_null=True)
    closed_by = UserRefSerializer(read_only=True, allow_null=True)
    permissions = serializers.SerializerMethodField()

    class Meta:
        model = Deadline
        fields = ["id", "record", "kind", "kind_label", "title", "counting", "counting_display", "base_date",
                  "amount", "due_date", "remind_on", "overdue", "state", "state_display", "responsible_org", "responsible_user",
                  "escalate_to_regulator", "closed_at", "closed_by", "waive_reason", "created_at", "permissions"]
        read_only_fields = fields

    @extend_schema_field(DeadlinePermissionsSerializer)
    def get_permissions(self, deadline) -> dict:
        user = self.context["request"].user
        return {"meet": allowed("deadlines.can_meet_deadline", user, deadline),
                "waive": allowed("deadlines.can_waive_deadline", user, deadline)}


class WaiveSerializer(serializers.Serializer):
    reason = TextField(max_length=REASON_MAX_LENGTH,
                                   help_text=_("Why the deadline is let go; kept with it and in the history."))


class DeadlineFilter(ApiFilterSet):
    state = django_filters.ChoiceFilter(choices=DeadlineState.choices, label=_("state"))
    kind = django_filters.CharFilter(max_length=48, label=_("kind"))
    overdue = BooleanFilter(method="filter_overdue", label=_("overdue"))

    class Meta:
        model = Deadline
        fields = ["state", "kind", "overdue"]

    def filter_overdue(self, queryset, name, value):
        today = timezone.localdate()
        if value:
            return queryset.filter(state=DeadlineState.OPEN, due_date__lt=today)
        return queryset.exclude(state=DeadlineState.OPEN, due_date__lt=today)


class DeadlineViewSet(ProjectScopedMixin, ApiViewSet):
    """The project's deadlines. Any active project member records that one was met; only the
    client lead waives one (with a reason). Regulators read."""

    serializer_class = DeadlineSerializer
    filterset_class = DeadlineFilter
    http_method_names = ["get", "post", "head", "options"]

    def get_queryset(self):
        if self.is_schema_generation:
            return Deadline.objects.none()
        return (selectors.deadlines_visible_to(self.request.user).filter(project=self.project)
                .select_related("content_type", "responsible_org", "responsible_user",
                                "responsible_user__organization", "closed_by", "closed_by__organization")
                .order_by("due_date", "pk"))

    def get_object(self) -> Deadline:
        try:
            deadline = self.get_queryset().get(pk=self.kwargs.get("pk"))
        except (Deadline.DoesNotExist, ValueError, TypeError, OverflowError):
            raise NotFound from None
        deadline.project = self.project  # one role cache for the permission checks
        return deadline

    def _data(self, deadlines, many=False):
        if many:
            for d in deadlines:
                d.project = self.project
        return self.get_serializer(deadlines, many=many).data

    @api_schema(summary="The project's deadlines by due date (filters: state, kind, overdue)")
    def list(self, request, project_pk=None):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(self._data(page, many=True))

    @api_schema(summary="One deadline, with what you may do on it")
    def retrieve(self, request, project_pk=None, pk=None):
        return Response(self._data(self.get_object()))

    meet = transition_action(
        rule="deadlines.may_meet_deadline", service=services.deadline_meet, entity="deadline",
        output=DeadlineSerializer,
        summary="Record that the deadline's work is done (met, or met late after the due date)")
    waive = transition_action(
        rule="deadlines.may_waive_deadline", service=services.deadline_waive, entity="deadline",
        input=WaiveSerializer, output=DeadlineSerializer,
        summary="Waive the deadline (client lead; a reason is required)")


def register(router, project_prefix: str) -> None:
    router.register(project_prefix + "deadlines", DeadlineViewSet, basename="project-deadline")

