"""REST endpoints of the handover (§6.5.2), same scoping and rules as the pages.

| method | path | service |
|---|---|---|
| GET | ``projects/{id}/handovers/`` · ``handovers/{id}/`` | the project's handover list with its items and signatures |
| POST | ``handovers/`` | ``handover_create`` (contractor PM, once the acceptance passed) |
| POST | ``handovers/{id}/lines/`` | ``handover_line_add`` (contractor PM, draft or returned) |
| POST | ``handovers/{id}/submit/`` | ``handover_submit`` (contractor PM) |
| POST | ``handovers/{id}/send-back/`` | ``handover_return`` (client lead, confirmed and unsigned) |
| POST | ``handovers/{id}/sign/`` | ``handover_sign`` (client lead / contractor PM; password again) |
| GET | ``handover-lines/`` · ``handover-lines/{id}/`` | the items (``?kind=``), e.g. for the document archive |
| POST | ``handover-lines/{id}/change/`` · ``remove/`` | ``handover_line_update`` / ``handover_line_remove`` (contractor PM) |
| POST | ``handover-lines/{id}/confirm/`` · ``refuse/`` | ``handover_line_confirm`` / ``handover_line_refuse`` (client lead / inspector) |
"""

from __future__ import annotations

import django_filters
from drf_spectacular.utils import extend_schema_field
from django.urls import reverse
from django.utils.translation import gettext_lazy
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from apps.core.errors import DomainError
from apps.core.history import client_ip
from apps.core.rest.actions import transition_action
from apps.core.rest.base import ApiViewSet, api_schema
from apps.core.rest.fields import LineField, TextField, VersionField
from apps.core.rest.filters import ApiFilterSet
from apps.core.rest.serializers import UserRefSerializer
from apps.projects.annex_a import handover_due
from apps.projects.rest import ProjectScopedMixin

from . import selectors, services
from .enums import LineKind, Medium
from .models import LINE_MAX, TEXT_MAX, Handover, HandoverLine
from .printing import FORM_CODE

# Kept although the request fails: the failed signing attempt locks signing after repeated wrong
# passwords (as the signatures API does).
KEEP_ATTEMPT_CODES = frozenset({"bad_password", "locked"})


def _version_field():
    return VersionField(source="expected_version", required=False, allow_null=True, default=None,
                        help_text=gettext_lazy("The version you read (optimistic locking)."))


class HandoverLineSerializer(serializers.ModelSerializer):
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    medium_display = serializers.CharField(source="get_medium_display", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    decided_by = UserRefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = HandoverLine
        fields = ["id", "position", "kind", "kind_display", "description", "quantity", "unit", "medium",
                  "medium_display", "note", "status", "status_display", "refusal_reason", "decided_by", "decided_at",
                  "version"]
        read_only_fields = fields


class HandoverSerializer(serializers.ModelSerializer):
    state_display = serializers.CharField(source="get_state_display", read_only=True)
    created_by = UserRefSerializer(read_only=True)
    submitted_by = UserRefSerializer(read_only=True, allow_null=True)
    lines = serializers.SerializerMethodField()
    counts = serializers.SerializerMethodField()
    missing_kinds = serializers.SerializerMethodField()
    due_date = serializers.SerializerMethodField()
    handed_over = serializers.SerializerMethodField()
    signatures = serializers.SerializerMethodField()
    pdf_url = serializers.SerializerMethodField()

    class Meta:
        model = Handover
        fields = ["id", "doc_no", "state", "state_display", "note", "created_by", "created_at", "submitted_by",
                  "submitted_at", "submissions", "returned_at", "return_reason", "confirmed_at", "signed_at",
                  "handed_over", "due_date", "counts", "missing_kinds", "lines", "signatures", "version", "pdf_url"]
        read_only_fields = fields

    def get_lines(self, handover) -> list[dict]:
        return HandoverLineSerializer(selectors.lines_of(handover), many=True).data

    def get_counts(self, handover) -> dict:
        return selectors.line_counts(handover)

    def get_missing_kinds(self, handover) -> list[str]:
        return selectors.missing_kinds(handover)

    @extend_schema_field(serializers.DateField(allow_null=True))
    def get_due_date(self, handover):
        return handover_due(handover.project)

    def get_handed_over(self, handover) -> bool:
        return selectors.is_handed_over(handover)

    def get_signatures(self, handover) -> list[dict]:
        return [{"signer_name": s.signer_name, "organization_name": s.organization_name, "party": s.party,
                 "meaning": s.meaning, "signed_at": s.signed_at, "valid": s.is_valid}
                for s in selectors.signature_parties(handover)["signatures"]]

    def get_pdf_url(self, handover) -> str:
        return reverse("reports:form", args=[FORM_CODE, handover.pk])


class HandoverCreateSerializer(serializers.Serializer):
    note = TextField(max_length=TEXT_MAX, required=False, allow_blank=True, default="")


class HandoverLineInSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=LineKind.choices)
    description = LineField(max_length=LINE_MAX)
    quantity = serializers.IntegerField(min_value=1, max_value=2**31 - 1)
    unit = LineField(max_length=20)
    medium = serializers.ChoiceField(choices=Medium.choices)
    note = LineField(max_length=LINE_MAX, required=False, allow_blank=True, default="")
    version = _version_field()


class HandoverVersionSerializer(serializers.Serializer):
    version = _version_field()


class HandoverReasonSerializer(serializers.Serializer):
    reason = TextField(max_length=TEXT_MAX)
    version = _version_field()


class HandoverSignSerializer(serializers.Serializer):
    password = serializers.CharField(write_only=True, max_length=256, trim_whitespace=False,
                                     style={"input_type": "password"},
                                     help_text=gettext_lazy("Your password again: each signature re-authenticates "
                                                            "you."))


class HandoverViewSet(ProjectScopedMixin, ApiViewSet):
    serializer_class = HandoverSerializer
    http_method_names = ["get", "post", "head", "options"]

    def get_queryset(self):
        if self.is_schema_generation:
            return Handover.objects.none()
        return Handover.objects.filter(project=self.project).select_related("project", "created_by", "submitted_by")

    def get_object(self):
        try:
            return self.get_queryset().get(pk=self.kwargs.get("pk"))
        except (Handover.DoesNotExist, ValueError, TypeError):
            raise NotFound from None

    @api_schema(summary="The project's handover list (移交清单), if drawn up")
    def list(self, request, project_pk=None):
        page = self.paginate_queryset(self.get_queryset().order_by("pk"))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @api_schema(summary="The handover list with its items, the client's confirmations and the signatures")
    def retrieve(self, request, project_pk=None, pk=None):
        return Response(self.get_serializer(self.get_object()).data)

    @api_schema(summary="Draw up the handover list (contractor PM, once the acceptance has passed)",
                request=HandoverCreateSerializer, responses={201: HandoverSerializer})
    def create(self, request, project_pk=None):
        self.require("handover.may_draw_up", self.project)
        data = HandoverCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        handover = services.handover_create(project=self.project, user=request.user, **data.validated_data)
        return Response(self.get_serializer(handover).data, status=status.HTTP_201_CREATED)

    add_line = transition_action(
        rule="handover.may_draw_up", service=services.handover_line_add, entity="handover", input=HandoverLineInSerializer,
        output=HandoverLineSerializer, url_path="lines", url_name="lines", status=status.HTTP_201_CREATED,
        summary="Add an item: kind, description, quantity, unit, medium (contractor PM; draft or returned list)")
    submit = transition_action(
        rule="handover.may_draw_up", service=services.handover_submit, entity="handover", input=HandoverVersionSerializer,
        output=HandoverSerializer, summary="Submit the list to the client (contractor PM)")
    send_back = transition_action(
        rule="handover.may_return", service=services.handover_return, entity="handover", input=HandoverReasonSerializer,
        output=HandoverSerializer, url_path="send-back", url_name="send-back",
        summary="Send the confirmed list back before anyone signed it (client lead; a reason is required)")

    @api_schema(summary="Sign the confirmed list for your party (client lead or contractor PM; password again). "
                        "The second signature completes the handover", request=HandoverSignSerializer,
                responses={200: HandoverSerializer})
    @action(detail=True, methods=["post"])
    def sign(self, request, project_pk=None, pk=None):
        handover = self.get_object()
        self.require("handover.may_sign", handover)
        data = HandoverSignSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            result = services.handover_sign(handover=handover, user=request.user,
                                            password=data.validated_data["password"], request_ip=client_ip(request))
        except DomainError as exc:
            if exc.code not in KEEP_ATTEMPT_CODES:
                raise
            code = status.HTTP_403_FORBIDDEN if exc.code == "locked" else status.HTTP_400_BAD_REQUEST
            return Response({"detail": exc.message, "code": exc.code, "field": exc.field}, status=code)
        return Response(self.get_serializer(result).data)


class HandoverLineFilter(ApiFilterSet):
    kind = django_filters.ChoiceFilter(choices=LineKind.choices)

    class Meta:
        model = HandoverLine
        fields = ["kind"]


class HandoverLineViewSet(ProjectScopedMixin, ApiViewSet):
    serializer_class = HandoverLineSerializer
    filterset_class = HandoverLineFilter
    http_method_names = ["get", "post", "head", "options"]

    def get_queryset(self):
        if self.is_schema_generation:
            return HandoverLine.objects.none()
        return selectors.handover_lines(self.project).select_related("decided_by")

    def get_object(self):
        try:
            return self.get_queryset().get(pk=self.kwargs.get("pk"))
        except (HandoverLine.DoesNotExist, ValueError, TypeError):
            raise NotFound from None

    @api_schema(summary="The items of the project's handover list (?kind=…), in order")
    def list(self, request, project_pk=None):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @api_schema(summary="One item of the handover list")
    def retrieve(self, request, project_pk=None, pk=None):
        return Response(self.get_serializer(self.get_object()).data)

    change = transition_action(
        rule="handover.may_draw_up", service=services.handover_line_update, entity="line", input=HandoverLineInSerializer,
        output=HandoverLineSerializer, summary="Change an item; it awaits the client's confirmation again (contractor PM)")
    remove = transition_action(
        rule="handover.may_draw_up", service=services.handover_line_remove, entity="line", input=HandoverVersionSerializer,
        output=HandoverSerializer, summary="Take an item off the list (contractor PM; draft or returned list)")
    confirm = transition_action(
        rule="handover.may_check", service=services.handover_line_confirm, entity="line", input=HandoverVersionSerializer,
        output=HandoverLineSerializer, summary="Confirm an item (client lead or quality inspector)")
    refuse = transition_action(
        rule="handover.may_check", service=services.handover_line_refuse, entity="line", input=HandoverReasonSerializer,
        output=HandoverLineSerializer, summary="Refuse an item with a reason (client lead or quality inspector)")


def register(router, project_prefix: str) -> None:
    router.register(project_prefix + "handovers", HandoverViewSet, basename="project-handover")
    router.register(project_prefix + "handover-lines", HandoverLineViewSet, basename="project-handover-line")
