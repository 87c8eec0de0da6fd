"""REST endpoints of project control below /api/v1/projects/{project_id}/ (same scoping and rules
as the pages; errors as JSON).

| method | path | service |
|---|---|---|
| GET | ``risk-points/`` · ``risk-points/{id}/`` | the risk register |
| GET | ``risk-assessments/`` · ``{id}/`` | completed assessments (with the open re-assessment requests in ``/requests/``) |
| GET | ``change-requests/`` · ``{id}/`` | change requests, newest first |
| POST | ``change-requests/`` | ``change_request_submit`` (contractor PM) |
| POST | ``change-requests/{id}/approve/`` | ``change_request_approve`` with ``password`` (client lead; signs) |
| POST | ``change-requests/{id}/reject/`` · ``withdraw/`` · ``confirm/`` | the other transitions |
| GET | ``meetings/`` · ``{id}/`` | meetings with their action items |
| GET | ``quality-reports/`` · ``{id}/`` | reports (the contractor's drafts only for the contractor) |
| POST | ``quality-reports/`` | ``quality_report_prepare`` (contractor PM / special inspector) |
| POST | ``quality-reports/{id}/submit/`` · ``acknowledge/`` · ``return/`` | the report's transitions |
| GET | ``progress-stages/`` · ``{id}/`` | the progress plan, planned against actual |
| GET | ``improvement-plans/`` · ``{id}/`` | quality improvement plans |
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from apps.core.rest.base import ApiViewSet, api_schema
from apps.projects.rest import ProjectScopedMixin
from apps.core.rest.serializers import UserRefSerializer
from apps.core.history import client_ip

from . import selectors, services
from .enums import ChangeCategory, ImprovementState, ReportState
from .models import (
    LONG_TEXT_MAX,
    TEXT_MAX,
    ActionItem,
    ChangeRequest,
    ImprovementPlan,
    Meeting,
    ProgressMilestone,
    QualityReport,
    RiskAssessment,
    RiskPoint,
    RiskReassessmentRequest,
)

# ---------------------------------------------------------------- serializers (out)


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


class ChangeRequestSerializer(serializers.ModelSerializer):
    requested_by = UserRefSerializer(read_only=True)
    decided_by = UserRefSerializer(read_only=True)
    implemented_by = UserRefSerializer(read_only=True)
    state_display = serializers.CharField(source="get_state_display", read_only=True)

    class Meta:
        model = ChangeRequest
        fields = ["id", "number", "category", "title", "description", "reason", "quality_impact", "touches_plan",
                  "is_major", "state", "state_display", "requested_by", "requested_at", "decided_by", "decided_at",
                  "decision_note", "withdrawn_reason", "plan_version", "plan_note", "implemented_by",
                  "implemented_at", "implementation_note"]
        read_only_fields = fields


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


class MilestoneSerializer(serializers.ModelSerializer):
    delay_days = serializers.IntegerField(read_only=True)

    class Meta:
        model = ProgressMilestone
        fields = ["id", "sequence", "name", "planned_quantity", "planned_start", "planned_end",
                  "original_planned_end", "actual_start", "actual_end", "actual_quantity", "state",
                  "quality_hold_reason", "held_count", "delay_days"]
        read_only_fields = fields


class ImprovementPlanSerializer(serializers.ModelSerializer):
    owner = UserRefSerializer(read_only=True)

    class Meta:
        model = ImprovementPlan
        fields = ["id", "number", "source", "problem_analysis", "target", "owner", "path", "deadline",
                  "verification_method", "state", "submitted_at", "return_reason", "filed_at", "filing_comment",
                  "completion_report", "completed_at", "verification_record", "verified_at",
                  "failed_verifications"]
        read_only_fields = fields


# ---------------------------------------------------------------- serializers (in)


class ChangeInSerializer(serializers.Serializer):
    category = serializers.ChoiceField(choices=ChangeCategory.choices)
    title = serializers.CharField(max_length=200)
    description = serializers.CharField(max_length=TEXT_MAX)
    reason = serializers.CharField(max_length=TEXT_MAX)
    quality_impact = serializers.CharField(max_length=TEXT_MAX)
    touches_plan = serializers.BooleanField(required=False, default=False)
    is_major = serializers.BooleanField(required=False, default=False)


class ChangeApproveSerializer(serializers.Serializer):
    password = serializers.CharField(max_length=256, trim_whitespace=False)
    opinion = serializers.CharField(max_length=TEXT_MAX, required=False, allow_blank=True, default="")
    is_major = serializers.BooleanField(required=False, allow_null=True, default=None)


class ControlOpinionSerializer(serializers.Serializer):
    opinion = serializers.CharField(max_length=TEXT_MAX)


class ControlReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=TEXT_MAX)


class ControlNoteSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=TEXT_MAX)


class ReportInSerializer(serializers.Serializer):
    period_start = serializers.DateField()
    period_end = serializers.DateField()
    summary = serializers.CharField(max_length=LONG_TEXT_MAX)
    problems = serializers.CharField(max_length=TEXT_MAX, required=False, allow_blank=True, default="")
    next_steps = serializers.CharField(max_length=TEXT_MAX, required=False, allow_blank=True, default="")


class ReportAcknowledgeSerializer(serializers.Serializer):
    comment = serializers.CharField(max_length=TEXT_MAX, required=False, allow_blank=True, default="")
    next_report_due = serializers.DateField(required=False, allow_null=True, default=None)


# ---------------------------------------------------------------- viewsets


class _ReadOnly(ProjectScopedMixin, ApiViewSet):
    """List and retrieve of one kind of record of the project."""

    model = None
    http_method_names = ["get", "head", "options"]

    def records(self):
        raise NotImplementedError

    def get_queryset(self):
        if self.is_schema_generation:
            return self.model.objects.none()
        return self.records()

    def get_object(self):
        try:
            return self.get_queryset().get(pk=self.kwargs.get("pk"))
        except (self.model.DoesNotExist, ValueError, TypeError):
            raise NotFound from None

    def list(self, request, project_pk=None):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request, project_pk=None, pk=None):
        return Response(self.get_serializer(self.get_object()).data)


class RiskPointViewSet(_ReadOnly):
    model = RiskPoint
    serializer_class = RiskPointSerializer

    def records(self):
        return selectors.risk_points(self.project)


class RiskAssessmentViewSet(_ReadOnly):
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


class ChangeRequestViewSet(_ReadOnly):
    model = ChangeRequest
    serializer_class = ChangeRequestSerializer
    http_method_names = ["get", "post", "head", "options"]

    def records(self):
        return selectors.change_requests(self.project)

    @api_schema(summary="Submit a change request (contractor PM)", request=ChangeInSerializer,
                responses={201: ChangeRequestSerializer})
    def create(self, request, project_pk=None):
        self.require("control.may_request_change", self.project,
                     _("Only the contractor's project manager can submit a change request."))
        data = ChangeInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        change = services.change_request_submit(project=self.project, user=request.user, **data.validated_data)
        return Response(self.get_serializer(change).data, status=status.HTTP_201_CREATED)

    @api_schema(summary="Approve in writing (client lead; the password signs the approval)",
                request=ChangeApproveSerializer, responses=ChangeRequestSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, project_pk=None, pk=None):
        change = self.get_object()
        self.require("control.may_decide_change", change, _("Only the client's project lead can approve a change request."))
        data = ChangeApproveSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        change = services.change_request_approve(change_request=change, user=request.user,
                                                 request_ip=client_ip(request), **data.validated_data)
        return Response(self.get_serializer(change).data)

    @api_schema(summary="Reject (client lead)", request=ControlOpinionSerializer, responses=ChangeRequestSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request, project_pk=None, pk=None):
        change = self.get_object()
        self.require("control.may_decide_change", change, _("Only the client's project lead can reject a change request."))
        data = ControlOpinionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        change = services.change_request_reject(change_request=change, user=request.user, **data.validated_data)
        return Response(self.get_serializer(change).data)

    @api_schema(summary="Withdraw (contractor PM)", request=ControlReasonSerializer, responses=ChangeRequestSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request, project_pk=None, pk=None):
        change = self.get_object()
        self.require("control.may_request_change", change,
                     _("Only the contractor's project manager can withdraw a change request."))
        data = ControlReasonSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        change = services.change_request_withdraw(change_request=change, user=request.user, **data.validated_data)
        return Response(self.get_serializer(change).data)

    @api_schema(summary="Confirm the implementation (contractor PM)", request=ControlNoteSerializer,
                responses=ChangeRequestSerializer)
    @action(detail=True, methods=["post"])
    def confirm(self, request, project_pk=None, pk=None):
        change = self.get_object()
        self.require("control.may_request_change", change,
                     _("Only the contractor's project manager can confirm the implementation of a change."))
        data = ControlNoteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        change = services.change_request_confirm(change_request=change, user=request.user, **data.validated_data)
        return Response(self.get_serializer(change).data)


class MeetingViewSet(_ReadOnly):
    model = Meeting
    serializer_class = MeetingSerializer

    def records(self):
        return selectors.meetings(self.project).prefetch_related("action_items__owner")


class QualityReportViewSet(_ReadOnly):
    model = QualityReport
    serializer_class = QualityReportSerializer
    http_method_names = ["get", "post", "head", "options"]

    def records(self):
        qs = selectors.quality_reports(self.project)
        user = self.request.user
        if user.organization_id != self.project.contractor_id and not user.is_superuser:
            qs = qs.exclude(state=ReportState.DRAFT)  # drafts are the contractor's own
        return qs

    @api_schema(summary="Prepare a report for a period (contractor PM / special inspector); the figures are "
                        "computed from the records", request=ReportInSerializer,
                responses={201: QualityReportSerializer})
    def create(self, request, project_pk=None):
        self.require("control.may_prepare_report", self.project,
                     _("Only the contractor's project manager or special inspector prepares quality reports."))
        data = ReportInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        report = services.quality_report_prepare(project=self.project, user=request.user, **data.validated_data)
        return Response(self.get_serializer(report).data, status=status.HTTP_201_CREATED)

    @api_schema(summary="Submit to the client (figures recomputed and frozen)", request=None,
                responses=QualityReportSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, project_pk=None, pk=None):
        report = self.get_object()
        self.require("control.may_prepare_report", report,
                     _("Only the contractor's project manager or special inspector submits quality reports."))
        report = services.quality_report_submit(report=report, user=request.user)
        return Response(self.get_serializer(report).data)

    @api_schema(summary="Acknowledge (client lead / inspector)", request=ReportAcknowledgeSerializer,
                responses=QualityReportSerializer)
    @action(detail=True, methods=["post"])
    def acknowledge(self, request, project_pk=None, pk=None):
        report = self.get_object()
        self.require("control.may_acknowledge_report", report,
                     _("Only the client's project lead or quality inspectors acknowledge quality reports."))
        data = ReportAcknowledgeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        report = services.quality_report_acknowledge(report=report, user=request.user, **data.validated_data)
        return Response(self.get_serializer(report).data)

    @api_schema(summary="Return for correction (client lead / inspector)", request=ControlReasonSerializer,
                responses=QualityReportSerializer)
    @action(detail=True, methods=["post"], url_path="return")
    def return_(self, request, project_pk=None, pk=None):
        report = self.get_object()
        self.require("control.may_acknowledge_report", report,
                     _("Only the client's project lead or quality inspectors handle quality reports."))
        data = ControlReasonSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        report = services.quality_report_return(report=report, user=request.user, **data.validated_data)
        return Response(self.get_serializer(report).data)


class MilestoneViewSet(_ReadOnly):
    model = ProgressMilestone
    serializer_class = MilestoneSerializer

    def records(self):
        return selectors.milestones(self.project)


class ImprovementPlanViewSet(_ReadOnly):
    model = ImprovementPlan
    serializer_class = ImprovementPlanSerializer

    def records(self):
        qs = selectors.improvement_plans(self.project)
        user = self.request.user
        if user.organization_id != self.project.contractor_id and not user.is_superuser:
            qs = qs.exclude(state=ImprovementState.DRAFT)
        return qs


def register(router, project_prefix: str) -> None:
    router.register(project_prefix + "risk-points", RiskPointViewSet, basename="project-risk-points")
    router.register(project_prefix + "risk-assessments", RiskAssessmentViewSet, basename="project-risk-assessments")
    router.register(project_prefix + "change-requests", ChangeRequestViewSet, basename="project-change-requests")
    router.register(project_prefix + "meetings", MeetingViewSet, basename="project-meetings")
    router.register(project_prefix + "quality-reports", QualityReportViewSet, basename="project-quality-reports")
    router.register(project_prefix + "progress-stages", MilestoneViewSet, basename="project-progress-stages")
    router.register(project_prefix + "improvement-plans", ImprovementPlanViewSet,
                    basename="project-improvement-plans")
