"""API for the technical disclosure. Reads through scoped selectors, writes through services;
signing goes through the signatures page (/signatures/sign/…) which re-asks the password."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from apps.core.rest.base import ApiViewSet, api_schema
from apps.core.rest.fields import DateField, LineField, RecordField, TextField
from apps.core.rest.serializers import UserRefSerializer
from apps.projects.rest import ProjectScopedMixin

from . import selectors, services
from .enums import Topic
from .models import DisclosureItem, TechnicalDisclosure

User = get_user_model()


class ItemSerializer(serializers.ModelSerializer):
    class Meta:
        model = DisclosureItem
        fields = ["id", "topic", "text"]
        read_only_fields = fields


class DisclosureSerializer(serializers.ModelSerializer):
    organised_by = UserRefSerializer(read_only=True)
    items = serializers.SerializerMethodField()
    attendees = serializers.SerializerMethodField()
    missing_attendees = serializers.SerializerMethodField()
    signing_problems = serializers.SerializerMethodField()
    signed_by_both = serializers.SerializerMethodField()

    class Meta:
        model = TechnicalDisclosure
        fields = ["id", "number", "meeting_date", "place", "note", "organised_by", "created_at", "items",
                  "attendees", "missing_attendees", "signing_problems", "signed_by_both"]
        read_only_fields = fields

    def get_items(self, d) -> list[dict]:
        return ItemSerializer(selectors.items_in_order(d), many=True).data

    def get_attendees(self, d) -> list[dict]:
        return UserRefSerializer(selectors.attendee_people(d), many=True).data

    def get_missing_attendees(self, d) -> list[dict]:
        return UserRefSerializer(selectors.missing_attendees(d), many=True).data

    def get_signing_problems(self, d) -> list[str]:
        return selectors.signing_problems(d)

    def get_signed_by_both(self, d) -> bool:
        return selectors.is_signed_by_both(d)


class DisclosureCreateSerializer(serializers.Serializer):
    meeting_date = DateField()
    place = LineField(max_length=200)
    note = TextField(max_length=5000, required=False, allow_blank=True, default="")


class DisclosureUpdateSerializer(serializers.Serializer):
    meeting_date = DateField(required=False)
    place = LineField(max_length=200, required=False)
    note = TextField(max_length=5000, required=False, allow_blank=True)


class ItemWriteSerializer(serializers.Serializer):
    topic = serializers.ChoiceField(choices=Topic.choices)
    text = TextField(max_length=20000, allow_blank=True)


class AttendanceSerializer(serializers.Serializer):
    attendees = RecordField(queryset=User.objects.none(), many=True)

    def __init__(self, *args, project=None, **kwargs):
        super().__init__(*args, **kwargs)
        if project is not None:
            self.fields["attendees"].child_relation.queryset = User.objects.filter(
                organization_id__in=[project.client_id, project.contractor_id])


class DisclosureViewSet(ProjectScopedMixin, ApiViewSet):
    serializer_class = DisclosureSerializer
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        if self.is_schema_generation:
            return TechnicalDisclosure.objects.none()
        return selectors.project_disclosures(self.project)

    def get_object(self):
        try:
            return self.get_queryset().get(pk=self.kwargs.get("pk"))
        except (TechnicalDisclosure.DoesNotExist, ValueError, TypeError):
            raise NotFound from None

    def _out(self, d, code=status.HTTP_200_OK):
        d.refresh_from_db()
        return Response(self.get_serializer(d).data, status=code)

    @api_schema(summary="The project's technical disclosures, latest first")
    def list(self, request, project_pk=None):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @api_schema(summary="One disclosure with its checklist, attendance, who is missing and what blocks signing")
    def retrieve(self, request, project_pk=None, pk=None):
        return Response(self.get_serializer(self.get_object()).data)

    @api_schema(summary="Organise a disclosure meeting (client lead)", request=DisclosureCreateSerializer,
                responses={201: DisclosureSerializer})
    def create(self, request, project_pk=None):
        self.require("disclosure.can_organise", self.project)
        data = DisclosureCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = services.disclosure_create(project=self.project, user=request.user, **data.validated_data)
        return self._out(d, status.HTTP_201_CREATED)

    @api_schema(summary="Change the meeting details (client lead; refused once signed)",
                request=DisclosureUpdateSerializer, responses=DisclosureSerializer)
    def partial_update(self, request, project_pk=None, pk=None):
        d = self.get_object()
        self.require("disclosure.can_organise", self.project)
        data = DisclosureUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return self._out(services.disclosure_update(disclosure=d, user=request.user, **data.validated_data))

    @api_schema(summary="Write one checklist topic (client lead; refused once signed)", request=ItemWriteSerializer,
                responses=DisclosureSerializer)
    @action(detail=True, methods=["post"])
    def items(self, request, project_pk=None, pk=None):
        d = self.get_object()
        self.require("disclosure.can_organise", self.project)
        data = ItemWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        item = d.items.get(topic=data.validated_data["topic"])
        services.disclosure_item_update(item=item, user=request.user, text=data.validated_data["text"])
        return self._out(d)

    @api_schema(summary="Record the attendees (client lead; replaces the list; refused once signed)",
                request=AttendanceSerializer, responses=DisclosureSerializer)
    @action(detail=True, methods=["post"])
    def attendance(self, request, project_pk=None, pk=None):
        d = self.get_object()
        self.require("disclosure.can_organise", self.project)
        data = AttendanceSerializer(data=request.data, project=self.project)
        data.is_valid(raise_exception=True)
        services.disclosure_attendees_set(disclosure=d, user=request.user, people=data.validated_data["attendees"])
        return self._out(d)


def register(router, project_prefix: str) -> None:
    router.register(project_prefix + "disclosures", DisclosureViewSet, basename="project-disclosure")
