"""REST endpoints: /api/v1/projects/{project_id}/acceptance-applications/ and .../acceptance-rounds/
(same scoping and rules as the pages; regulators read only, outsiders 404).

| method | path | service |
|---|---|---|
| GET | ``acceptance-applications/`` · ``{id}/`` | the project's application with its materials lines |
| POST | ``acceptance-applications/`` | ``application_create`` (contractor PM) |
| POST | ``acceptance-applications/{id}/lines/`` | ``line_add`` (contractor PM, draft or returned) |
| POST | ``acceptance-applications/{id}/submit/`` | ``application_submit`` (contractor PM) |
| POST | ``acceptance-applications/{id}/review/`` | ``application_review`` (client lead; complete → 验收) |
| GET | ``acceptance-rounds/`` · ``{id}/`` | rounds with plan, sampling, inspections, report, signatures |
| POST | ``acceptance-rounds/`` | ``round_start`` (client lead; ``override_reason`` from the 4th round) |
| POST | ``acceptance-rounds/{id}/plan/`` | ``round_plan_update`` (client lead or team leader) |
| POST | ``acceptance-rounds/{id}/approve/`` | ``round_plan_approve`` (client lead) |
| POST | ``acceptance-rounds/{id}/inspection/`` | ``round_inspection_open`` (client staff or the team) |
| POST | ``acceptance-rounds/{id}/report/`` | ``round_report_issue`` (client lead or team leader) |
| POST | ``acceptance-rounds/{id}/conclude/`` | ``round_conclude`` (client lead; the whole team signed) |
| POST | ``acceptance-rounds/{id}/problems/`` | ``common_problem_record`` (client lead or the team) |

The report is signed through ``/api/v1/signatures/`` like every signed record.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from apps.core.rest.actions import transition_action
from apps.core.rest.base import ApiViewSet, api_schema
from apps.core.rest.fields import DateField, IdField, LineField, TextField, VersionField
from apps.core.rest.serializers import UserRefSerializer
from apps.projects.rest import ProjectScopedMixin

from . import selectors, services
from .enums import Conclusion, MaterialKind, ProblemCategory, SystemRecord
from .models import (
    LINE_MAX,
    LONG_TEXT_MAX,
    TEXT_MAX,
    AcceptanceApplication,
    AcceptanceRound,
    CommonProblem,
    MaterialLine,
)


def _version_field():
    return VersionField(source="expected_version", required=False, allow_null=True, default=None,
                        help_text=gettext_lazy("The version of the record you read (optimistic locking)."))


# ---------------------------------------------------------------- applications

class MaterialLineSerializer(serializers.ModelSerializer):
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    record_ref_display = serializers.CharField(source="get_record_ref_display", read_only=True)
    review_display = serializers.CharField(source="get_review_display", read_only=True)

    class Meta:
        model = MaterialLine
        fields = ["id", "order", "kind", "kind_display", "title", "description", "required", "record_ref",
                  "record_ref_display", "record_url", "reference", "review", "review_display", "review_note",
                  "version"]
        read_only_fields = fields


class AcceptanceApplicationSerializer(serializers.ModelSerializer):
    state_display = serializers.CharField(source="get_state_display", read_only=True)
    created_by = UserRefSerializer(read_only=True)
    submitted_by = UserRefSerializer(read_only=True, allow_null=True)
    reviewed_by = UserRefSerializer(read_only=True, allow_null=True)
    lines = serializers.SerializerMethodField()

    class Meta:
        model = AcceptanceApplication
        fields = ["id", "state", "state_display", "results", "note", "created_by", "created_at", "submitted_by",
                  "submitted_at", "submissions", "reviewed_by", "reviewed_at", "review_note", "version", "lines"]
        read_only_fields = fields

    def get_lines(self, application) -> list[dict]:
        return MaterialLineSerializer(application.lines.order_by("order", "pk"), many=True).data


class AcceptanceApplicationCreateSerializer(serializers.Serializer):
    results = TextField(max_length=TEXT_MAX, required=False, allow_blank=True, default="")
    note = TextField(max_length=TEXT_MAX, required=False, allow_blank=True, default="")


class MaterialLineInSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=MaterialKind.choices)
    title = LineField(max_length=LINE_MAX)
    description = TextField(max_length=TEXT_MAX, required=False, allow_blank=True, default="")
    required = serializers.BooleanField(required=False, default=True)
    record_ref = serializers.ChoiceField(choices=SystemRecord.choices, required=False, allow_blank=True, default="")
    reference = LineField(max_length=LINE_MAX, required=False, allow_blank=True, default="")


class AcceptanceVersionSerializer(serializers.Serializer):
    version = _version_field()


class MaterialsReviewSerializer(serializers.Serializer):
    complete = serializers.BooleanField()
    missing = serializers.DictField(child=LineField(max_length=LINE_MAX * 2), required=False, default=dict,
                                    help_text=gettext_lazy("What is missing, by materials line id."))
    note = TextField(max_length=TEXT_MAX, required=False, allow_blank=True, default="")
    version = _version_field()

    def validate_missing(self, value):
        for key in value:
            if not str(key).isdigit():
                raise serializers.ValidationError(gettext_lazy("Unknown materials line."))
        return value


def _line_add(*, application, user, **fields) -> AcceptanceApplication:
    """``line_add``, answering with the application (the API shows the whole checklist)."""
    services.line_add(application=application, user=user, **fields)
    application.refresh_from_db()
    return application


class AcceptanceApplicationViewSet(ProjectScopedMixin, ApiViewSet):
    serializer_class = AcceptanceApplicationSerializer
    http_method_names = ["get", "post", "head", "options"]

    def get_queryset(self):
        if self.is_schema_generation:
            return AcceptanceApplication.objects.none()
        return AcceptanceApplication.objects.filter(project=self.project).order_by("pk")

    def get_object(self):
        try:
            return self.get_queryset().get(pk=self.kwargs.get("pk"))
        except (AcceptanceApplication.DoesNotExist, ValueError, TypeError):
            raise NotFound from None

    @api_schema(summary="The project's acceptance application (none or one)")
    def list(self, request, project_pk=None):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @api_schema(summary="The acceptance application with its materials lines")
    def retrieve(self, request, project_pk=None, pk=None):
        return Response(self.get_serializer(self.get_object()).data)

    @api_schema(summary="Apply for acceptance (contractor PM; refused while a ticket is open or a batch not "
                        "accepted)", request=AcceptanceApplicationCreateSerializer, responses={201: AcceptanceApplicationSerializer})
    def create(self, request, project_pk=None):
        self.require("acceptance.may_apply", self.project)
        data = AcceptanceApplicationCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        application = services.application_create(project=self.project, user=request.user, **data.validated_data)
        return Response(self.get_serializer(application).data, status=status.HTTP_201_CREATED)

    lines = transition_action(
        rule="acceptance.may_edit_application", service=_line_add, entity="application",
        input=MaterialLineInSerializer, output=AcceptanceApplicationSerializer,
        summary="Add a materials line, referring to records in the system (files: upload to the line's "
                "attachments)")
    submit = transition_action(
        rule="acceptance.may_edit_application", service=services.application_submit, entity="application",
        input=AcceptanceVersionSerializer, output=AcceptanceApplicationSerializer,
        summary="Submit the application for review (contractor PM)")
    review = transition_action(
        rule="acceptance.may_review_application", service=services.application_review, entity="application",
        input=MaterialsReviewSerializer, output=AcceptanceApplicationSerializer,
        summary="Review the materials (client lead): complete → the project enters acceptance; otherwise "
                "returned with what is missing per line")


# ---------------------------------------------------------------- rounds

class CommonProblemSerializer(serializers.ModelSerializer):
    category_display = serializers.CharField(source="get_category_display", read_only=True)
    created_by = UserRefSerializer(read_only=True)

    class Meta:
        model = CommonProblem
        fields = ["id", "round", "category", "category_display", "description", "suggested_control", "created_by",
                  "created_at"]
        read_only_fields = fields


class AcceptanceRoundSerializer(serializers.ModelSerializer):
    state_display = serializers.CharField(source="get_state_display", read_only=True)
    conclusion_display = serializers.CharField(source="get_conclusion_display", read_only=True)
    over_limit = serializers.BooleanField(source="is_over_limit", read_only=True)
    override_by = UserRefSerializer(read_only=True, allow_null=True)
    plan_approved_by = UserRefSerializer(read_only=True, allow_null=True)
    reported_by = UserRefSerializer(read_only=True, allow_null=True)
    closed_by = UserRefSerializer(read_only=True, allow_null=True)
    standards = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    samplings = serializers.SerializerMethodField()
    signatures = serializers.SerializerMethodField()
    tickets = serializers.SerializerMethodField()
    problems = serializers.SerializerMethodField()
    pdf_url = serializers.SerializerMethodField()

    class Meta:
        model = AcceptanceRound
        fields = ["id", "number", "state", "state_display", "over_limit", "override_reason", "override_by",
                  "plan_content", "standards", "standards_note", "schedule_start", "schedule_end",
                  "plan_approved_by", "plan_approved_at", "inspection_opened_at", "samplings", "report_date",
                  "problems_found", "opinion", "conclusion", "conclusion_display", "fail_reason",
                  "rectification_due", "figures", "team", "reported_by", "reported_at", "signed_on", "closed_by",
                  "closed_at", "signatures", "tickets", "problems", "pdf_url", "version"]
        read_only_fields = fields

    problems_found = serializers.CharField(source="problems", read_only=True)

    def get_samplings(self, acceptance_round) -> list[dict]:
        rows = []
        for s in selectors.samplings_of(acceptance_round):
            inspection = s.inspection
            rows.append({"service_type": s.service_type, "service_type_display": s.get_service_type_display(),
                         "floor_rate": str(s.floor_rate),
                         "inspection": None if inspection is None else {
                             "id": inspection.pk, "label": inspection.label, "status": inspection.status,
                             "decision": inspection.decision, "sample_size": inspection.sample_size,
                             "lot_size": inspection.lot_size,
                             "pass_rate": None if inspection.pass_rate is None else str(inspection.pass_rate),
                             "url": inspection.get_absolute_url()}})
        return rows

    def get_signatures(self, acceptance_round) -> list[dict]:
        from apps.signatures.selectors import signatures_for

        return [{"signer_name": s.signer_name, "organization_name": s.organization_name, "party": s.party,
                 "meaning": s.meaning, "signed_at": s.signed_at, "valid": s.is_valid}
                for s in signatures_for(acceptance_round)]

    def get_tickets(self, acceptance_round) -> list[dict]:
        if not acceptance_round.is_closed:
            return []
        return [{"id": t.pk, "number": t.number, "title": t.title, "state": t.state, "due_date": t.due_date}
                for t in selectors.round_tickets(acceptance_round)]

    def get_problems(self, acceptance_round) -> list[dict]:
        return CommonProblemSerializer(acceptance_round.common_problems.order_by("created_at", "pk"), many=True).data

    def get_pdf_url(self, acceptance_round) -> str | None:
        return reverse("reports:form", args=["acceptance_report", acceptance_round.pk]) \
            if acceptance_round.is_reported else None


class AcceptanceRoundStartSerializer(serializers.Serializer):
    override_reason = TextField(max_length=TEXT_MAX, required=False, allow_blank=True, default="",
                                help_text=gettext_lazy("Required from the fourth round on (§5.3.2)."))


class AcceptancePlanInSerializer(serializers.Serializer):
    plan_content = TextField(max_length=LONG_TEXT_MAX)
    rates = serializers.DictField(child=serializers.DecimalField(max_digits=5, decimal_places=2),
                                  help_text=gettext_lazy("Sampling ratio (%) per service type."))
    standards = serializers.ListField(child=IdField(), required=False, default=list,
                                      help_text=gettext_lazy("Ids of check items of the project's catalogue."))
    standards_note = TextField(max_length=TEXT_MAX, required=False, allow_blank=True, default="")
    schedule_start = DateField(required=False, allow_null=True, default=None)
    schedule_end = DateField(required=False, allow_null=True, default=None)
    version = _version_field()


class AcceptanceReportInSerializer(serializers.Serializer):
    conclusion = serializers.ChoiceField(choices=[c for c in Conclusion.choices if c[0]])
    problems = TextField(max_length=LONG_TEXT_MAX, required=False, allow_blank=True, default="")
    opinion = TextField(max_length=TEXT_MAX)
    fail_reason = TextField(max_length=TEXT_MAX, required=False, allow_blank=True, default="")
    rectification_due = DateField(required=False, allow_null=True, default=None)
    version = _version_field()


class CommonProblemInSerializer(serializers.Serializer):
    category = serializers.ChoiceField(choices=ProblemCategory.choices)
    description = TextField(max_length=TEXT_MAX)
    suggested_control = TextField(max_length=TEXT_MAX)


class AcceptanceRoundViewSet(ProjectScopedMixin, ApiViewSet):
    serializer_class = AcceptanceRoundSerializer
    http_method_names = ["get", "post", "head", "options"]

    def get_queryset(self):
        if self.is_schema_generation:
            return AcceptanceRound.objects.none()
        return selectors.rounds_of(self.project).select_related("project")

    def get_object(self):
        try:
            return self.get_queryset().get(pk=self.kwargs.get("pk"))
        except (AcceptanceRound.DoesNotExist, ValueError, TypeError):
            raise NotFound from None

    @api_schema(summary="The project's acceptance rounds")
    def list(self, request, project_pk=None):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @api_schema(summary="One acceptance round: plan, sampling, inspections, report, signatures, tickets")
    def retrieve(self, request, project_pk=None, pk=None):
        return Response(self.get_serializer(self.get_object()).data)

    @api_schema(summary="Start the next acceptance round (client lead; from the fourth with a written reason)",
                request=AcceptanceRoundStartSerializer, responses={201: AcceptanceRoundSerializer})
    def create(self, request, project_pk=None):
        self.require("acceptance.may_start_round", self.project)
        data = AcceptanceRoundStartSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        acceptance_round = services.round_start(project=self.project, user=request.user, **data.validated_data)
        return Response(self.get_serializer(acceptance_round).data, status=status.HTTP_201_CREATED)

    plan = transition_action(
        rule="acceptance.may_edit_plan", service=services.round_plan_update, entity="acceptance_round",
        input=AcceptancePlanInSerializer, output=AcceptanceRoundSerializer,
        summary="Draw up the acceptance plan: content, standards, sampling ratios, schedule")
    approve = transition_action(
        rule="acceptance.may_approve_plan", service=services.round_plan_approve, entity="acceptance_round",
        input=AcceptanceVersionSerializer, output=AcceptanceRoundSerializer, summary="Approve the acceptance plan (client lead)")
    inspection = transition_action(
        rule="acceptance.may_open_inspection", service=services.round_inspection_open, entity="acceptance_round",
        input=AcceptanceVersionSerializer, output=AcceptanceRoundSerializer,
        summary="Open one acceptance inspection per service type of the plan")
    report = transition_action(
        rule="acceptance.may_issue_report", service=services.round_report_issue, entity="acceptance_round",
        input=AcceptanceReportInSerializer, output=AcceptanceRoundSerializer,
        summary="Issue (or, until signed, correct) the acceptance report with its conclusion")
    conclude = transition_action(
        rule="acceptance.may_conclude", service=services.round_conclude, entity="acceptance_round",
        input=AcceptanceVersionSerializer, output=AcceptanceRoundSerializer,
        summary="Confirm the conclusion once the whole team signed (client lead): passed → acceptance recorded; "
                "failed → rectification tickets")
    problems = transition_action(
        rule="acceptance.may_record_problem", service=services.common_problem_record, entity="acceptance_round",
        input=CommonProblemInSerializer, output=CommonProblemSerializer, status=status.HTTP_201_CREATED,
        summary="Record a common problem (共性问题) seen in this round")


def register(router, project_prefix: str) -> None:
    router.register(project_prefix + "acceptance-applications", AcceptanceApplicationViewSet,
                    basename="project-acceptance-application")
    router.register(project_prefix + "acceptance-rounds", AcceptanceRoundViewSet, basename="project-acceptance-round")
