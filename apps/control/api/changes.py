"""Change request endpoints: ``change-requests/`` (list, submit) and their transitions."""

from __future__ import annotations

from rest_framework import serializers, status
from rest_framework.response import Response

from apps.core.history import client_ip
from apps.core.rest.actions import transition_action
from apps.core.rest.base import api_schema
from apps.core.rest.fields import LineField, TextField
from apps.core.rest.serializers import UserRefSerializer
from apps.projects.rest import ProjectRecordsViewSet

from .. import selectors, services
from ..enums import ChangeCategory
from ..models import TEXT_MAX, ChangeRequest
from .common import ControlReasonSerializer


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


class ChangeInSerializer(serializers.Serializer):
    category = serializers.ChoiceField(choices=ChangeCategory.choices)
    title = LineField(max_length=200)
    description = TextField(max_length=TEXT_MAX)
    reason = TextField(max_length=TEXT_MAX)
    quality_impact = TextField(max_length=TEXT_MAX)
    touches_plan = serializers.BooleanField(required=False, default=False)
    is_major = serializers.BooleanField(required=False, default=False)


class ChangeApproveSerializer(serializers.Serializer):
    password = serializers.CharField(max_length=256, trim_whitespace=False, style={"input_type": "password"})
    opinion = TextField(max_length=TEXT_MAX, required=False, allow_blank=True, default="")
    is_major = serializers.BooleanField(required=False, allow_null=True, default=None)


class ControlOpinionSerializer(serializers.Serializer):
    opinion = TextField(max_length=TEXT_MAX)


class ControlNoteSerializer(serializers.Serializer):
    note = TextField(max_length=TEXT_MAX)


def _request_ip(view, request, record) -> dict:
    return {"request_ip": client_ip(request)}


class ChangeRequestViewSet(ProjectRecordsViewSet):
    model = ChangeRequest
    serializer_class = ChangeRequestSerializer
    http_method_names = ["get", "post", "head", "options"]

    def records(self):
        return selectors.change_requests(self.project)

    @api_schema(summary="Submit a change request (contractor PM)", request=ChangeInSerializer,
                responses={201: ChangeRequestSerializer})
    def create(self, request, project_pk=None):
        self.require("control.may_request_change", self.project)
        data = ChangeInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        change = services.change_request_submit(project=self.project, user=request.user, **data.validated_data)
        return Response(self.get_serializer(change).data, status=status.HTTP_201_CREATED)

    approve = transition_action(
        rule="control.may_approve_change", service=services.change_request_approve, entity="change_request",
        input=ChangeApproveSerializer, output=ChangeRequestSerializer, extra=_request_ip,
        summary="Approve in writing (client lead; the password signs the approval)")
    reject = transition_action(
        rule="control.may_reject_change", service=services.change_request_reject, entity="change_request",
        input=ControlOpinionSerializer, output=ChangeRequestSerializer, summary="Reject (client lead)")
    withdraw = transition_action(
        rule="control.may_withdraw_change", service=services.change_request_withdraw, entity="change_request",
        input=ControlReasonSerializer, output=ChangeRequestSerializer, summary="Withdraw (contractor PM)")
    confirm = transition_action(
        rule="control.may_confirm_change", service=services.change_request_confirm, entity="change_request",
        input=ControlNoteSerializer, output=ChangeRequestSerializer,
        summary="Confirm the implementation (contractor PM)")
