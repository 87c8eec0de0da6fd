"""Quality report endpoints: ``quality-reports/`` (list, prepare) and their transitions. A draft
is the contractor's own until it is submitted (404 for anyone else)."""

from __future__ import annotations

from rest_framework import serializers, status
from rest_framework.response import Response

from apps.core.rest.actions import transition_action
from apps.core.rest.base import api_schema
from apps.core.rest.fields import DateField, TextField
from apps.core.rest.serializers import UserRefSerializer
from apps.projects.rest import ProjectRecordsViewSet

from .. import selectors, services
from ..models import LONG_TEXT_MAX, TEXT_MAX, QualityReport
from .common import ControlReasonSerializer


class QualityReportSerializer(serializers.ModelSerializer):
    prepared_by = UserRefSerializer(read_only=True)
    acknowledged_by = UserRefSerializer(read_only=True)
    state_display = serializers.CharField(source="get_state_display", read_only=True)

    class Meta:
        model = QualityReport
        fields = ["id", "number", "period_start", "period_end", "figures", "figures_at", "summary", "problems",
                  "next_steps", "state", "state_display", "prepared_by", "submitted_at", "return_reason",
                  "acknowledged_by", "acknowledged_at", "client_comment"]
        read_only_fields = fields


class ReportInSerializer(serializers.Serializer):
    period_start = DateField()
    period_end = DateField()
    summary = TextField(max_length=LONG_TEXT_MAX)
    problems = TextField(max_length=TEXT_MAX, required=False, allow_blank=True, default="")
    next_steps = TextField(max_length=TEXT_MAX, required=False, allow_blank=True, default="")


class ReportAcknowledgeSerializer(serializers.Serializer):
    comment = TextField(max_length=TEXT_MAX, required=False, allow_blank=True, default="")
    next_report_due = DateField(required=False, allow_null=True, default=None)


class QualityReportViewSet(ProjectRecordsViewSet):
    model = QualityReport
    serializer_class = QualityReportSerializer
    http_method_names = ["get", "post", "head", "options"]

    def records(self):
        return selectors.visible_quality_reports(self.request.user, self.project)

    @api_schema(summary="Prepare a report for a period (contractor PM / special inspector); the figures are "
                        "computed from the records", request=ReportInSerializer,
                responses={201: QualityReportSerializer})
    def create(self, request, project_pk=None):
        self.require("control.may_prepare_report", self.project)
        data = ReportInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        report = services.quality_report_prepare(project=self.project, user=request.user, **data.validated_data)
        return Response(self.get_serializer(report).data, status=status.HTTP_201_CREATED)

    submit = transition_action(
        rule="control.may_submit_report", service=services.quality_report_submit, entity="quality_report",
        output=QualityReportSerializer, summary="Submit to the client (figures recomputed and frozen)")
    acknowledge = transition_action(
        rule="control.may_acknowledge_report", service=services.quality_report_acknowledge, entity="quality_report",
        input=ReportAcknowledgeSerializer, output=QualityReportSerializer,
        summary="Acknowledge (client lead / inspector)")
    return_ = transition_action(
        rule="control.may_return_report", service=services.quality_report_return, entity="quality_report",
        input=ControlReasonSerializer, output=QualityReportSerializer, url_path="return",
        summary="Return for correction (client lead / inspector)")
