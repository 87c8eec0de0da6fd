"""REST endpoints of the evaluation (same scoping and rules as the pages; errors as JSON).

| method | path | service |
|---|---|---|
| GET | ``projects/{id}/evaluations/`` · ``{eid}/`` | the project's evaluation (a draft only for the client), with its figures and score sheet |
| POST | ``projects/{id}/evaluations/`` | ``evaluation_start`` (client lead) |
| POST | ``…/evaluations/{eid}/edit/`` · ``score/`` · ``issue/`` | the client's text, one indicator's score, issuing with ``password`` (signs) |
| POST | ``…/evaluations/{eid}/answer/`` | ``evaluation_answer`` (contractor PM) |
| POST | ``…/evaluations/{eid}/acknowledge/`` · ``return/`` | the client's acknowledgement or return of the answer |
| GET · POST | ``projects/{id}/breaches/`` · ``{bid}/`` | breaches of contract; ``breach_record`` (client lead) |
| POST | ``…/breaches/{bid}/withdraw/`` | ``breach_withdraw`` with ``reason`` (client lead) |
| GET | ``contractor-performance/`` · ``{org_id}/`` | the performance record of the contractors the person may see |
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from apps.core.history import client_ip
from apps.core.rest.actions import transition_action
from apps.core.rest.base import ApiViewSet, api_schema
from apps.core.rest.fields import DateField, IdField, LineField, TextField, VersionField
from apps.core.rest.serializers import UserRefSerializer
from apps.projects.rest import ProjectScopedMixin

from . import performance, selectors, services
from .enums import BreachGround, Indicator
from .models import COMMENT_MAX, REFERENCE_MAX, TEXT_MAX, Breach, QualityEvaluation
from .printing import FORM_CODE


def _version():
    return VersionField(source="expected_version", required=False, allow_null=True, default=None,
                        help_text=gettext_lazy("The version of the record you read (optimistic locking)."))


class EvaluationSerializer(serializers.ModelSerializer):
    created_by = UserRefSerializer(read_only=True)
    issued_by = UserRefSerializer(read_only=True)
    answered_by = UserRefSerializer(read_only=True)
    acknowledged_by = UserRefSerializer(read_only=True)
    state_display = serializers.CharField(source="get_state_display", read_only=True)
    grade_display = serializers.CharField(source="get_grade_display", read_only=True)
    figures = serializers.SerializerMethodField(help_text="The figures from the records: frozen once issued.")
    sheet = serializers.SerializerMethodField(help_text="The score sheet: rows, total, grade, bands.")
    pdf_url = serializers.SerializerMethodField()

    class Meta:
        model = QualityEvaluation
        fields = ["id", "state", "state_display", "problems", "causes", "lessons", "weaknesses", "figures", "sheet",
                  "total_score", "grade", "grade_display", "created_by", "created_at", "issued_by", "issued_at",
                  "contractor_weaknesses", "improvement_direction", "improvement_plan", "answered_by",
                  "answered_at", "return_reason", "acknowledged_by", "acknowledged_at", "acknowledgement_comment",
                  "version", "pdf_url"]
        read_only_fields = fields

    def get_figures(self, evaluation) -> dict:
        return selectors.current_figures(evaluation)

    def get_sheet(self, evaluation) -> dict:
        return selectors.current_sheet(evaluation)

    def get_pdf_url(self, evaluation) -> str:
        return reverse("reports:form", args=[FORM_CODE, evaluation.pk])


class EvaluationTextSerializer(serializers.Serializer):
    problems = TextField(max_length=TEXT_MAX, required=False, allow_blank=True, default="")
    causes = TextField(max_length=TEXT_MAX, required=False, allow_blank=True, default="")
    lessons = TextField(max_length=TEXT_MAX, required=False, allow_blank=True, default="")
    weaknesses = TextField(max_length=TEXT_MAX, required=False, allow_blank=True, default="")
    version = _version()


class ScoreSerializer(serializers.Serializer):
    indicator = serializers.ChoiceField(choices=Indicator.choices)
    score = serializers.DecimalField(max_digits=5, decimal_places=2, required=False, allow_null=True, default=None,
                                     help_text="0–100; null goes back to the score proposed from the figures.")
    comment = TextField(max_length=COMMENT_MAX, required=False, allow_blank=True, default="")
    version = _version()


class IssueSerializer(serializers.Serializer):
    password = serializers.CharField(max_length=256, trim_whitespace=False, style={"input_type": "password"})
    version = _version()


class AnswerSerializer(serializers.Serializer):
    contractor_weaknesses = TextField(max_length=TEXT_MAX)
    improvement_direction = TextField(max_length=TEXT_MAX)
    improvement_plan = IdField(required=False, allow_null=True, default=None)
    version = _version()


class CommentSerializer(serializers.Serializer):
    comment = TextField(max_length=COMMENT_MAX, required=False, allow_blank=True, default="")
    version = _version()


class EvaluationReasonSerializer(serializers.Serializer):
    reason = TextField(max_length=COMMENT_MAX)
    version = _version()


def _request_ip(view, request, record) -> dict:
    return {"request_ip": client_ip(request)}


class EvaluationViewSet(ProjectScopedMixin, ApiViewSet):
    serializer_class = EvaluationSerializer
    http_method_names = ["get", "post", "head", "options"]

    def get_queryset(self):
        if self.is_schema_generation:
            return QualityEvaluation.objects.none()
        evaluation = selectors.visible_evaluation(self.request.user, self.project)
        return QualityEvaluation.objects.filter(pk=evaluation.pk if evaluation else None)

    def get_object(self):
        evaluation = selectors.visible_evaluation(self.request.user, self.project)
        if evaluation is None or str(evaluation.pk) != str(self.kwargs.get("pk")):
            raise NotFound
        return evaluation

    @api_schema(summary="The project's quality evaluation (none, or one; a draft only for the client)")
    def list(self, request, project_pk=None):
        evaluation = selectors.visible_evaluation(request.user, self.project)
        page = self.paginate_queryset([evaluation] if evaluation else [])
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @api_schema(summary="The evaluation with its figures (frozen once issued) and score sheet")
    def retrieve(self, request, project_pk=None, pk=None):
        return Response(self.get_serializer(self.get_object()).data)

    @api_schema(summary="Start the quality evaluation of an accepted project (client lead)", request=None,
                responses={201: EvaluationSerializer})
    def create(self, request, project_pk=None):
        self.require("evaluation.may_start_evaluation", self.project)
        evaluation = services.evaluation_start(project=self.project, user=request.user)
        return Response(self.get_serializer(evaluation).data, status=status.HTTP_201_CREATED)

    edit = transition_action(
        rule="evaluation.may_edit_evaluation", service=services.evaluation_edit, entity="evaluation",
        input=EvaluationTextSerializer, output=EvaluationSerializer,
        summary="The client's problem analysis: problems, causes, lessons, weak points (client lead or inspector)")
    score = transition_action(
        rule="evaluation.may_edit_evaluation", service=services.evaluation_score, entity="evaluation",
        input=ScoreSerializer, output=EvaluationSerializer,
        summary="Score one indicator with the grounds, or go back to the proposal (client lead or inspector)")
    issue = transition_action(
        rule="evaluation.may_issue_evaluation", service=services.evaluation_issue, entity="evaluation",
        input=IssueSerializer, output=EvaluationSerializer, extra=_request_ip,
        summary="Issue the report: figures and sheet frozen, the client lead's password signs it")
    answer = transition_action(
        rule="evaluation.may_answer_evaluation", service=services.evaluation_answer, entity="evaluation",
        input=AnswerSerializer, output=EvaluationSerializer,
        summary="The contractor's answer (查找短板) with its improvement plan (contractor PM)")
    acknowledge = transition_action(
        rule="evaluation.may_acknowledge_answer", service=services.evaluation_acknowledge, entity="evaluation",
        input=CommentSerializer, output=EvaluationSerializer,
        summary="Acknowledge and file the contractor's answer (client lead or inspector)")
    return_answer = transition_action(
        rule="evaluation.may_acknowledge_answer", service=services.evaluation_return, entity="evaluation",
        input=EvaluationReasonSerializer, output=EvaluationSerializer, url_path="return", url_name="return",
        summary="Return the contractor's answer with a reason (client lead or inspector)")


class BreachSerializer(serializers.ModelSerializer):
    recorded_by = UserRefSerializer(read_only=True)
    withdrawn_by = UserRefSerializer(read_only=True)
    ground_display = serializers.CharField(source="get_ground_display", read_only=True)
    state_display = serializers.CharField(source="get_state_display", read_only=True)

    class Meta:
        model = Breach
        fields = ["id", "number", "contractor", "ground", "ground_display", "description", "occurred_on",
                  "reference", "state", "state_display", "recorded_by", "recorded_at", "withdraw_reason",
                  "withdrawn_by", "withdrawn_at", "version"]
        read_only_fields = fields


class BreachInSerializer(serializers.Serializer):
    ground = serializers.ChoiceField(choices=BreachGround.choices)
    description = TextField(max_length=TEXT_MAX)
    occurred_on = DateField()
    reference = LineField(max_length=REFERENCE_MAX, required=False, allow_blank=True, default="")


class BreachViewSet(ProjectScopedMixin, ApiViewSet):
    serializer_class = BreachSerializer
    http_method_names = ["get", "post", "head", "options"]

    def get_queryset(self):
        if self.is_schema_generation:
            return Breach.objects.none()
        return selectors.breaches_of(self.project)

    def get_object(self):
        try:
            return self.get_queryset().select_related("project").get(pk=self.kwargs.get("pk"))
        except (Breach.DoesNotExist, ValueError, TypeError, OverflowError):
            raise NotFound from None

    @api_schema(summary="Breaches of contract of the project, newest first")
    def list(self, request, project_pk=None):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @api_schema(summary="One breach of contract")
    def retrieve(self, request, project_pk=None, pk=None):
        return Response(self.get_serializer(self.get_object()).data)

    @api_schema(summary="Record a breach of contract (client lead; evidence files through the attachments API)",
                request=BreachInSerializer, responses={201: BreachSerializer})
    def create(self, request, project_pk=None):
        self.require("evaluation.may_record_breach", self.project)
        data = BreachInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        breach = services.breach_record(project=self.project, user=request.user, **data.validated_data)
        return Response(self.get_serializer(breach).data, status=status.HTTP_201_CREATED)

    withdraw = transition_action(
        rule="evaluation.may_withdraw_breach", service=services.breach_withdraw, entity="breach",
        input=EvaluationReasonSerializer, output=BreachSerializer, summary="Withdraw the breach with a reason (client lead)")


class PerformanceSerializer(serializers.Serializer):
    contractor = serializers.IntegerField(source="org.pk")
    name = serializers.CharField(source="org.name")
    projects = serializers.IntegerField(source="record.projects")
    evaluations = serializers.IntegerField(source="record.evaluations")
    latest_score = serializers.DecimalField(source="record.latest_score", max_digits=5, decimal_places=2,
                                            allow_null=True)
    latest_grade = serializers.CharField(source="record.latest_grade")
    average_score = serializers.DecimalField(source="record.average_score", max_digits=5, decimal_places=2,
                                             allow_null=True)
    accepted_projects = serializers.IntegerField(source="record.accepted_projects")
    first_pass = serializers.IntegerField(source="record.first_pass")
    first_pass_rate = serializers.DecimalField(source="record.first_pass_rate", max_digits=5, decimal_places=2,
                                               allow_null=True)
    acceptance_rounds = serializers.IntegerField(source="record.rounds")
    rounds_beyond_third = serializers.IntegerField(source="record.overrides")
    batches = serializers.IntegerField(source="record.batches")
    batches_accepted = serializers.IntegerField(source="record.batches_accepted")
    batch_pass_rate = serializers.DecimalField(source="record.batch_pass_rate", max_digits=5, decimal_places=2,
                                               allow_null=True)
    sample_pass_rate = serializers.DecimalField(source="record.sample_pass_rate", max_digits=5, decimal_places=2,
                                                allow_null=True)
    escape_rate = serializers.DecimalField(source="record.escape_rate", max_digits=5, decimal_places=2,
                                           allow_null=True)
    rectification_on_time = serializers.IntegerField(source="record.on_time")
    rectification_late = serializers.IntegerField(source="record.late")
    rectification_on_time_rate = serializers.DecimalField(source="record.on_time_rate", max_digits=5,
                                                          decimal_places=2, allow_null=True)
    incidents = serializers.IntegerField(source="record.incidents")
    major_incidents = serializers.IntegerField(source="record.major_incidents")
    breaches = serializers.IntegerField(source="record.breaches")


class _Row:
    def __init__(self, org, record):
        self.org, self.record = org, record


class ContractorPerformanceViewSet(ApiViewSet):
    """Read-only: client organisations see every contractor, a regulator over its jurisdiction, a
    contractor itself; anyone else 404."""

    serializer_class = PerformanceSerializer
    http_method_names = ["get", "head", "options"]

    def get_queryset(self):
        return QualityEvaluation.objects.none()

    @api_schema(summary="The performance record of the contractors you may see (信用评价/履约记录)")
    def list(self, request):
        records = performance.contractor_records(request.user)
        if records is None:
            raise NotFound
        page = self.paginate_queryset([_Row(org, record) for org, record in records])
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @api_schema(summary="One contractor's performance record")
    def retrieve(self, request, pk=None):
        from django.http import Http404

        try:
            org, record, _rows = performance.contractor_record(request.user, pk)
        except Http404:
            raise NotFound from None
        return Response(self.get_serializer(_Row(org, record)).data)


def register(router, project_prefix: str) -> None:
    router.register(project_prefix + "evaluations", EvaluationViewSet, basename="project-evaluations")
    router.register(project_prefix + "breaches", BreachViewSet, basename="project-breaches")
    router.register("contractor-performance", ContractorPerformanceViewSet, basename="contractor-performance")
