"""REST endpoint: ``GET /api/v1/projects/{project_id}/warranty/`` — the warranty follow-up of the
project (read-only: the period, the figures and the warranty problems with their time to respond).
Warranty problems are rectification tickets (``rectification-tickets/?source=warranty``: raise with
``source=warranty``, respond with ``…/{id}/respond/``)."""

from __future__ import annotations

from rest_framework import serializers
from rest_framework.response import Response

from apps.core.rest.base import ApiViewSet, api_schema
from apps.projects.rest import ProjectScopedMixin

from . import selectors
from .models import WarrantyConclusion


class WarrantyTicketRowSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="ticket.pk")
    number = serializers.IntegerField(source="ticket.number")
    title = serializers.CharField(source="ticket.title")
    state = serializers.CharField(source="ticket.state")
    state_display = serializers.CharField(source="ticket.get_state_display")
    found_on = serializers.DateField(source="ticket.found_on")
    response_due = serializers.DateField(source="ticket.response_due")
    responded_at = serializers.DateTimeField(source="ticket.responded_at", allow_null=True)
    response_hours = serializers.FloatField(allow_null=True)
    responded_late = serializers.BooleanField()
    response_overdue = serializers.BooleanField()
    due_date = serializers.DateField(source="ticket.due_date")
    fix_overdue = serializers.BooleanField()


class WarrantyConclusionSerializer(serializers.Serializer):
    assessment = serializers.CharField()
    tickets = serializers.IntegerField()
    late_responses = serializers.IntegerField()
    average_response_hours = serializers.DecimalField(max_digits=8, decimal_places=1, allow_null=True)
    concluded_by = serializers.CharField(source="concluded_by.name")
    concluded_at = serializers.DateTimeField()


class WarrantySummarySerializer(serializers.Serializer):
    start = serializers.DateField(source="period.start", allow_null=True, default=None)
    end = serializers.DateField(source="period.end", allow_null=True, default=None)
    days_left = serializers.IntegerField(allow_null=True)
    running = serializers.BooleanField()
    concluded = serializers.SerializerMethodField()
    average_response_hours = serializers.FloatField(allow_null=True)
    late_responses = serializers.IntegerField()
    overdue = serializers.IntegerField()
    open = WarrantyTicketRowSerializer(source="open_rows", many=True)
    closed = WarrantyTicketRowSerializer(source="closed_rows", many=True)
    conclusion = WarrantyConclusionSerializer(allow_null=True)

    def get_concluded(self, summary) -> bool:
        return summary.conclusion is not None


class WarrantyViewSet(ProjectScopedMixin, ApiViewSet):
    """The warranty follow-up of one project (a single resource)."""

    http_method_names = ["get", "head", "options"]
    serializer_class = WarrantySummarySerializer
    pagination_class = None

    def get_queryset(self):
        return WarrantyConclusion.objects.none()  # a single computed resource: no list of records

    @api_schema(summary="The project's warranty follow-up (§6.5.3): period, time to respond, open and closed "
                        "warranty problems, conclusion", responses={200: WarrantySummarySerializer})
    def list(self, request, project_pk=None):
        if self.is_schema_generation:
            return Response({})
        return Response(WarrantySummarySerializer(selectors.warranty_summary(self.project)).data)


def register(router, project_prefix: str) -> None:
    router.register(project_prefix + "warranty", WarrantyViewSet, basename="project-warranty")
