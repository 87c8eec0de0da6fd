"""Input and output shapes. Output serializers are read-only views of models; input
serializers are plain ``Serializer`` classes that only validate: the view hands their
``validated_data`` to a service. Nothing here saves a model.

Fields a user may not set (client, phase, created_by, version, is_active …) are simply not
input fields: when a request sends them they are ignored (mass assignment, security row 10).
"""

from __future__ import annotations

from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from apps.accounts.enums import OrgKind, ProjectRole
from apps.accounts.models import Organization
from apps.accounts.serializers import OrganizationRefSerializer
from apps.core.permissions import allowed
from apps.core.rest.fields import DateField, LineField, RecordField, TextField
from apps.core.rest.serializers import REASON_MAX_LENGTH, UserRefSerializer

from .enums import Confidentiality, RiskLevel, ServiceType
from .forms import MemberAddForm
from .models import GateAttestation, Project, ProjectMember

User = get_user_model()


# ---------------------------------------------------------------- projects


class ProjectSerializer(serializers.ModelSerializer):
    client = OrganizationRefSerializer(read_only=True)
    contractor = OrganizationRefSerializer(read_only=True)
    created_by = UserRefSerializer(read_only=True)
    phase_display = serializers.CharField(source="get_phase_display", read_only=True)
    risk_level_display = serializers.CharField(source="get_risk_level_display", read_only=True)
    confidentiality_display = serializers.CharField(source="get_confidentiality_display", read_only=True)
    # Plain text, not a second enum of the phases ("" unless suspended).
    resume_phase = serializers.CharField(read_only=True)

    class Meta:
        model = Project
        fields = [
            "id", "name", "contract_no", "client", "contractor", "service_types", "risk_level",
            "risk_level_display", "confidentiality", "confidentiality_display", "contract_signed_on", "start_date",
            "end_date", "quality_threshold", "warranty_months", "description", "phase", "phase_display",
            "resume_phase", "phase_changed_at", "accepted_on", "version", "created_by", "created_at", "updated_at",
        ]
        read_only_fields = fields


class ProjectPermissionsSerializer(serializers.Serializer):
    manage = serializers.BooleanField(read_only=True)
    suspend = serializers.BooleanField(read_only=True)
    resume = serializers.BooleanField(read_only=True)


class ProjectDetailSerializer(ProjectSerializer):
    """One project, with what the requesting user may do on it (the same rules as the page)."""

    permissions = serializers.SerializerMethodField()

    class Meta(ProjectSerializer.Meta):
        fields = [*ProjectSerializer.Meta.fields, "permissions"]
        read_only_fields = fields

    @extend_schema_field(ProjectPermissionsSerializer)
    def get_permissions(self, project) -> dict:
        user = self.context["request"].user
        return {
            "manage": allowed("projects.can_manage_project", user, project),
            "suspend": allowed("projects.can_suspend_project", user, project),
            "resume": allowed("projects.can_resume_project", user, project),
        }


class ProjectWriteSerializer(serializers.Serializer):
    """The fields a client lead sets (``apps.projects.services.EDITABLE_FIELDS``)."""

    name = LineField(max_length=200)
    contract_no = LineField(max_length=64)
    contractor = RecordField(
        queryset=Organization.objects.filter(kind=OrgKind.CONTRACTOR, is_active=True))
    service_types = serializers.ListField(child=serializers.ChoiceField(choices=ServiceType.choices),
                                          allow_empty=False, max_length=len(ServiceType.choices))
    risk_level = serializers.ChoiceField(choices=RiskLevel.choices, default=RiskLevel.MEDIUM)
    confidentiality = serializers.ChoiceField(choices=Confidentiality.choices, default=Confidentiality.ORDINARY)
    contract_signed_on = DateField()
    start_date = DateField()
    end_date = DateField()
    quality_threshold = serializers.DecimalField(max_digits=5, decimal_places=2, min_value=Decimal("50"),
                                                 max_value=Decimal("100"), default=Decimal("95.00"))
    warranty_months = serializers.IntegerField(min_value=0, max_value=120, default=12)
    description = TextField(max_length=5000, allow_blank=True, default="")

    def validate_service_types(self, value: list[str]) -> list[str]:
        return list(dict.fromkeys(value))

    def validate(self, attrs: dict) -> dict:
        # Partial updates: compare with the project's current values for fields not sent.
        current = self.context.get("project")

        def value(name):
            return attrs[name] if name in attrs else getattr(current, name, None)

        start, end, signed = value("start_date"), value("end_date"), value("contract_signed_on")
        errors = {}
        if start and end and end < start:
            errors["end_date"] = _("The contract end date cannot be before its start date.")
        if signed and end and signed > end:
            errors["contract_signed_on"] = _("The contract cannot be signed after it ends.")
        if errors:
            raise serializers.ValidationError(errors)
        return attrs


class ProjectUpdateSerializer(ProjectWriteSerializer):
    """Partial update. ``version`` is the version the client read: if someone saved since,
    the update is refused with 409 (security row 18)."""

    version = serializers.IntegerField(min_value=1, max_value=2**31 - 1,
                                       help_text=_("The version of the project you read (optimistic locking)."))
    reason = TextField(max_length=REASON_MAX_LENGTH, required=False, allow_blank=True,
                       help_text=_("Why the project is changed; kept in the history."))

    def validate(self, attrs: dict) -> dict:
        if "version" not in attrs:
            raise serializers.ValidationError({"version": _("Send the version of the project you are changing.")})
        return super().validate(attrs)


# ---------------------------------------------------------------- members


class MemberSerializer(serializers.ModelSerializer):
    user = UserRefSerializer(read_only=True)
    role_display = serializers.CharField(source="get_role_display", read_only=True)

    class Meta:
        model = ProjectMember
        fields = ["id", "user", "role", "role_display", "is_active", "added_at", "removed_at"]
        read_only_fields = fields


class MemberCreateSerializer(serializers.Serializer):
    user = RecordField(queryset=User.objects.none())
    role = serializers.ChoiceField(choices=ProjectRole.choices)

    def __init__(self, *args, project: Project | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if project is not None:
            # Exactly the people the page offers (MemberAddForm); the service checks the rest.
            self.fields["user"].queryset = MemberAddForm(project=project).fields["user"].queryset


class MemberRemoveSerializer(serializers.Serializer):
    reason = TextField(max_length=REASON_MAX_LENGTH)


# ---------------------------------------------------------------- gates


class AttestationSerializer(serializers.ModelSerializer):
    attested_by = UserRefSerializer(read_only=True)

    class Meta:
        model = GateAttestation
        fields = ["id", "gate", "reference", "note", "attested_by", "attested_at"]
        read_only_fields = fields


class AttestSerializer(serializers.Serializer):
    gate = LineField(max_length=64)
    reference = LineField(max_length=200)
    note = TextField(max_length=2000, required=False, allow_blank=True, default="")


class GateResultSerializer(serializers.Serializer):
    code = serializers.CharField(source="gate.code")
    label = serializers.CharField(source="gate.label")
    clause = serializers.CharField(source="gate.clause")
    provided_by = serializers.CharField(source="gate.provided_by")
    met = serializers.BooleanField()
    pending = serializers.BooleanField(help_text=_("Not checked from records yet: met by a paper attestation."))
    attestation = AttestationSerializer(allow_null=True)


class GateTargetSerializer(serializers.Serializer):
    target = serializers.CharField()
    label = serializers.CharField()
    all_met = serializers.BooleanField()
    gates = GateResultSerializer(source="results", many=True)
