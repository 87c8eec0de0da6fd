"""REST endpoints: /api/v1/projects/{project_id}/rectification-tickets/ and .../incidents/
(same scoping and rules as the pages; the contractor answers notices from its own tools).

| method | path | service |
|---|---|---|
| GET | ``rectification-tickets/?state=open|<state>&source=`` | tickets of the project |
| POST | ``rectification-tickets/`` | ``ticket_raise`` (client lead / client inspector); with ``source=warranty`` and no ``due_date``: ``warranty_ticket_raise`` (in the warranty period; deadlines from the contract) |
| GET | ``rectification-tickets/{id}/`` | one ticket with its reviews and signatures |
| POST | ``rectification-tickets/{id}/respond/`` | ``ticket_respond`` (warranty problem: contractor PM / special inspector) |
| POST | ``rectification-tickets/{id}/submit/`` | ``ticket_submit`` (contractor PM / special inspector) |
| POST | ``rectification-tickets/{id}/refuse/`` | ``ticket_refuse`` (contractor PM) |
| POST | ``rectification-tickets/{id}/review/`` | ``ticket_review`` (client lead / client inspector) |
| POST | ``rectification-tickets/{id}/close/`` | ``ticket_close`` (client lead, both parties signed) |
| POST | ``rectification-tickets/{id}/cancel/`` | ``ticket_cancel`` (client lead) |
| GET | ``incidents/`` · ``incidents/{id}/`` | incidents of the project |
| POST | ``incidents/`` | ``incident_report`` (any member of the contractor's team) |

Signatures go through ``/api/v1/signatures/`` like every signed record.
"""

from __future__ import annotations

import django_filters
from django.urls import reverse
from django.utils.translation import gettext_lazy
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from apps.core.rest.actions import transition_action
from apps.core.rest.base import ApiViewSet, api_schema
from apps.core.rest.fields import DateField, DateTimeField, LineField, TextField, VersionField
from apps.core.rest.filters import ApiFilterSet
from apps.core.rest.serializers import UserRefSerializer
from apps.projects.rest import ProjectScopedMixin

from . import selectors, services
from .enums import ACTIVE_STATES, IncidentCategory, Severity, TicketSource, TicketState
from .models import TEXT_MAX, TITLE_MAX, Incident, RectificationTicket, TicketReview


class ReviewOutSerializer(serializers.ModelSerializer):
    reviewed_by = UserRefSerializer(read_only=True)

    class Meta:
        model = TicketReview
        fields = ["round_no", "passed", "opinion", "measures", "result", "new_due_date", "reviewed_by",
                  "reviewed_at"]
        read_only_fields = fields


class TicketSerializer(serializers.ModelSerializer):
    raised_by = UserRefSerializer(read_only=True)
    submitted_by = UserRefSerializer(read_only=True)
    reviewed_by = UserRefSerializer(read_only=True)
    closed_by = UserRefSerializer(read_only=True)
    responded_by = UserRefSerializer(read_only=True, allow_null=True)
    response_overdue = serializers.SerializerMethodField()
    state_display = serializers.CharField(source="get_state_display", read_only=True)
    source_display = serializers.CharField(source="get_source_display", read_only=True)
    severity_display = serializers.CharField(source="get_severity_display", read_only=True)
    overdue = serializers.SerializerMethodField()
    reviews = serializers.SerializerMethodField()
    signatures = serializers.SerializerMethodField()
    pdf_url = serializers.SerializerMethodField()

    class Meta:
        model = RectificationTicket
        fields = ["id", "number", "doc_no", "source", "source_display", "source_label", "found_on", "title",
                  "description", "severity", "severity_display", "batch", "auto_raised", "requirement", "due_date",
                  "responsible_unit", "raised_by", "raised_at", "response_due", "response_plan", "responded_by",
                  "responded_at", "response_overdue", "measures", "result", "submitted_by",
                  "submitted_at", "refusal_reason", "refused_at", "review_opinion", "reviewed_by", "reviewed_at",
                  "failed_reviews", "state", "state_display", "closed_by", "closed_at", "cancel_reason", "note",
                  "version", "overdue", "reviews", "signatures", "pdf_url"]
        read_only_fields = fields

    def get_overdue(self, ticket) -> bool:
        return selectors.is_overdue(ticket)

    def get_response_overdue(self, ticket) -> bool:
        return selectors.is_response_overdue(ticket)

    def get_reviews(self, ticket) -> list[dict]:
        return ReviewOutSerializer(selectors.reviews_of(ticket), many=True).data

    def get_signatures(self, ticket) -> list[dict]:
        from apps.signatures.selectors import signatures_for

        return [{"signer_name": s.signer_name, "organization_name": s.organization_name, "party": s.party,
                 "meaning": s.meaning, "signed_at": s.signed_at, "valid": s.is_valid} for s in signatures_for(ticket)]

    def get_pdf_url(self, ticket) -> str:
        return reverse("rectification:annex_d_pdf", args=[ticket.pk])


class TicketRaiseSerializer(serializers.Serializer):
    source = serializers.ChoiceField(choices=TicketSource.choices)
    found_on = DateField()
    severity = serializers.ChoiceField(choices=Severity.choices, default=Severity.GENERAL)
    title = LineField(max_length=TITLE_MAX)
    description = TextField(max_length=3 * TEXT_MAX)
    requirement = TextField(max_length=TEXT_MAX)
    due_date = DateField(required=False, allow_null=True, default=None,
                         help_text=gettext_lazy("Required, except for a warranty problem (source warranty), whose "
                                                "deadlines come from the contract's terms."))
    responsible_unit = LineField(max_length=TITLE_MAX, required=False, allow_blank=True, default="")
    note = LineField(max_length=500, required=False, allow_blank=True, default="")

    def validate(self, attrs):
        if attrs["source"] == TicketSource.WARRANTY:
            if attrs.get("due_date") is not None:
                raise serializers.ValidationError({"due_date": gettext_lazy(
                    "A warranty problem's deadlines come from the contract's terms: leave the deadline out.")})
        elif attrs.get("due_date") is None:
            raise serializers.ValidationError({"due_date": gettext_lazy("This field is required.")})
        return attrs


def _version_field():
    """The ticket's ``version`` the caller read (optimistic locking): the services'
    ``expected_version``."""
    return VersionField(source="expected_version", required=False, allow_null=True, default=None,
                        help_text=gettext_lazy("The version of the ticket you read (optimistic locking)."))


class TicketAnswerSerializer(serializers.Serializer):
    measures = TextField(max_length=TEXT_MAX)
    result = TextField(max_length=TEXT_MAX)
    version = _version_field()


class TicketRespondSerializer(serializers.Serializer):
    plan = TextField(max_length=TEXT_MAX, help_text=gettext_lazy("The planned measures (§6.5.3)."))
    version = _version_field()


class TicketReasonSerializer(serializers.Serializer):
    reason = TextField(max_length=TEXT_MAX)
    version = _version_field()


class TicketReviewInSerializer(serializers.Serializer):
    passed = serializers.BooleanField()
    opinion = TextField(max_length=TEXT_MAX)
    new_due_date = DateField(required=False, allow_null=True, default=None)
    version = _version_field()


class TicketFilter(ApiFilterSet):
    """``state``: a state, where ``open`` means every ticket not yet closed or withdrawn; ``source``."""

    state = django_filters.ChoiceFilter(choices=TicketState.choices, method="filter_state")
    source = django_filters.ChoiceFilter(choices=TicketSource.choices)

    class Meta:
        model = RectificationTicket
        fields = ["state", "source"]

    def filter_state(self, queryset, name, value):
        if value == TicketState.OPEN:
            return queryset.filter(state__in=ACTIVE_STATES)
        return queryset.filter(state=value)


class TicketViewSet(ProjectScopedMixin, ApiViewSet):
    serializer_class = TicketSerializer
    filterset_class = TicketFilter
    http_method_names = ["get", "post", "head", "options"]

    def get_queryset(self):
        if self.is_schema_generation:
            return RectificationTicket.objects.none()
        return selectors.tickets_of(self.project).select_related("closed_by").order_by("-number")

    def get_object(self):
        try:
            return selectors.tickets_of(self.project).get(pk=self.kwargs.get("pk"))
        except (RectificationTicket.DoesNotExist, ValueError, TypeError):
            raise NotFound from None

    @api_schema(summary="Rectification tickets of the project (?state=open or a state, ?source=)")
    def list(self, request, project_pk=None):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @api_schema(summary="One rectification ticket with its reviews and signatures")
    def retrieve(self, request, project_pk=None, pk=None):
        return Response(self.get_serializer(self.get_object()).data)

    @api_schema(summary="Issue a rectification notice (client lead or client inspector); a problem in the "
                        "warranty with source=warranty and no due_date", request=TicketRaiseSerializer,
                responses={201: TicketSerializer})
    def create(self, request, project_pk=None):
        self.require("rectification.may_raise_ticket", self.project)
        data = TicketRaiseSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        if values["source"] == TicketSource.WARRANTY:
            for name in ("source", "due_date", "responsible_unit"):
                values.pop(name)
            ticket = services.warranty_ticket_raise(project=self.project, user=request.user, **values)
        else:
            ticket = services.ticket_raise(project=self.project, user=request.user, **values)
        return Response(self.get_serializer(ticket).data, status=status.HTTP_201_CREATED)

    respond = transition_action(
        rule="rectification.may_respond_ticket", service=services.ticket_respond, entity="ticket",
        input=TicketRespondSerializer, output=TicketSerializer,
        summary="Respond to a warranty problem with the planned measures (contractor PM or special inspector)")

    submit = transition_action(
        rule="rectification.may_answer_ticket", service=services.ticket_submit, entity="ticket",
        input=TicketAnswerSerializer, output=TicketSerializer,
        summary="Report the rectification: measures and result (contractor PM or special inspector)")
    refuse = transition_action(
        rule="rectification.may_refuse_ticket", service=services.ticket_refuse, entity="ticket",
        input=TicketReasonSerializer, output=TicketSerializer,
        summary="Refuse to rectify, in writing (contractor PM)")
    review = transition_action(
        rule="rectification.may_review_ticket", service=services.ticket_review, entity="ticket",
        input=TicketReviewInSerializer, output=TicketSerializer,
        summary="Review the rectification (client lead or client inspector)")
    close = transition_action(
        rule="rectification.may_close_ticket", service=services.ticket_close, entity="ticket",
        output=TicketSerializer, summary="Close and archive the ticket (client lead; both parties signed)")
    cancel = transition_action(
        rule="rectification.may_cancel_ticket", service=services.ticket_cancel, entity="ticket",
        input=TicketReasonSerializer, output=TicketSerializer,
        summary="Withdraw a notice issued in error (client lead)")


class IncidentSerializer(serializers.ModelSerializer):
    reported_by = UserRefSerializer(read_only=True)
    acknowledged_by = UserRefSerializer(read_only=True)
    closed_by = UserRefSerializer(read_only=True)
    category_display = serializers.CharField(source="get_category_display", read_only=True)
    state_display = serializers.CharField(source="get_state_display", read_only=True)

    class Meta:
        model = Incident
        fields = ["id", "category", "category_display", "title", "occurred_at", "description", "scale",
                  "remedial_action", "is_major", "state", "state_display", "reported_by", "reported_at",
                  "client_instructions", "acknowledged_by", "acknowledged_at", "closing_note", "closed_by",
                  "closed_at"]
        read_only_fields = fields


class IncidentReportSerializer(serializers.Serializer):
    category = serializers.ChoiceField(choices=IncidentCategory.choices)
    title = LineField(max_length=TITLE_MAX)
    occurred_at = DateTimeField()
    description = TextField(max_length=3 * TEXT_MAX)
    scale = TextField(max_length=TEXT_MAX)
    remedial_action = TextField(max_length=TEXT_MAX)
    is_major = serializers.BooleanField(required=False, default=False)


class IncidentViewSet(ProjectScopedMixin, ApiViewSet):
    serializer_class = IncidentSerializer
    http_method_names = ["get", "post", "head", "options"]

    def get_queryset(self):
        if self.is_schema_generation:
            return Incident.objects.none()
        return selectors.incidents_of(self.project)

    def get_object(self):
        try:
            return self.get_queryset().get(pk=self.kwargs.get("pk"))
        except (Incident.DoesNotExist, ValueError, TypeError):
            raise NotFound from None

    @api_schema(summary="Incidents of the project, newest first")
    def list(self, request, project_pk=None):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @api_schema(summary="One incident")
    def retrieve(self, request, project_pk=None, pk=None):
        return Response(self.get_serializer(self.get_object()).data)

    @api_schema(summary="Report an incident at once (any member of the contractor's team)",
                request=IncidentReportSerializer, responses={201: IncidentSerializer})
    def create(self, request, project_pk=None):
        self.require("rectification.may_report_incident", self.project)
        data = IncidentReportSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        incident = services.incident_report(project=self.project, user=request.user, **data.validated_data)
        return Response(self.get_serializer(incident).data, status=status.HTTP_201_CREATED)


def register(router, project_prefix: str) -> None:
    router.register(project_prefix + "rectification-tickets", TicketViewSet, basename="project-rectification-ticket")
    router.register(project_prefix + "incidents", IncidentViewSet, basename="project-incident")
