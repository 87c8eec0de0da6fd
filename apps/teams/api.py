"""API for team and equipment filing: same scoping and rules as the pages; every write is a
service call. Mounted by apps.api (``register``) under /api/v1/projects/<id>/."""

from __future__ import annotations

import datetime

from django.contrib.auth import get_user_model
from rest_framework import serializers, status
from rest_framework.response import Response

from apps.accounts.enums import CONTRACTOR_ROLES, ProjectRole
from apps.core.rest.actions import transition_action
from apps.core.rest.base import api_schema
from apps.core.rest.fields import DateField, LineField, RecordField, TextField
from apps.core.rest.serializers import InputModelSerializer, UserRefSerializer
from apps.projects.rest import ProjectRecordsViewSet

from . import selectors, services
from .models import Equipment, IntegrityPledge, StaffChange, StaffFiling

User = get_user_model()


# ---------------------------------------------------------------- serializers

class StaffFilingSerializer(serializers.ModelSerializer):
    person = UserRefSerializer(read_only=True)
    decided_by = UserRefSerializer(read_only=True)
    is_key_post = serializers.BooleanField(read_only=True)
    certificate_valid = serializers.SerializerMethodField()

    class Meta:
        model = StaffFiling
        fields = ["id", "person", "role", "post", "cert_name", "cert_number", "cert_level", "cert_issuer",
                  "cert_valid_from", "cert_valid_until", "years_experience", "no_criminal_record", "training_result",
                  "training_note", "confidentiality_signed_on", "status", "is_key_post", "certificate_valid",
                  "submitted_at", "decided_by", "decided_at", "decision_note", "ended_at", "end_reason"]
        read_only_fields = fields

    def get_certificate_valid(self, filing) -> bool:
        return filing.certificate_valid_on()


class StaffFilingWriteSerializer(InputModelSerializer):
    class Meta:
        model = StaffFiling
        fields = list(services.FILING_FIELDS)
        # Model validators only; the service checks the rest.
        validators: list = []


class StaffFilingCreateSerializer(StaffFilingWriteSerializer):
    person = RecordField(queryset=User.objects.none())
    role = serializers.ChoiceField(choices=[(r.value, r.label) for r in ProjectRole if r in CONTRACTOR_ROLES])

    class Meta(StaffFilingWriteSerializer.Meta):
        fields = ["person", "role", *services.FILING_FIELDS]

    def __init__(self, *args, project=None, **kwargs):
        super().__init__(*args, **kwargs)
        if project is not None:
            self.fields["person"].queryset = selectors.contractor_people(project)


class EquipmentSerializer(serializers.ModelSerializer):
    decided_by = UserRefSerializer(read_only=True)

    class Meta:
        model = Equipment
        fields = ["id", *services.EQUIPMENT_FIELDS, "status", "submitted_at", "decided_by", "decided_at",
                  "decision_note", "ended_at", "end_reason"]
        read_only_fields = fields


class EquipmentWriteSerializer(InputModelSerializer):
    class Meta:
        model = Equipment
        fields = list(services.EQUIPMENT_FIELDS)
        validators: list = []


class StaffChangeSerializer(serializers.ModelSerializer):
    leaving = StaffFilingSerializer(read_only=True)
    incoming = StaffFilingSerializer(read_only=True)
    decided_by = UserRefSerializer(read_only=True)
    requested_by = UserRefSerializer(read_only=True)

    class Meta:
        model = StaffChange
        fields = ["id", "leaving", "incoming", "reason", "planned_date", "status", "requested_by", "requested_at",
                  "decided_by", "decided_at", "decision_note"]
        read_only_fields = fields


class StaffChangeCreateSerializer(serializers.Serializer):
    leaving = RecordField(queryset=StaffFiling.objects.none())
    incoming = RecordField(queryset=StaffFiling.objects.none())
    reason = TextField(max_length=2000)
    planned_date = DateField()

    def __init__(self, *args, project=None, **kwargs):
        super().__init__(*args, **kwargs)
        if project is not None:
            self.fields["leaving"].queryset = StaffFiling.objects.filter(project=project)
            self.fields["incoming"].queryset = StaffFiling.objects.filter(project=project)


class PledgeSerializer(serializers.ModelSerializer):
    member = UserRefSerializer(read_only=True)
    signed_at = serializers.SerializerMethodField()

    class Meta:
        model = IntegrityPledge
        fields = ["id", "member", "text", "created_at", "signed_at"]
        read_only_fields = fields

    def get_signed_at(self, pledge) -> "datetime.datetime | None":
        sig = selectors.pledge_signature(pledge)
        return sig.signed_at if sig else None


class PledgeCreateSerializer(serializers.Serializer):
    member = RecordField(queryset=User.objects.none())

    def __init__(self, *args, project=None, **kwargs):
        super().__init__(*args, **kwargs)
        if project is not None:
            self.fields["member"].queryset = User.objects.filter(organization_id=project.client_id)


class TeamsReasonSerializer(serializers.Serializer):
    reason = TextField(max_length=2000)


class EndReasonSerializer(serializers.Serializer):
    reason = LineField(max_length=500)


class NoteSerializer(serializers.Serializer):
    note = TextField(max_length=2000, required=False, allow_blank=True, default="")


# ---------------------------------------------------------------- viewsets

class _RecordViewSet(ProjectRecordsViewSet):
    http_method_names = ["get", "post", "head", "options"]

    def _out(self, obj, code=status.HTTP_200_OK):
        obj.refresh_from_db()
        return Response(self.get_serializer(obj).data, status=code)


class StaffFilingViewSet(_RecordViewSet):
    model = StaffFiling
    serializer_class = StaffFilingSerializer
    http_method_names = ["get", "post", "patch", "head", "options"]

    def records(self):
        return selectors.project_filings(self.project)

    @api_schema(summary="File a person (contractor PM)", request=StaffFilingCreateSerializer,
                responses={201: StaffFilingSerializer})
    def create(self, request, project_pk=None):
        self.require("teams.can_file", self.project)
        data = StaffFilingCreateSerializer(data=request.data, project=self.project)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        filing = services.staff_filing_create(project=self.project, user=request.user, person=fields.pop("person"),
                                              role=fields.pop("role"), **fields)
        return self._out(filing, status.HTTP_201_CREATED)

    @api_schema(summary="Correct a submitted or rejected filing (contractor PM)", request=StaffFilingWriteSerializer,
                responses=StaffFilingSerializer)
    def partial_update(self, request, project_pk=None, pk=None):
        filing = self.get_object()
        self.require("teams.may_change_filing", filing)
        data = StaffFilingWriteSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        return self._out(services.staff_filing_update(filing=filing, user=request.user, **data.validated_data))

    approve = transition_action(
        rule="teams.can_review", service=services.staff_filing_approve, entity="filing", input=NoteSerializer,
        output=StaffFilingSerializer, summary="Approve (client lead or inspector)")
    reject = transition_action(
        rule="teams.can_review", service=services.staff_filing_reject, entity="filing",
        input=TeamsReasonSerializer, output=StaffFilingSerializer,
        summary="Reject with a reason (client lead or inspector)")
    end = transition_action(
        rule="teams.may_end_filing", service=services.staff_filing_end, entity="filing", input=EndReasonSerializer,
        output=StaffFilingSerializer, summary="End an approved filing (client lead)")


class EquipmentViewSet(_RecordViewSet):
    model = Equipment
    serializer_class = EquipmentSerializer

    def records(self):
        return selectors.project_equipment(self.project)

    @api_schema(summary="File equipment (contractor PM)", request=EquipmentWriteSerializer,
                responses={201: EquipmentSerializer})
    def create(self, request, project_pk=None):
        self.require("teams.may_file_equipment", self.project)
        data = EquipmentWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return self._out(services.equipment_file(project=self.project, user=request.user, **data.validated_data),
                         status.HTTP_201_CREATED)

    approve = transition_action(
        rule="teams.can_review", service=services.equipment_approve, entity="equipment", input=NoteSerializer,
        output=EquipmentSerializer, summary="Approve (client lead or inspector)")
    reject = transition_action(
        rule="teams.can_review", service=services.equipment_reject, entity="equipment",
        input=TeamsReasonSerializer, output=EquipmentSerializer,
        summary="Reject with a reason (client lead or inspector)")


class StaffChangeViewSet(_RecordViewSet):
    model = StaffChange
    serializer_class = StaffChangeSerializer

    def records(self):
        return selectors.project_changes(self.project)

    @api_schema(summary="Request a staff change in advance (contractor PM)", request=StaffChangeCreateSerializer,
                responses={201: StaffChangeSerializer})
    def create(self, request, project_pk=None):
        self.require("teams.can_request_change", self.project)
        data = StaffChangeCreateSerializer(data=request.data, project=self.project)
        data.is_valid(raise_exception=True)
        change = services.staff_change_request(project=self.project, user=request.user, **data.validated_data)
        return self._out(change, status.HTTP_201_CREATED)

    approve = transition_action(
        rule="teams.can_decide_change", service=services.staff_change_approve, entity="change",
        input=NoteSerializer, output=StaffChangeSerializer, summary="Approve (client lead)")
    reject = transition_action(
        rule="teams.can_decide_change", service=services.staff_change_reject, entity="change",
        input=TeamsReasonSerializer, output=StaffChangeSerializer, summary="Reject with a reason (client lead)")
    withdraw = transition_action(
        rule="teams.may_withdraw_change", service=services.staff_change_withdraw, entity="change",
        input=TeamsReasonSerializer, output=StaffChangeSerializer, summary="Withdraw the request (contractor PM)")


class PledgeViewSet(_RecordViewSet):
    model = IntegrityPledge
    serializer_class = PledgeSerializer

    def records(self):
        return selectors.project_pledges(self.project)

    @api_schema(summary="Prepare a client member's integrity pledge (client lead); signing is at "
                        "/signatures/sign/…", request=PledgeCreateSerializer, responses={201: PledgeSerializer})
    def create(self, request, project_pk=None):
        self.require("teams.can_manage_pledges", self.project)
        data = PledgeCreateSerializer(data=request.data, project=self.project)
        data.is_valid(raise_exception=True)
        return self._out(services.pledge_create(project=self.project, user=request.user,
                                                member=data.validated_data["member"]), status.HTTP_201_CREATED)


def register(router, project_prefix: str) -> None:
    router.register(project_prefix + "staff-filings", StaffFilingViewSet, basename="project-staff-filing")
    router.register(project_prefix + "equipment", EquipmentViewSet, basename="project-equipment")
    router.register(project_prefix + "staff-changes", StaffChangeViewSet, basename="project-staff-change")
    router.register(project_prefix + "integrity-pledges", PledgeViewSet, basename="project-integrity-pledge")
